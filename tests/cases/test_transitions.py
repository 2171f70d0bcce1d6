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
    assert allowed_actions(status) == []
    try:
        next_status(status, action, set(Actor))
    except TransitionRefused:
        return
    raise AssertionError("a final status moved")


def test_only_the_engine_decides():
    for actor in set(Actor) - {Actor.ENGINE}:
        try:
            next_status(Status.ACCEPTED, Action.DECIDE, {actor})
        except TransitionRefused as refused:
            assert refused.forbidden
        else:
            raise AssertionError(actor)
