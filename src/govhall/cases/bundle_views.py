"""Pages for bundle cases (一件事): apply once (one form, one set of materials, the optional items ticked),
the bundle case's page (every item's status, the critical path, the due date, 统一出件, withdrawal). Thin, as
views.py: parse, call one service or selector, shape the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from govhall.catalogue.bundle_graph import Edge
from govhall.catalogue.selectors import BundleGuide, bundle_get_published, bundle_guide
from govhall.core.errors import DomainError, NotFound, QuotaExceeded, ValidationFailed
from govhall.core.pages import not_found, page_error
from govhall.identity.auth import AuthedRequest
from govhall.identity.models import StaffRole
from govhall.identity.permissions import is_staff_member, staff_with

from . import selectors, services
from .channels import channel_of
from .paperless import MaterialPlan, materials_plan
from .services.bundles import predecessor_results
from .views import FILE_PREFIX, FORM_PREFIX, _posted_form, desk_applicant_login

KEPT_PREFIX = "kept_"


class _BundleApplication:
    """The bundle apply page's request: the guide, for whom, as which enterprise, what was ticked and kept."""

    def __init__(self, request: AuthedRequest, guide: BundleGuide, applicant: Any, on_behalf_of: str | None):
        self.request, self.guide, self.applicant, self.on_behalf_of = request, guide, applicant, on_behalf_of
        self.memberships = list(applicant.enterprise_memberships.select_related("enterprise"))
        uscc = request.POST.get("enterprise") or request.GET.get("enterprise") or ""
        self.enterprise = next((m.enterprise for m in self.memberships if m.enterprise.uscc == uscc), None)
        self.fields = [m.field for m in guide.form]
        posted = request.method == "POST"
        self.ticked = set(request.POST.getlist("optional")) if posted else set()
        self.kept: dict[int, str] = {
            int(k.removeprefix(KEPT_PREFIX)): str(v)[:40]
            for k, v in request.POST.items()
            if k.startswith(KEPT_PREFIX) and k.removeprefix(KEPT_PREFIX).isdigit()
        }

    def uploads(self) -> tuple[list[tuple[int, str]], dict[str, str]]:
        """Each merged material's new file, stored; the files kept from an earlier try are reused."""
        pairs: dict[int, str] = dict(self.kept)
        errors: dict[str, str] = {}
        for material in self.guide.materials:
            upload = self.request.FILES.get(f"{FILE_PREFIX}{material.id}")
            if upload is None:
                continue
            try:
                stored = services.upload_store(
                    owner=self.request.user, name=upload.name or "file", data=upload.read()
                )
            except (ValidationFailed, QuotaExceeded) as exc:
                errors[f"materials.{material.id}"] = f"“{upload.name}”未能上传：{exc.message}"
                continue
            pairs[material.id] = str(stored.pk)
        self.kept = pairs
        return list(pairs.items()), errors

    def context(self, values: dict[str, Any], problems: dict[str, str]) -> dict[str, Any]:
        guide = self.guide
        prefilled, sources = services.form_prefill(self.fields, self.applicant, self.enterprise)
        bound = services.account_bound_fields(self.fields, self.applicant, self.enterprise)
        names = guide.names
        fields = [
            {"field": m.field, "value": bound.get(m.field.name, values.get(m.field.name, prefilled.get(m.field.name, ""))),
             "readonly": m.field.name in bound, "error": problems.get(f"form.{m.field.name}"),
             "input": FORM_PREFIX + m.field.name, "from_licence": sources.get(m.field.name),
             "items": [names[t.item] for t in m.targets if t.item in names]}
            for m in guide.form
        ]  # fmt: skip
        materials = self.material_rows(problems)
        summary = [(f"#{r['input']}", r["error"]) for r in fields + materials if r["error"]]
        shown = {f"form.{r['field'].name}" for r in fields} | {
            f"materials.{r['material'].id}" for r in materials
        }
        summary += [("#apply-form", m) for k, m in problems.items() if k not in shown]
        return {
            "guide": guide, "bundle": guide.bundle, "fields": fields, "materials": materials,
            "optional": [g for g in guide.items if g.entry.optional], "ticked": self.ticked,
            "summary": summary, "errors": problems, "memberships": self.memberships,
            "enterprise": self.enterprise, "on_behalf_of": self.on_behalf_of, "applicant": self.applicant,
            "crumbs": [(guide.bundle.name, reverse("web:bundle", args=[guide.bundle.code])), ("一次申请", None)],
        }  # fmt: skip

    def material_rows(self, problems: dict[str, str]) -> list[dict[str, Any]]:
        """Each merged material: the items it serves, and whether it comes from an earlier item's result, by
        itself (e-licence, shared data), after a consent, or as a file (kept from an earlier try or new)."""
        guide = self.guide
        graph = [Edge(e.before, e.after, e.on_failure) for e in guide.edges]
        results = predecessor_results(guide.items, graph)
        plans: dict[int, MaterialPlan] = {}
        for g in guide.items:
            plans.update({p.material.pk: p for p in materials_plan(g.item, self.applicant, self.enterprise)})
        names = guide.names
        rows = []
        for m in guide.materials:
            givers = [results.get((t.item, t.material)) for t in m.serves]
            plan = plans.get(m.serves[0].material)
            rows.append(
                {"material": m, "items": [names[t.item] for t in m.serves], "plan": plan,
                 "from_result": givers[0] if all(givers) else None, "input": f"{FILE_PREFIX}{m.id}",
                 "kept": self.kept.get(m.id), "kept_name": KEPT_PREFIX + str(m.id),
                 "error": problems.get(f"materials.{m.id}")}
            )  # fmt: skip
        return rows

    def consents_give(self) -> None:
        codes = self.request.POST.getlist("consent")
        if codes:
            services.application_consents_give(
                applicant=self.applicant, enterprise=self.enterprise, resources=codes
            )


@login_required
def bundle_apply(request: AuthedRequest, code: str) -> HttpResponse:
    """一件事一次申请: one form, each material once, the optional items that apply; a window clerk applies
    for the applicant at the desk. A refused try keeps what was typed and the files that were accepted."""
    user = request.user
    try:
        guide = bundle_guide(bundle_get_published(code))
    except NotFound:
        return not_found(request)
    on_behalf_of = desk_applicant_login(request) or None
    try:
        applicant = services.resolve_applicant(user, on_behalf_of)
    except DomainError as exc:
        return page_error(request, exc, redirect("web:desk"))
    application = _BundleApplication(request, guide, applicant, on_behalf_of)
    template = "cases/bundle_apply.html"
    if request.method != "POST":
        return render(request, template, application.context({}, {}))
    values = _posted_form(request, application.fields)
    pairs, upload_errors = application.uploads()
    if upload_errors:
        return render(request, template, application.context(values, upload_errors), status=422)
    try:
        application.consents_give()
        bundle_case, _ = services.bundle_case_submit(
            user=user,
            application=services.BundleApplication(
                bundle=code, form=values, materials=pairs, optional_items=sorted(application.ticked),
                enterprise_uscc=application.enterprise.uscc if application.enterprise else None,
                on_behalf_of=on_behalf_of,
            ),
            channel=channel_of(user), window=user.window if on_behalf_of else None,
        )  # fmt: skip
    except DomainError as exc:
        problems = {exc.field or "form": exc.message}
        return render(request, template, application.context(values, problems), status=exc.status)
    messages.success(
        request, f"已提交，一件事编号 {bundle_case.number}。各事项的受理和办结将通过站内消息和短信通知您。"
    )
    return redirect("web:bundle_case", number=bundle_case.number)


@login_required
def bundle_case_page(request: AuthedRequest, number: str) -> HttpResponse:
    try:
        view = selectors.bundle_case_get_for(request.user, number)
    except NotFound:
        return not_found(request)
    user = request.user
    applicant_side = user.pk in (view.bundle_case.applicant_id, view.bundle_case.submitted_by_id)
    back = (
        ("我的办件", reverse("web:my_cases"))
        if not is_staff_member(user)
        else ("工作台", reverse("web:tasks"))
    )
    context = {
        "view": view, "bundle_case": view.bundle_case, "clerk": staff_with(user, StaffRole.WINDOW_CLERK),
        "applicant_side": applicant_side,
        "withdrawable": applicant_side and any(c.status in ("submitted", "waiting") for c in view.cases),
        "crumbs": [back, (view.bundle_case.number, None)],
    }  # fmt: skip
    return render(request, "cases/bundle_case.html", context)


@login_required
@require_POST
def bundle_case_action(request: AuthedRequest, number: str) -> HttpResponse:
    """统一出件 (a window clerk) and withdrawal (the applicant) from the bundle case's page."""
    back = redirect("web:bundle_case", number=number)
    action = request.POST.get("action", "")
    try:
        if action == "deliver":
            services.bundle_case_deliver(
                number=number, user=request.user, method=request.POST.get("method", "window"),
                address=request.POST.get("address", ""), carrier=request.POST.get("carrier", ""),
                tracking_number=request.POST.get("tracking_number", ""),
            )  # fmt: skip
            messages.success(request, "已统一出件，申请人将收到通知")
        elif action == "withdraw":
            services.bundle_case_withdraw(number=number, user=request.user)
            messages.success(request, "尚未受理的事项已撤回")
        else:
            raise ValidationFailed("未知的操作", field="action")
    except DomainError as exc:
        return page_error(request, exc, back)
    return back
