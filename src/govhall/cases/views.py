"""Pages for cases: apply online (drafts and uploads), my cases, the case page with its actions, the
public progress query, the window desk and the department task list. Thin: services and selectors do
the work."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govhall.catalogue.forms import SENSITIVE_TYPES, item_fields, prefill
from govhall.catalogue.selectors import item_get_published
from govhall.core.errors import DomainError, NotFound, ValidationFailed
from govhall.identity.models import AccountKind, StaffRole

from . import selectors, services
from .deadlines import due_level
from .documents import document_links
from .models import Case, Channel
from .permissions import case_actors, sees_full_personal_data
from .transitions import Action, Actor, Status, allowed_actions

FORM_PREFIX = "f_"
FILE_PREFIX = "file_"


def _account_data(user: Any, enterprise: Any = None) -> dict[str, str]:
    data = {
        "applicant.name": user.display_name,
        "applicant.phone": user.phone,
        "applicant.id_number": user.id_number,
    }
    if enterprise is not None:
        data |= {
            "enterprise.name": enterprise.name,
            "enterprise.uscc": enterprise.uscc,
            "enterprise.legal_representative": enterprise.legal_representative,
        }
    return data


def _posted_form(request: HttpRequest, fields: list[Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields:
        if f.type == "boolean":
            values[f.name] = request.POST.get(FORM_PREFIX + f.name) == "on"
        else:
            values[f.name] = request.POST.get(FORM_PREFIX + f.name, "")
    return values


def _uploaded_pairs(request: HttpRequest, item: Any) -> list[tuple[int, str]]:
    pairs = []
    for material in item.materials.all():
        upload = request.FILES.get(f"{FILE_PREFIX}{material.pk}")
        if upload is not None:
            stored = services.upload_store(owner=request.user, name=upload.name or "file", data=upload.read())  # type: ignore[arg-type]
            pairs.append((material.pk, str(stored.pk)))
    return pairs


@login_required
def apply(request: HttpRequest, implementation_code: str) -> HttpResponse:
    """网上申报: fill the form, upload each material, save a draft or submit. Uploads are kept in a draft
    as soon as they arrive, so a page with an error never loses them."""
    try:
        item = item_get_published(implementation_code)
    except NotFound:
        return render(request, "web/not_found.html", {"crumbs": [("未找到", None)]}, status=404)
    on_behalf_of = (request.POST.get("for") or request.GET.get("for") or "").strip()[:40] or None
    applicant: Any = request.user
    if on_behalf_of:
        try:
            applicant = services.resolve_applicant(request.user, on_behalf_of)  # type: ignore[arg-type]
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("web:tasks")
    memberships = list(applicant.enterprise_memberships.select_related("enterprise"))
    enterprise_uscc = request.POST.get("enterprise") or request.GET.get("enterprise") or ""
    enterprise = next((m.enterprise for m in memberships if m.enterprise.uscc == enterprise_uscc), None)
    fields = item_fields(item.form_fields, for_enterprise=enterprise is not None)
    draft = _draft(request)
    values = draft.form if draft else prefill(fields, _account_data(applicant, enterprise))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = _posted_form(request, fields)
        try:
            pairs = _uploaded_pairs(request, item)
            kept = (
                {cm.material_id: (cm.material_id, str(cm.upload_id)) for cm in draft.materials.all()}
                if draft
                else {}
            )
            kept.update({m: (m, u) for m, u in pairs})
            draft = services.case_draft_save(
                user=request.user,  # type: ignore[arg-type]
                item_code=None if draft else item.implementation_code,
                draft_id=draft.pk if draft else None,
                form=values,
                materials=list(kept.values()),
                enterprise_uscc=enterprise.uscc if enterprise else None,
                on_behalf_of=on_behalf_of,
            )
            if request.POST.get("action") == "submit":
                case = services.case_draft_submit(user=request.user, draft_id=draft.pk)  # type: ignore[arg-type]
                messages.success(
                    request, f"申请已提交，办件编号 {case.number}。受理结果将通过站内消息和短信通知您。"
                )
                return redirect("web:case", number=case.number)
            messages.success(request, "草稿已保存，可稍后继续填写")
            query = urlencode({"draft": draft.pk, **({"for": on_behalf_of} if on_behalf_of else {})})
            return redirect(f"{reverse('web:apply', args=[item.implementation_code])}?{query}")
        except DomainError as exc:
            errors[(exc.field or "form").removeprefix("form.")] = exc.message
            status = exc.status
    uploaded = {cm.material_id: cm.upload for cm in draft.materials.select_related("upload")} if draft else {}
    context = {
        "item": item,
        "fields": [
            {
                "field": f,
                "value": values.get(f.name, ""),
                "error": errors.get(f.name),
                "input": FORM_PREFIX + f.name,
            }
            for f in fields
        ],
        "materials": [
            {"material": m, "upload": uploaded.get(m.pk), "input": f"{FILE_PREFIX}{m.pk}"}
            for m in item.materials.all()
        ],
        "errors": errors,
        "draft": draft,
        "memberships": memberships,
        "enterprise": enterprise,
        "on_behalf_of": on_behalf_of,
        "applicant": applicant,
        "crumbs": [(item.name, reverse("web:guide", args=[item.implementation_code])), ("在线办理", None)],
    }
    return render(request, "cases/apply.html", context, status=status)


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """前台综合受理: a window clerk registers an application for an applicant who is present."""
    user: Any = request.user
    if getattr(user, "kind", None) != AccountKind.STAFF or not user.has_role(StaffRole.WINDOW_CLERK):
        return redirect("web:tasks")
    applicant_login = request.GET.get("for", "").strip()[:40]
    q = request.GET.get("q", "").strip()[:100]
    applicant, error, items = None, None, []
    if applicant_login:
        try:
            applicant = services.resolve_applicant(user, applicant_login)
        except DomainError as exc:
            error = exc.message
    if applicant and q:
        from govhall.catalogue.selectors import item_search

        items = item_search(q=q, page_size=10).items
    context = {"applicant": applicant, "applicant_login": applicant_login, "q": q, "items": items, "error": error,
               "crumbs": [("工作台", reverse("web:tasks")), ("窗口受理", None)]}  # fmt: skip
    return render(request, "cases/desk.html", context)


def _draft(request: HttpRequest) -> Case | None:
    draft_id = request.POST.get("draft") or request.GET.get("draft")
    if not draft_id or not str(draft_id).isascii() or not str(draft_id).isdigit():
        return None
    return Case.objects.filter(pk=int(draft_id), submitted_by_id=request.user.pk, status=Status.DRAFT).first()


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.cases_of(request.user), 15).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    today = timezone.localdate()
    rows = [{"case": c, "level": due_level(today, c.promised_due)} for c in page.object_list]
    return render(
        request, "cases/my_cases.html", {"page": page, "rows": rows, "crumbs": [("我的办件", None)]}
    )


STAFF_ACTIONS = [
    (Action.ACCEPT, "受理"),
    (Action.REQUEST_CORRECTION, "一次性告知补正"),
    (Action.REFUSE, "不予受理"),
    (Action.SUSPEND, "启动特别程序"),
    (Action.RESUME, "恢复计时"),
    (Action.ISSUE, "出件"),
    (Action.COMPLETE, "办结"),
]


@login_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    try:
        case = selectors.case_get_for(request.user, number)  # type: ignore[arg-type]
    except NotFound:
        return render(request, "web/not_found.html", {"crumbs": [("未找到", None)]}, status=404)
    actors = case_actors(case, request.user)
    possible = set(allowed_actions(Status(case.status)))
    staff_actions = (
        [(a, label) for a, label in STAFF_ACTIONS if a in possible] if actors - {Actor.APPLICANT} else []
    )
    user = request.user
    my_tasks = [
        t for t in case.tasks.all()
        if t.state in ("open", "claimed") and user.department_id == t.department_id  # type: ignore[union-attr]
    ]  # fmt: skip
    fields = item_fields(case.item.form_fields, for_enterprise=case.enterprise_id is not None)
    full = sees_full_personal_data(case, user)
    from govhall.core.masking import mask_id_number, mask_phone

    form_rows = []
    for f in fields:
        value = case.form.get(f.name, "")
        if f.type in SENSITIVE_TYPES and not full:
            value = mask_phone(value) if f.type == "phone" else mask_id_number(value)
        form_rows.append((f.label, value))
    correction = (
        case.events.filter(action="request_correction").order_by("-at").first()
        if case.status == Status.CORRECTION
        else None
    )
    staff = getattr(user, "kind", None) == AccountKind.STAFF
    latest: dict[int, int] = {}
    for cm in case.materials.all():
        latest[cm.material_id] = max(latest.get(cm.material_id, 0), cm.pk)
    replaced = {cm.pk for cm in case.materials.all() if cm.pk != latest[cm.material_id]}
    context = {
        "case": case,
        "replaced": replaced,
        "form_rows": form_rows,
        "staff_actions": staff_actions,
        "my_tasks": my_tasks,
        "can_resubmit": case.status == Status.CORRECTION and Actor.APPLICANT in actors,
        "correction": correction,
        "level": due_level(timezone.localdate(), case.promised_due),
        "legal_level": due_level(timezone.localdate(), case.legal_due),
        "documents": document_links(case),
        "is_staff_view": staff,
        "crumbs": [
            ("工作台", reverse("web:tasks")) if staff else ("我的办件", reverse("web:my_cases")),
            (case.number, None),
        ],
    }
    return render(request, "cases/case.html", context)


@login_required
@require_POST
def case_action(request: HttpRequest, number: str) -> HttpResponse:
    """One form handler for every action on the case page; the service decides whether it is allowed."""
    action = request.POST.get("action", "")
    details: dict[str, Any] = {
        k: request.POST.get(k, "")
        for k in ("reason", "legal_basis", "kind", "method", "address", "carrier", "tracking_number")
    }
    if action == Action.REQUEST_CORRECTION:
        details = {"items": [line for line in request.POST.get("items", "").splitlines() if line.strip()]}
    if action == Action.ACCEPT:
        details = {"commitment": request.POST.get("commitment") == "on"}
    try:
        if action == "supply":
            found = Case.objects.select_related("item").filter(number=number).first()
            pairs = _uploaded_pairs(request, found.item) if found else []
            if not pairs:
                raise ValidationFailed("请选择要补交的文件", field="file")
            user_: Any = request.user
            for material_id, upload_id in pairs:
                services.case_supply_owed(
                    number=number, user=user_, material_id=material_id, upload_id=upload_id
                )
            messages.success(request, "材料已补交")
            return redirect("web:case", number=number)
        if action == Action.RESUBMIT:
            case = Case.objects.select_related("item").filter(number=number).first()
            pairs = _uploaded_pairs(request, case.item) if case else []
            details = {"materials": pairs}
        user: Any = request.user
        services.case_act(
            number=number, user=user, action=Action(action), channel=_channel(request), **details
        )
        messages.success(request, "操作已完成")
    except ValueError:
        messages.error(request, "未知的操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("web:case", number=number)


def _channel(request: HttpRequest) -> str:
    user: Any = request.user
    clerk = getattr(user, "kind", None) == AccountKind.STAFF and user.has_role(StaffRole.WINDOW_CLERK)
    return Channel.WINDOW if clerk else Channel.WEB


@login_required
@require_POST
def task_action(request: HttpRequest, task_id: int) -> HttpResponse:
    number = request.POST.get("number", "")
    try:
        if request.POST.get("action") == "claim":
            services.task_claim(task_id=task_id, user=request.user)  # type: ignore[arg-type]
            messages.success(request, "已签收")
        else:
            services.task_complete(
                task_id=task_id,
                user=request.user,  # type: ignore[arg-type]
                decision=request.POST.get("decision", ""),
                opinion=request.POST.get("opinion", ""),
                legal_basis=request.POST.get("legal_basis", ""),
            )
            messages.success(request, "已办理")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("web:case", number=number) if number else redirect("web:tasks")


def progress(request: HttpRequest) -> HttpResponse:
    """The public progress query: no login; a wrong name reveals nothing."""
    number, name = request.GET.get("number", "")[:40], request.GET.get("name", "")[:100]
    case, error = None, None
    if number and name:
        try:
            case = selectors.progress_get(number, name)
        except NotFound as exc:
            error = exc.message
    steps = case.steps if case else []  # type: ignore[attr-defined]
    context = {
        "number": number,
        "name": name,
        "case": case,
        "steps": steps,
        "error": error,
        "crumbs": [("办件进度查询", None)],
    }
    return render(request, "cases/progress.html", context, status=404 if error else 200)


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """我的待办: the department's open tasks, earliest due first, with coloured deadline badges."""
    user = request.user
    if getattr(user, "kind", None) != AccountKind.STAFF:
        return redirect("web:my_cases")
    today = timezone.localdate()
    page = Paginator(selectors.tasks_for(user), 40).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    rows = [
        {"task": t, "level": due_level(today, t.due_on), "case_level": due_level(today, t.case.promised_due)}
        for t in page.object_list
    ]
    queue = selectors.acceptance_queue(user)[:40]  # type: ignore[arg-type]
    context = {"page": page, "rows": rows, "queue": queue, "today": today, "crumbs": [("工作台", None)]}
    return render(request, "cases/tasks.html", context)
