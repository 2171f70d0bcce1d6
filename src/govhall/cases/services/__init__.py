"""Every write to cases, split by concept: uploads and materials, submission, actions on a case, process
tasks, drafts; the timeline (events, locks, transitions) they share."""

from .actions import case_act
from .bundles import (
    BundleApplication,
    bundle_case_deliver,
    bundle_case_submit,
    bundle_case_withdraw,
)
from .drafts import case_draft_save, case_draft_submit, draft_problems
from .licensing import licences_issue_for_case, materials_satisfy_by_licence
from .lookups import CaseLookup, case_lookup
from .paperless import application_consents_give
from .progress import bundle_progress_lookup, progress_lookup
from .submission import (
    NOT_REGISTERED,
    account_bound_fields,
    account_data,
    case_submit,
    form_prefill,
    request_digest,
    resolve_applicant,
    resolve_enterprise,
)
from .tasks import task_claim, task_complete
from .uploads import case_supply_owed, missing_materials, upload_store, uploads_orphans_delete

__all__ = [
    "NOT_REGISTERED",
    "BundleApplication",
    "CaseLookup",
    "account_bound_fields",
    "account_data",
    "application_consents_give",
    "bundle_case_deliver",
    "bundle_case_submit",
    "bundle_case_withdraw",
    "bundle_progress_lookup",
    "case_act",
    "case_draft_save",
    "case_draft_submit",
    "case_lookup",
    "case_submit",
    "case_supply_owed",
    "draft_problems",
    "form_prefill",
    "licences_issue_for_case",
    "materials_satisfy_by_licence",
    "missing_materials",
    "progress_lookup",
    "request_digest",
    "resolve_applicant",
    "resolve_enterprise",
    "task_claim",
    "task_complete",
    "upload_store",
    "uploads_orphans_delete",
]
