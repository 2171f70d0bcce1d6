"""The transition table as pure code, with property tests."""

from hypothesis import given
from hypothesis import strategies as st

from govhall.cases.transitions import (
    FINAL,
    TRANSITIONS,
    Action,
    Actor,
    Status,
    TransitionRefused,
    allowed_actions,
    next_status,
)


def test_happy_path():
    s = next_status(Status.DRAFT, Action.SUBMIT, {Actor.APPLICANT})
    s = next_status(s, Action.ACCEPT, {Actor.ACCEPTING_STAFF})
    s = next_status(s, Action.DECIDE, {Actor.ENGINE})
    s = next_status(s, Action.ISSUE, {Actor.WINDOW})
    assert next_status(s, Action.COMPLETE, {Actor.WINDOW}) == Status.COMPLETED


def test_resubmit_goes_back_where_it_stopped():
    assert (
        next_status(Status.CORRECTION, Action.RESUBMIT, {Actor.APPLICANT}, previous=Status.ACCEPTED)
        == Status.ACCEPTED
    )
    assert (
        next_status(Status.CORRECTION, Action.RESUBMIT, {Actor.APPLICANT}, previous=Status.SUBMITTED)
        == Status.SUBMITTED
    )


@given(st.sampled_from(list(Status)), st.sampled_from(list(Action)), st.sets(st.sampled_from(list(Actor))))
def test_table_is_the_only_way(status, action, actors):
    rule = TRANSITIONS.get((status, action))
    try:
        result = next_status(status, action, actors, previous=Status.ACCEPTED)
    except TransitionRefused as refused:
        assert rule is None or not (rule[1] & actors)
        assert refused.forbidden == (rule is not None)
        return
    assert rule is not None and rule[1] & actors
    assert result in Status


@given(st.sampled_from(sorted(FINAL)), st.sampled_from(list(Action)))
def test_final_statuses_allow_nothing(status, action):
    """Nobody moves a final case; only a failed 告知承诺 verification revokes a completed approval."""
    assert allowed_actions(status) == ([Action.REVOKE] if status == Status.COMPLETED else [])
    try:
        next_status(status, action, set(Actor) - {Actor.ENGINE})
    except TransitionRefused:
        return
    raise AssertionError("a final status moved")


def test_only_a_failed_verification_revokes():
    for status in (Status.DECIDED, Status.ISSUED, Status.COMPLETED):
        assert next_status(status, Action.REVOKE, {Actor.ENGINE}) == Status.REVOKED
        for actor in set(Actor) - {Actor.ENGINE}:
            try:
                next_status(status, Action.REVOKE, {actor})
            except TransitionRefused as exc:
                assert exc.forbidden
            else:
                raise AssertionError(f"{actor} revoked")
    assert allowed_actions(Status.REVOKED) == []


def test_a_co_reviewer_takes_no_case_action():
    """联办: the co-reviewing department's staff play no part of the table (their opinion is a task)."""
    assert all(Actor.REVIEWING_STAFF not in allowed for _, allowed in TRANSITIONS.values())


def test_only_the_engine_decides():
    for actor in set(Actor) - {Actor.ENGINE}:
        try:
            next_status(Status.ACCEPTED, Action.DECIDE, {actor})
        except TransitionRefused as refused:
            assert refused.forbidden
        else:
            raise AssertionError(actor)
