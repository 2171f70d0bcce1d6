"""Pages for cases: apply online (drafts and uploads), my cases, the case page with its actions, the
public progress query, the window desk and the department task list. Thin: they parse the request, call one
service or selector, and shape the page."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govhall.catalogue.forms import item_fields
from govhall.catalogue.selectors import bundle_search, item_get_published, item_search
from govhall.core.errors import DomainError, NotFound, QuotaExceeded, ValidationFailed
from govhall.core.pages import not_found, page_error
from govhall.identity.auth import AuthedRequest
from govhall.identity.models import StaffRole
from govhall.identity.permissions import is_staff_member, staff_with

from . import selectors, services
from .channels import channel_of
from .deadlines import due_level, waiting_label
from .models import Case
from .paperless import materials_plan
from .permissions import task_workable
from .tolerance import ToleratedGap
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


def _store_uploads(request: AuthedRequest, item: Any) -> tuple[list[tuple[int, str]], dict[str, str]]:
    """Store each material's uploaded file that passes the checks: the (material id, upload id) pairs for
    the service, and for each file refused, its error keyed ``materials.<id>`` (the others are kept)."""
    user = request.user
    pairs: list[tuple[int, str]] = []
    errors: dict[str, str] = {}
    for material in item.materials.all():
        upload = request.FILES.get(f"{FILE_PREFIX}{material.pk}")
        if upload is None:
            continue
        try:
            stored = services.upload_store(owner=user, name=upload.name or "file", data=upload.read())
        except (ValidationFailed, QuotaExceeded) as exc:
            errors[f"materials.{material.pk}"] = f"“{upload.name}”未能上传：{exc.message}"
            continue
        pairs.append((material.pk, str(stored.pk)))
    return pairs, errors


def _uploaded_pairs(request: AuthedRequest, item: Any) -> list[tuple[int, str]]:
    """The stored uploads; the first refused file is the error (the case page sends one file at a time)."""
    pairs, errors = _store_uploads(request, item)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), field="file")
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
        self.upload_errors: dict[str, str] = {}

    def initial_values(self) -> dict[str, Any]:
        if self.draft:
            return dict(self.draft.form)
        return self.prefilled[0]

    @functools.cached_property
    def prefilled(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(values, field name -> the e-licence type a value came from)."""
        return services.form_prefill(self.fields, self.applicant, self.enterprise)

    def save(self, values: dict[str, Any]) -> Case:
        """Keep the draft with the files it had and those just uploaded (so an error never loses them)."""
        user: Any = self.request.user
        draft = self.draft
        kept = (
            {cm.material_id: (cm.material_id, str(cm.upload_id)) for cm in draft.materials.all()}
            if draft
            else {}
        )
        pairs, self.upload_errors = _store_uploads(self.request, self.item)
        self.consents_give()
        kept.update({m: (m, u) for m, u in pairs})
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

    def consents_give(self) -> None:
        """The applicant's ticks under shared-data materials that need their consent (授权查询)."""
        codes = self.request.POST.getlist("consent")
        if codes:
            services.application_consents_give(
                applicant=self.applicant, enterprise=self.enterprise, resources=codes
            )

    def draft_url(self, draft: Case) -> str:
        desk = {"desk": desk_token_for(self.request, self.on_behalf_of)} if self.on_behalf_of else {}
        query = urlencode({"draft": draft.pk, **desk})
        return f"{reverse('web:apply', args=[self.item.implementation_code])}?{query}"

    def material_rows(self, uploaded: dict[int, Any], latest: dt.date | None) -> list[dict[str, Any]]:
        """Each material's way in (零证明 plan: an e-licence, shared data, or a file), its upload, and at the
        window a 容缺 tick and due date for a tolerable one."""
        posted = self.request.POST
        plan = materials_plan(self.item, self.applicant, self.enterprise)
        return [
            {
                "material": p.material,
                "plan": p,
                "upload": uploaded.get(p.material.pk),
                "input": f"{FILE_PREFIX}{p.material.pk}",
                "gap": latest is not None and p.material.tolerable and not p.paperless,
                "gap_checked": str(p.material.pk) in posted.getlist("gap"),
                "gap_due": posted.get(f"gap_due_{p.material.pk}") or (latest.isoformat() if latest else ""),
            }
            for p in plan
        ]

    def context(self, values: dict[str, Any], problems: dict[str, str]) -> dict[str, Any]:
        """The page; ``problems`` are keyed ``form.<name>``, ``materials.<id>`` or another field's name."""
        draft, item = self.draft, self.item
        tolerable = self.on_behalf_of and any(m.tolerable for m in item.materials.all())
        latest = selectors.promised_due_if_accepted(item, timezone.localdate()) if tolerable else None
        uploaded = (
            {cm.material_id: cm.upload for cm in draft.materials.select_related("upload")} if draft else {}
        )
        bound = services.account_bound_fields(self.fields, self.applicant, self.enterprise)
        fields = [
            {"field": f, "value": bound.get(f.name, values.get(f.name, "")), "readonly": f.name in bound,
             "error": problems.get(f"form.{f.name}"), "input": FORM_PREFIX + f.name,
             "from_licence": self.prefilled[1].get(f.name) if not draft else None}
            for f in self.fields
        ]  # fmt: skip
        materials = self.material_rows(uploaded, latest)
        for row in materials:
            row["error"] = problems.get(f"materials.{row['material'].pk}")
        return {
            "item": item,
            "fields": fields,
            "materials": materials,
            "gap_latest": latest,
            "summary": _summary(problems, fields, materials),
            "errors": problems,
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


def _summary(
    problems: dict[str, str], fields: list[dict[str, Any]], materials: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """Every problem as (anchor, message), in the page's order: the form's fields, then the materials, then
    anything else (it points at the form's top)."""
    rows = [(f"#{row['input']}", row["error"]) for row in fields + materials if row["error"]]
    shown = {f"form.{row['field'].name}" for row in fields} | {
        f"materials.{row['material'].pk}" for row in materials
    }
    rows += [("#apply-form", message) for key, message in problems.items() if key not in shown]
    return rows


@login_required
def apply(request: AuthedRequest, implementation_code: str) -> HttpResponse:
    """网上申报: fill the form, upload each material, save a draft or submit. Uploads are kept in a draft
    as soon as they arrive, so a page with an error never loses them."""
    user = request.user
    try:
        item = item_get_published(implementation_code)
    except NotFound:
        return not_found(request)
    on_behalf_of = desk_applicant_login(request) or None
    try:
        applicant = services.resolve_applicant(user, on_behalf_of)
    except DomainError as exc:
        return page_error(request, exc, redirect("web:tasks"))
    application = _Application(request, item, applicant, on_behalf_of)
    if request.method != "POST":
        return render(request, "cases/apply.html", application.context(application.initial_values(), {}))
    values = _posted_form(request, application.fields)
    if request.POST.get("action") == "switch":  # 申请身份 changed: keep what was typed, fill in the rest
        filled = application.initial_values()
        values = {k: v if v not in ("", None) else filled.get(k, v) for k, v in values.items()}
        return render(request, "cases/apply.html", application.context(values, {}))
    submitting = request.POST.get("action") == "submit"
    try:
        draft = application.save(values)
        gaps = _posted_gaps(request) if on_behalf_of and submitting else []
        found = services.draft_problems(draft, tolerated={g.material for g in gaps}) if submitting else {}
        problems = found | application.upload_errors
        if problems:
            return render(request, "cases/apply.html", application.context(values, problems), status=422)
        if not submitting:
            messages.success(request, "草稿已保存，可稍后继续填写")
            return redirect(application.draft_url(draft))
        case = services.case_draft_submit(
            user=user, draft_id=draft.pk, tolerated_gaps=gaps, channel=channel_of(user)
        )
    except DomainError as exc:
        problems = {exc.field or "form": exc.message}
        return render(request, "cases/apply.html", application.context(values, problems), status=exc.status)
    messages.success(request, f"申请已提交，办件编号 {case.number}。受理结果将通过站内消息和短信通知您。")
    return redirect("web:case", number=case.number)


DESK_SESSION_KEY = "desk_applicants"


def desk_token_for(request: HttpRequest, login: str) -> str:
    """A short token standing for an applicant the desk looked up, kept in the clerk's session: links to
    the apply page carry it instead of the applicant's ID number or phone."""
    known: dict[str, str] = request.session.get(DESK_SESSION_KEY, {})
    token = next((t for t, value in known.items() if value == login), None) or secrets.token_urlsafe(8)
    known = {t: v for t, v in list(known.items())[-19:] if t != token} | {token: login}
    request.session[DESK_SESSION_KEY] = known
    return token


def desk_applicant_login(request: HttpRequest) -> str | None:
    """Whom the apply page is for: posted by its own form, or a desk token in the link."""
    posted = (request.POST.get("for") or "").strip()[:40]
    if posted:
        return posted
    token = request.GET.get("desk", "")
    return request.session.get(DESK_SESSION_KEY, {}).get(token) if token else None


@login_required
def desk(request: AuthedRequest) -> HttpResponse:
    """前台综合受理: a window clerk registers an application for an applicant who is present. The look-up is
    posted (the ID number or phone never goes into a URL) and checked for format before it is looked up."""
    user = request.user
    if not staff_with(user, StaffRole.WINDOW_CLERK):
        return redirect("web:tasks")
    applicant_login = request.POST.get("for", "").strip()[:40]
    q = (request.POST.get("q") or request.GET.get("q", "")).strip()[:100]
    applicant, error, items, bundles, token = None, None, [], [], ""
    if applicant_login:
        try:
            applicant = services.resolve_applicant(user, applicant_login)
            token = desk_token_for(request, applicant_login)
        except DomainError as exc:
            error = exc.message
    if applicant and q:
        try:
            items = item_search(q=q, page_size=10).items
            bundles = bundle_search(q)
        except DomainError as exc:  # a query too long to search
            error = exc.message
    context = {"applicant": applicant, "applicant_login": applicant_login, "q": q, "items": items,
               "bundles": bundles, "error": error,
               "token": token, "not_registered": error == services.NOT_REGISTERED,
               "crumbs": [("工作台", reverse("web:tasks")), ("窗口受理", None)]}  # fmt: skip
    return render(request, "cases/desk.html", context, status=422 if error else 200)


@login_required
def my_cases(request: AuthedRequest) -> HttpResponse:
    user = request.user
    page = Paginator(selectors.cases_of(user), 15).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"case": c, "level": due_level(today, c.promised_due)} for c in page.object_list]
    bundles = [
        {"bundle_case": b, "level": "done" if b.completed_at else due_level(today, b.promised_due)}
        for b in selectors.bundle_cases_of(user)[:20]
    ]
    context = {"page": page, "rows": rows, "bundles": bundles, "crumbs": [("我的办件", None)]}
    return render(request, "cases/my_cases.html", context)


@login_required
def case_page(request: AuthedRequest, number: str) -> HttpResponse:
    user = request.user
    try:
        page = selectors.case_page_get(user=user, number=number)
    except NotFound:
        return not_found(request)
    back = ("工作台", reverse("web:tasks")) if page.is_staff_view else ("我的办件", reverse("web:my_cases"))
    context = {**page.context(), "crumbs": [back, (page.case.number, None)]}
    context["correction_workdays"] = settings.CORRECTION_DEADLINE_WORKDAYS
    return render(request, "cases/case.html", context)


def _lookup(request: AuthedRequest, number: str) -> services.CaseLookup:
    """共享数据核验 from the case page: the data items the department's grants name for the case's item."""
    from govhall.sharing.selectors import granted_items

    code = request.POST.get("resource", "")[:40]
    item = selectors.case_item_for(request.user, number)
    items = granted_items(request.user.department_id or 0, code, item.implementation_code if item else "")
    return services.case_lookup(
        number=number, user=request.user, resource=code, items=items, channel=channel_of(request.user)
    )


def _posted_gaps(request: AuthedRequest) -> list[ToleratedGap]:
    """容缺材料 ticked in a form (``gap`` = material id), each with its date ``gap_due_<id>``."""
    gaps = []
    for raw in request.POST.getlist("gap"):
        if not raw.isascii() or not raw.isdigit():
            raise ValidationFailed("容缺材料编号不正确", field="tolerated_gaps")
        try:
            due = dt.date.fromisoformat(request.POST.get(f"gap_due_{raw}", "").strip())
        except ValueError:
            raise ValidationFailed(
                "请为勾选的容缺材料填写补交日期（YYYY-MM-DD）", field="tolerated_gaps"
            ) from None
        gaps.append(ToleratedGap(int(raw), due))
    return gaps


def _action_details(request: AuthedRequest, action: str) -> dict[str, Any]:
    if action == Action.REQUEST_CORRECTION:
        return {"items": _correction_items(request)}
    if action == Action.ACCEPT:
        return {"commitment": request.POST.get("commitment") == "on", "tolerated_gaps": _posted_gaps(request)}
    return {k: request.POST.get(k, "") for k in CASE_DETAIL_KEYS}


def _correction_items(request: AuthedRequest) -> list[dict[str, Any] | str]:
    """The correction form's items: each ticked material with what is wrong with it, then the free lines."""
    tied: list[dict[str, Any] | str] = [
        {"material": pk, "text": request.POST.get(f"fix_note_{pk}", "")}
        for pk in request.POST.getlist("fix_material")
    ]
    return tied + [line for line in request.POST.get("items", "").splitlines() if line.strip()]


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
        if action == "lookup":
            done = _lookup(request, number)
            messages.success(request, f"共享数据核验完成：{done.snapshot.resource_name}")
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
    case, bundle, error = None, None, None
    status = 200
    client = request.META.get("REMOTE_ADDR", "")
    if number and name:
        try:
            if selectors.is_bundle_number(number):
                bundle = services.bundle_progress_lookup(number=number, name=name, client=client)
            else:
                case = services.progress_lookup(number=number, name=name, client=client)
        except DomainError as exc:
            error, status = exc.message, exc.status
    steps = case.steps if case else []  # type: ignore[attr-defined]
    context = {
        "number": number,
        "name": name,
        "case": case,
        "bundle": bundle,
        "steps": steps,
        "error": error,
        "crumbs": [("办件进度查询", None)],
    }
    return render(request, "cases/progress.html", context, status=status)


QUEUE_PAGE_SIZE = 20


def _pager(request: HttpRequest, queryset: Any, param: str, size: int) -> dict[str, Any]:
    """One queue's page: its rows, its count, and links to the pages around it (other queues' pages kept)."""
    page = Paginator(queryset, size).get_page(request.GET.get(param))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}"

    return {
        "page": page,
        "count": page.paginator.count,
        "prev": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }


@login_required
def tasks(request: AuthedRequest) -> HttpResponse:
    """工作台: my tasks (earliest due first, coloured deadline badges), the cases waiting for acceptance and
    those waiting to be issued, each counted and paged, with how long each has waited."""
    user = request.user
    if not is_staff_member(user):
        return redirect("web:my_cases")
    today, now = timezone.localdate(), timezone.now()
    task_pager = _pager(request, selectors.tasks_for(user), "page", 40)
    rows = [
        {"task": t, "level": due_level(today, t.due_on), "case_level": due_level(today, t.case.promised_due),
         "waited": waiting_label(t.created_at, now), "workable": task_workable(t, user)}
        for t in task_pager["page"].object_list
    ]  # fmt: skip
    queue = _pager(request, selectors.acceptance_queue(user), "qpage", QUEUE_PAGE_SIZE)
    issue = _pager(request, selectors.issue_queue(user), "ipage", QUEUE_PAGE_SIZE)
    context = {
        "page": task_pager["page"], "task_pager": task_pager, "rows": rows, "today": today,
        "queue": [{"case": c, "waited": waiting_label(c.submitted_at, now)} for c in queue["page"].object_list],
        "queue_pager": queue,
        "issue": [{"case": c, "waited": waiting_label(c.decided_at, now)} for c in issue["page"].object_list],
        "issue_pager": issue,
        "crumbs": [("工作台", None)],
    }  # fmt: skip
    return render(request, "cases/tasks.html", context)
