"""The case state machine, as a table you can read. ``cases.services.case_act`` enforces it, under a row lock.

Each row: (status, action) -> (new status, who may take the action). RESUME_PREVIOUS means the case goes
back to where it stopped (a resubmitted correction continues as submitted or as accepted).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CORRECTION = "correction"
    ACCEPTED = "accepted"
    SUSPENDED = "suspended"
    REFUSED = "refused"
    DECIDED = "decided"
    ISSUED = "issued"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"
    WAITING = "waiting"  # 一件事: created with its bundle, waits for the items before it (待前序办结)
    TERMINATED = "terminated"  # 一件事: never started, an item before it was not done


STATUS_LABELS = {
    Status.DRAFT: "草稿",
    Status.SUBMITTED: "已提交，待受理",
    Status.CORRECTION: "待补正",
    Status.ACCEPTED: "已受理，办理中",
    Status.SUSPENDED: "特别程序中（暂停计时）",
    Status.REFUSED: "不予受理",
    Status.DECIDED: "已作出决定，待出件",
    Status.ISSUED: "已出件",
    Status.COMPLETED: "已办结",
    Status.WITHDRAWN: "已撤回",
    Status.REVOKED: "已撤销（告知承诺核查不合格）",
    Status.WAITING: "待前序办结",
    Status.TERMINATED: "已终止（前序事项未办成）",
}


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REFUSE = "refuse"
    REQUEST_CORRECTION = "request_correction"
    RESUBMIT = "resubmit"
    SUSPEND = "suspend"
    RESUME = "resume"
    DECIDE = "decide"
    ISSUE = "issue"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"
    REVOKE = "revoke"
    START = "start"
    TERMINATE = "terminate"


ACTION_LABELS = {
    Action.SUBMIT: "提交申请",
    Action.ACCEPT: "受理",
    Action.REFUSE: "不予受理",
    Action.REQUEST_CORRECTION: "一次性告知补正",
    Action.RESUBMIT: "补正后重新提交",
    Action.SUSPEND: "启动特别程序（暂停计时）",
    Action.RESUME: "特别程序结束（恢复计时）",
    Action.DECIDE: "作出审批决定",
    Action.ISSUE: "出件",
    Action.COMPLETE: "办结",
    Action.WITHDRAW: "撤回申请",
    Action.REVOKE: "撤销审批决定",
    Action.START: "前序事项已办结，开始办理",
    Action.TERMINATE: "前序事项未办成，终止办理",
}


class Actor(StrEnum):
    APPLICANT = "applicant"  # the applicant, or the agent who applied for them
    ACCEPTING_STAFF = "accepting_staff"  # a window clerk of the region, or the item department's approvers
    HANDLING_STAFF = "handling_staff"  # the item department's approvers and head (the lead department)
    REVIEWING_STAFF = (
        "reviewing_staff"  # another department with a step (联办 co-review, 上报 decision): sees
    )
    # the case and works its own step, never takes a case action
    WINDOW = "window"  # window clerks (统一出件)
    ENGINE = "engine"  # the approval process itself, when its last task is done, or a failed 告知承诺 check


RESUME_PREVIOUS = "previous"

TRANSITIONS: dict[tuple[Status, Action], tuple[Status | str, frozenset[Actor]]] = {
    (Status.DRAFT, Action.SUBMIT): (Status.SUBMITTED, frozenset({Actor.APPLICANT})),
    (Status.SUBMITTED, Action.ACCEPT): (Status.ACCEPTED, frozenset({Actor.ACCEPTING_STAFF})),
    (Status.SUBMITTED, Action.REFUSE): (Status.REFUSED, frozenset({Actor.ACCEPTING_STAFF})),
    (Status.SUBMITTED, Action.REQUEST_CORRECTION): (Status.CORRECTION, frozenset({Actor.ACCEPTING_STAFF})),
    (Status.SUBMITTED, Action.WITHDRAW): (Status.WITHDRAWN, frozenset({Actor.APPLICANT})),
    (Status.CORRECTION, Action.RESUBMIT): (
        RESUME_PREVIOUS,
        frozenset({Actor.APPLICANT, Actor.ACCEPTING_STAFF}),
    ),
    (Status.CORRECTION, Action.WITHDRAW): (Status.WITHDRAWN, frozenset({Actor.APPLICANT})),
    (Status.ACCEPTED, Action.REQUEST_CORRECTION): (Status.CORRECTION, frozenset({Actor.HANDLING_STAFF})),
    (Status.ACCEPTED, Action.SUSPEND): (Status.SUSPENDED, frozenset({Actor.HANDLING_STAFF})),
    (Status.SUSPENDED, Action.RESUME): (Status.ACCEPTED, frozenset({Actor.HANDLING_STAFF})),
    (Status.ACCEPTED, Action.DECIDE): (Status.DECIDED, frozenset({Actor.ENGINE})),
    (Status.DECIDED, Action.ISSUE): (Status.ISSUED, frozenset({Actor.WINDOW, Actor.HANDLING_STAFF})),
    (Status.ISSUED, Action.COMPLETE): (Status.COMPLETED, frozenset({Actor.WINDOW, Actor.HANDLING_STAFF})),
    # an approval on commitment (告知承诺) whose verification (核查) fails is revoked, wherever the case is
    (Status.DECIDED, Action.REVOKE): (Status.REVOKED, frozenset({Actor.ENGINE})),
    (Status.ISSUED, Action.REVOKE): (Status.REVOKED, frozenset({Actor.ENGINE})),
    (Status.COMPLETED, Action.REVOKE): (Status.REVOKED, frozenset({Actor.ENGINE})),
    # 一件事: a case waits for the items before it; it starts when they are completed (or, paused after one of
    # them failed, when a clerk starts it anyway), is terminated when one of them failed, or is withdrawn
    (Status.WAITING, Action.START): (Status.SUBMITTED, frozenset({Actor.ENGINE, Actor.ACCEPTING_STAFF})),
    (Status.WAITING, Action.TERMINATE): (Status.TERMINATED, frozenset({Actor.ENGINE})),
    (Status.WAITING, Action.WITHDRAW): (Status.WITHDRAWN, frozenset({Actor.APPLICANT})),
}

# Statuses in which the legal and promised clocks run.
CLOCK_RUNNING = frozenset({Status.ACCEPTED})
FINAL = frozenset({Status.REFUSED, Status.COMPLETED, Status.WITHDRAWN, Status.REVOKED, Status.TERMINATED})


class TransitionRefused(Exception):
    """``forbidden``: the table allows the action here, but not to this actor (else: not in this status)."""

    def __init__(self, status: Status, action: Action, reason: str, *, forbidden: bool = False) -> None:
        super().__init__(reason)
        self.status, self.action, self.reason, self.forbidden = status, action, reason, forbidden


def next_status(
    status: Status, action: Action, actors: set[Actor] | frozenset[Actor], *, previous: Status | None = None
) -> Status:
    """The status after ``action`` taken by someone playing ``actors``, or TransitionRefused saying why not."""
    rule = TRANSITIONS.get((status, action))
    if rule is None:
        raise TransitionRefused(
            status, action, f"办件当前状态为“{STATUS_LABELS[status]}”，不能{ACTION_LABELS[action]}"
        )
    target, allowed = rule
    if not allowed & set(actors):
        raise TransitionRefused(status, action, f"无权{ACTION_LABELS[action]}", forbidden=True)
    if target == RESUME_PREVIOUS:
        return previous or Status.SUBMITTED
    return Status(target)


def allowed_actions(status: Status) -> list[Action]:
    return [action for (from_status, action) in TRANSITIONS if from_status == status]
