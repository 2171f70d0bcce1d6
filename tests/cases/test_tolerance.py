"""容缺受理 rules, without a database: which gaps a clerk may name and by when they are owed."""

import datetime as dt

import pytest

from govhall.cases.tolerance import GapRules, ToleratedGap, gaps_from_owed, owed_entries, owed_summary
from govhall.catalogue.models import Material
from govhall.core.errors import ValidationFailed
from govhall.core.workdays import WorkCalendar

WED = dt.date(2026, 11, 18)
CALENDAR = WorkCalendar({dt.date(2026, 11, 23): False}, frozenset())  # a Monday made a holiday


def material(pk, name, *, tolerable=False, source="applicant"):
    return Material(pk=pk, name=name, tolerable=tolerable, source=source)


MATERIALS = [
    material(1, "居民身份证"),
    material(2, "健康证明", tolerable=True),
    material(3, "场所平面图", tolerable=True),
    material(4, "营业执照", tolerable=True, source="licence"),
]


def rules(**kwargs):
    values = {"materials": MATERIALS, "handed_in": frozenset({1}), "today": WED,
              "latest_due": dt.date(2026, 11, 25), "calendar": CALENDAR} | kwargs  # fmt: skip
    return GapRules(**values)


def refused(gaps, **kwargs):
    with pytest.raises(ValidationFailed) as caught:
        owed_entries(gaps, rules(**kwargs))
    assert caught.value.field == "tolerated_gaps"
    return caught.value.message


def test_a_tolerable_material_is_owed_by_a_working_day():
    owed = owed_entries(
        [ToleratedGap(2, dt.date(2026, 11, 24)), ToleratedGap(3, dt.date(2026, 11, 25))], rules()
    )
    assert owed == [
        {"material": 2, "name": "健康证明", "due": "2026-11-24"},
        {"material": 3, "name": "场所平面图", "due": "2026-11-25"},
    ]
    assert gaps_from_owed(owed) == [
        ToleratedGap(2, dt.date(2026, 11, 24)),
        ToleratedGap(3, dt.date(2026, 11, 25)),
    ]
    assert owed_summary(owed) == "健康证明（2026-11-24前补交）；场所平面图（2026-11-25前补交）"


def test_no_gaps_owe_nothing():
    assert owed_entries([], rules(instant=True)) == []


def test_a_primary_material_is_never_tolerated():
    assert "主要材料" in refused([ToleratedGap(1, dt.date(2026, 11, 24))], handed_in=frozenset())


def test_a_material_handed_in_is_not_a_gap():
    assert "已经提交" in refused([ToleratedGap(2, dt.date(2026, 11, 24))], handed_in=frozenset({1, 2}))


def test_a_material_of_another_item_or_from_a_licence_is_not_a_gap():
    assert "不属于本事项" in refused([ToleratedGap(99, dt.date(2026, 11, 24))])
    assert "电子证照" in refused([ToleratedGap(4, dt.date(2026, 11, 24))])


@pytest.mark.parametrize(
    ("due", "says"),
    [
        (WED, "应晚于今天"),
        (dt.date(2026, 11, 17), "应晚于今天"),
        (dt.date(2026, 11, 22), "不是工作日"),  # a Sunday
        (dt.date(2026, 11, 23), "不是工作日"),  # a holiday
        (dt.date(2026, 11, 26), "不能晚于承诺办结日期（2026-11-25）"),
    ],
)
def test_the_due_date_is_a_working_day_after_today_and_by_the_promised_due(due, says):
    message = refused([ToleratedGap(2, due)])
    assert says in message and "容缺材料“健康证明”的补交日期" in message


def test_a_gap_is_named_once():
    assert "重复" in refused([ToleratedGap(2, dt.date(2026, 11, 24)), ToleratedGap(2, dt.date(2026, 11, 25))])


def test_an_instant_item_takes_no_gaps():
    assert "即办件" in refused([ToleratedGap(2, dt.date(2026, 11, 24))], instant=True)
