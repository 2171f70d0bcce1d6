"""Pages for cases: apply online (drafts and uploads), my cases, the case page with its actions, the
public progress query, the window desk and the department task list. Thin: they parse the request, call one
service or selector, and shape the page."""

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

from govhall.catalogue.forms import item_fields, prefill
from govhall.catalogue.selectors import item_get_published, item_search
from govhall.core.errors import DomainError, NotFound, ValidationFailed
from govhall.core.pages import not_found, page_error
from govhall.identity.auth import AuthedRequest
from govhall.identity.models import StaffRole
from govhall.identity.permissions import is_staff_member, staff_with

from . import selectors, services
from .channels import channel_of
from .deadlines import due_level
from .models import Case
from .transitions import Action

FORM_PREFIX = "f_"
FILE_PREFIX = "file_"
CASE_DETAIL_KEYS = ("reason", "legal_basis", "kind", "method", "address", "carrier", "tracking_number")


def _posted_form(request: AuthedRequest, fields: list[Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields:
        if f.type == "boolean":
            values[f.name] = request.POST.get(FORM_PREFIX + f.name) == "on"
        else:
            values[f.name] = request.POST.get(FORM_PREFIX + f.name, "")
    return values


def _uploaded_pairs(request: AuthedRequest, item: Any) -> list[tuple[int, str]]:
    """Store each material's uploaded file; (material id, upload id) pairs for the service."""
    user = request.user
    pairs = []
    for material in item.materials.all():
        upload = request.FILES.get(f"{FILE_PREFIX}{material.pk}")
        if upload is not None:
            stored = services.upload_store(owner=user, name=upload.name or "file", data=upload.read())
            pairs.append((material.pk, str(stored.pk)))
    return pairs


def _draft(request: AuthedRequest) -> Case | None:
    draft_id = request.POST.get("draft") or request.GET.get("draft")
    if not draft_id or not str(draft_id).isascii() or not str(draft_id).isdigit():
        return None
    return selectors.draft_get(request.user, int(draft_id))


class _Application:
    """The apply page's request, parsed: the item, for whom, as which enterprise, and the draft so far."""

    def __init__(self, request: AuthedRequest, item: Any, applicant: Any, on_behalf_of: str | None) -> None:
        self.request, self.item, self.applicant, self.on_behalf_of = request, item, applicant, on_behalf_of
        self.memberships = list(applicant.enterprise_memberships.select_related("enterprise"))
        uscc = request.POST.get("enterprise") or request.GET.get("enterprise") or ""
        self.enterprise = next((m.enterprise for m in self.memberships if m.enterprise.uscc == uscc), None)
        self.fields = item_fields(item.form_fields, for_enterprise=self.enterprise is not None)
        self.draft = _draft(request)

    def initial_values(self) -> dict[str, Any]:
        if self.draft:
            return dict(self.draft.form)
        return prefill(self.fields, services.account_data(self.applicant, self.enterprise))

    def save(self, values: dict[str, Any]) -> Case:
        """Keep the draft with the files it had and those just uploaded (so an error never loses them)."""
        user: Any = self.request.user
        draft = self.draft
        kept = (
            {cm.material_id: (cm.material_id, str(cm.upload_id)) for cm in draft.materials.all()}
            if draft
            else {}
        )
        kept.update({m: (m, u) for m, u in _uploaded_pairs(self.request, self.item)})
        self.draft = services.case_draft_save(
            user=user,
            item_code=None if draft else self.item.implementation_code,
            draft_id=draft.pk if draft else None,
            form=values,
            materials=list(kept.values()),
            enterprise_uscc=self.enterprise.uscc if self.enterprise else None,
            on_behalf_of=self.on_behalf_of,
        )
        return self.draft

    def draft_url(self, draft: Case) -> str:
        query = urlencode({"draft": draft.pk, **({"for": self.on_behalf_of} if self.on_behalf_of else {})})
        return f"{reverse('web:apply', args=[self.item.implementation_code])}?{query}"

    def context(self, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
        draft, item = self.draft, self.item
        uploaded = (
            {cm.material_id: cm.upload for cm in draft.materials.select_related("upload")} if draft else {}
        )
        bound = services.account_bound_fields(self.fields, self.applicant, self.enterprise)
        return {
            "item": item,
            "fields": [
                {
                    "field": f,
                    "value": bound.get(f.name, values.get(f.name, "")),
                    "readonly": f.name in bound,
                    "error": errors.get(f.name),
                    "input": FORM_PREFIX + f.name,
                }
                for f in self.fields
            ],
            "materials": [
                {"material": m, "upload": uploaded.get(m.pk), "input": f"{FILE_PREFIX}{m.pk}"}
                for m in item.materials.all()
            ],
            "errors": errors,
            "draft": draft,
            "memberships": self.memberships,
            "enterprise": self.enterprise,
            "on_behalf_of": self.on_behalf_of,
            "applicant": self.applicant,
            "crumbs": [
                (item.name, reverse("web:guide", args=[item.implementation_code])),
                ("在线办理", None),
            ],
        }


@login_required
def apply(request: AuthedRequest, implementation_code: str) -> HttpResponse:
    """网上申报: fill the form, upload each material, save a draft or submit. Uploads are kept in a draft
    as soon as they arrive, so a page with an error never loses them."""
    user = request.user
    try:
        item = item_get_published(implementation_code)
    except NotFound:
        return not_found(request)
    on_behalf_of = (request.POST.get("for") or request.GET.get("for") or "").strip()[:40] or None
    try:
        applicant = services.resolve_applicant(user, on_behalf_of)
    except DomainError as exc:
        return page_error(request, exc, redirect("web:tasks"))
    application = _Application(request, item, applicant, on_behalf_of)
    if request.method != "POST":
        return render(request, "cases/apply.html", application.context(application.initial_values(), {}))
    values = _posted_form(request, application.fields)
    try:
        draft = application.save(values)
        if request.POST.get("action") != "submit":
            messages.success(request, "草稿已保存，可稍后继续填写")
            return redirect(application.draft_url(draft))
        case = services.case_draft_submit(user=user, draft_id=draft.pk, channel=channel_of(user))
    except DomainError as exc:
        errors = {(exc.field or "form").removeprefix("form."): exc.message}
        return render(request, "cases/apply.html", application.context(values, errors), status=exc.status)
    messages.success(request, f"申请已提交，办件编号 {case.number}。受理结果将通过站内消息和短信通知您。")
    return redirect("web:case", number=case.number)


@login_required
def desk(request: AuthedRequest) -> HttpResponse:
    """前台综合受理: a window clerk registers an application for an applicant who is present."""
    user = request.user
    if not staff_with(user, StaffRole.WINDOW_CLERK):
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
        items = item_search(q=q, page_size=10).items
    context = {"applicant": applicant, "applicant_login": applicant_login, "q": q, "items": items, "error": error,
               "crumbs": [("工作台", reverse("web:tasks")), ("窗口受理", None)]}  # fmt: skip
    return render(request, "cases/desk.html", context)


@login_required
def my_cases(request: AuthedRequest) -> HttpResponse:
    user = request.user
    page = Paginator(selectors.cases_of(user), 15).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"case": c, "level": due_level(today, c.promised_due)} for c in page.object_list]
    return render(
        request, "cases/my_cases.html", {"page": page, "rows": rows, "crumbs": [("我的办件", None)]}
    )


@login_required
def case_page(request: AuthedRequest, number: str) -> HttpResponse:
    user = request.user
    try:
        page = selectors.case_page_get(user=user, number=number)
    except NotFound:
        return not_found(request)
    back = ("工作台", reverse("web:tasks")) if page.is_staff_view else ("我的办件", reverse("web:my_cases"))
    return render(request, "cases/case.html", {**page.context(), "crumbs": [back, (page.case.number, None)]})


def _action_details(request: AuthedRequest, action: str) -> dict[str, Any]:
    if action == Action.REQUEST_CORRECTION:
        return {"items": [line for line in request.POST.get("items", "").splitlines() if line.strip()]}
    if action == Action.ACCEPT:
        return {"commitment": request.POST.get("commitment") == "on"}
    return {k: request.POST.get(k, "") for k in CASE_DETAIL_KEYS}


def _case_uploads(request: AuthedRequest, number: str) -> list[tuple[int, str]]:
    item = selectors.case_item_for(request.user, number)
    return _uploaded_pairs(request, item) if item else []


def _supply(request: AuthedRequest, number: str) -> None:
    user = request.user
    pairs = _case_uploads(request, number)
    if not pairs:
        raise ValidationFailed("请选择要补交的文件", field="file")
    for material_id, upload_id in pairs:
        services.case_supply_owed(
            number=number, user=user, material_id=material_id, upload_id=upload_id, channel=channel_of(user)
        )
    messages.success(request, "材料已补交")


@login_required
@require_POST
def case_action(request: AuthedRequest, number: str) -> HttpResponse:
    """One form handler for every action on the case page; the service decides whether it is allowed."""
    user = request.user
    action = request.POST.get("action", "")
    back = redirect("web:case", number=number)
    try:
        if action == "supply":
            _supply(request, number)
            return back
        if action not in {a.value for a in Action}:
            raise ValidationFailed("未知的操作", field="action")
        details = _action_details(request, action)
        if action == Action.RESUBMIT:
            details = {"materials": _case_uploads(request, number)}
        services.case_act(
            number=number, user=user, action=Action(action), channel=channel_of(user), **details
        )
    except DomainError as exc:
        return page_error(request, exc, back)
    messages.success(request, "操作已完成")
    return back


@login_required
@require_POST
def task_action(request: AuthedRequest, task_id: int) -> HttpResponse:
    user = request.user
    number = request.POST.get("number", "")
    back = redirect("web:case", number=number) if number else redirect("web:tasks")
    try:
        if request.POST.get("action") == "claim":
            services.task_claim(task_id=task_id, user=user, channel=channel_of(user))
            messages.success(request, "已签收")
        else:
            services.task_complete(
                task_id=task_id,
                user=user,
                decision=request.POST.get("decision", ""),
                opinion=request.POST.get("opinion", ""),
                legal_basis=request.POST.get("legal_basis", ""),
                channel=channel_of(user),
            )
            messages.success(request, "已办理")
    except DomainError as exc:
        return page_error(request, exc, back)
    return back


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
def tasks(request: AuthedRequest) -> HttpResponse:
    """我的待办: the department's open tasks, earliest due first, with coloured deadline badges."""
    user = request.user
    if not is_staff_member(user):
        return redirect("web:my_cases")
    today = timezone.localdate()
    page = Paginator(selectors.tasks_for(user), 40).get_page(request.GET.get("page"))
    rows = [
        {"task": t, "level": due_level(today, t.due_on), "case_level": due_level(today, t.case.promised_due)}
        for t in page.object_list
    ]
    queue = selectors.acceptance_queue(user)[:40]
    context = {"page": page, "rows": rows, "queue": queue, "today": today, "crumbs": [("工作台", None)]}
    return render(request, "cases/tasks.html", context)
