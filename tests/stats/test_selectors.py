import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from govhall.cases.models import Case
from govhall.catalogue.services import item_draft_create_from, item_publish
from govhall.stats import selectors
from govhall.stats.scope import StatsFilter

from .conftest import END, START, TOWN, d, submit

PERIOD = {"start": START, "end": END}


def by_date(days):
    return {row["date"]: row for row in days if row["total"]}


def test_cases_per_day_by_channel_on_local_dates(month, django_assert_num_queries):
    with django_assert_num_queries(1):
        days = selectors.cases_per_day(**PERIOD)
    assert len(days) == 31 and days[0]["date"] == START and days[-1]["date"] == END
    busy = by_date(days)
    assert busy[d(2)] == {"date": d(2), "web": 1, "window": 1, "api": 0, "total": 2}
    # 00:30 on 4 March in Shanghai is 3 March in UTC: counted on the local date
    assert busy[d(4)]["api"] == 1 and busy[d(4)]["total"] == 1
    assert busy[d(10)]["web"] == 1
    assert sum(row["total"] for row in days) == 4  # c4 came in February


def test_local_dates_where_the_offset_changes(month):
    """Asia/Shanghai keeps +08:00 (SQLite then uses its own date()); a zone with summer time falls back to
    Django's per-row conversion, with the same answer."""
    assert selectors._fixed_offset_minutes(START, END) == 480
    with timezone.override(ZoneInfo("Europe/Berlin")):  # summer time from 29 March 2026
        assert selectors._fixed_offset_minutes(d(1), d(20)) == 60
        assert selectors._fixed_offset_minutes(START, END) is None
        busy = by_date(selectors.cases_per_day(**PERIOD))
    # in Berlin, 00:30 on 4 March in Shanghai is still 3 March
    assert busy[d(3)]["api"] == 1 and d(4) not in busy and busy[d(2)]["total"] == 2


def test_cases_per_day_by_region_and_department(month):
    assert set(by_date(selectors.cases_per_day(**PERIOD, region=TOWN))) == {d(10)}
    assert set(by_date(selectors.cases_per_day(**PERIOD, region="330523"))) == {d(2), d(4), d(10)}
    assert set(by_date(selectors.cases_per_day(**PERIOD, department="scjgj"))) == {d(10)}
    assert by_date(selectors.cases_per_day(**PERIOD, department="rsj"))[d(2)]["total"] == 2
    assert not by_date(selectors.cases_per_day(start=d(1, 4), end=d(30, 4)))


def test_department_performance(month, django_assert_num_queries):
    with django_assert_num_queries(4):  # submitted, completed, ratings, department names
        rows = selectors.department_performance(**PERIOD)
    assert [r["department"] for r in rows] == ["rsj", "scjgj"]
    rsj, scjgj = rows
    assert {k: rsj[k] for k in ("submitted", "completed", "timed", "on_time", "ratings", "good_ratings")} == {
        "submitted": 3,
        "completed": 3,
        "timed": 3,
        "on_time": 2,
        "ratings": 2,
        "good_ratings": 1,
    }
    assert rsj["on_time_rate"] == 0.6667 and rsj["satisfaction_rate"] == 0.5
    assert rsj["department_name"] == month["rsj"].name
    # decided_at empty: the completion date counts (11 March, promised the 12th)
    assert (scjgj["completed"], scjgj["on_time"], scjgj["on_time_rate"]) == (1, 1, 1.0)
    assert (scjgj["ratings"], scjgj["satisfaction_rate"]) == (1, 1.0)


def test_department_performance_filters(month):
    rows = selectors.department_performance(**PERIOD, region=TOWN)
    assert [r["department"] for r in rows] == ["scjgj"]
    rows = selectors.department_performance(**PERIOD, department="rsj")
    assert [r["department"] for r in rows] == ["rsj"]
    # a period with completions but no submissions or ratings
    rows = selectors.department_performance(start=d(6), end=d(6))
    assert [(r["department"], r["submitted"], r["completed"], r["on_time"], r["ratings"]) for r in rows] == [
        ("rsj", 0, 1, 0, 0)
    ]
    assert rows[0]["satisfaction_rate"] is None and rows[0]["on_time_rate"] == 0.0
    assert selectors.department_performance(start=d(1, 4), end=d(30, 4)) == []


def test_warnings_by_level(month, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = selectors.warnings_by_level(**PERIOD)
    levels = {row["level"]: (row["opened"], row["open"]) for row in figures["levels"]}
    assert levels == {"yellow": (1, 1), "red": (2, 2)}
    assert [row["label"] for row in figures["levels"]] == ["黄牌预警", "红牌警告"]
    rules = {(r["rule"], r["level"]): (r["opened"], r["open"]) for r in figures["rules"]}
    assert rules == {
        ("promised_over", "red"): (2, 2),
        ("promised_near", "yellow"): (1, 0),
        ("repeated_correction", "yellow"): (0, 1),
    }
    assert figures["rules"][0]["label"] == "超过承诺时限"


def test_warnings_by_region_and_department(month):
    town = selectors.warnings_by_level(**PERIOD, region=TOWN)
    assert {r["level"]: (r["opened"], r["open"]) for r in town["levels"]} == {"yellow": (0, 0), "red": (1, 1)}
    rsj = selectors.warnings_by_level(**PERIOD, department="rsj")
    assert {r["level"]: (r["opened"], r["open"]) for r in rsj["levels"]} == {"yellow": (1, 1), "red": (1, 1)}
    # a period before everything: nothing opened, the still-open ones still counted
    early = selectors.warnings_by_level(start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31))
    assert {r["level"]: (r["opened"], r["open"]) for r in early["levels"]} == {
        "yellow": (0, 1),
        "red": (0, 2),
    }


def test_busiest_items(month, items, other_item, django_assert_num_queries):
    with django_assert_num_queries(2):  # counts per item version, then the versions found
        rows = selectors.busiest_items(**PERIOD)
    assert rows[0] == {
        "implementation_code": items["instant"].implementation_code,
        "name": "即办事项",
        "department_name": month["rsj"].name,
        "count": 2,
        "completed": 2,
    }
    assert {r["name"]: r["count"] for r in rows[1:]} == {"承诺事项": 1, "其他部门即办事项": 1}
    assert len(selectors.busiest_items(**PERIOD, limit=1)) == 1
    assert [r["name"] for r in selectors.busiest_items(**PERIOD, region=TOWN)] == ["其他部门即办事项"]
    assert [r["name"] for r in selectors.busiest_items(**PERIOD, department="rsj")] == [
        "即办事项",
        "承诺事项",
    ]


def test_busiest_items_counts_every_version_of_an_item_once(month, items, applicant):
    instant = items["instant"]
    newer = item_publish(item_draft_create_from(instant))
    assert newer.pk != instant.pk
    case = submit(newer, applicant)
    assert case.item_id == newer.pk
    Case.objects.filter(pk=case.pk).update(submitted_at=month["cases"][0].submitted_at)
    rows = selectors.busiest_items(**PERIOD)
    assert rows[0]["implementation_code"] == instant.implementation_code and rows[0]["count"] == 3


def test_summary(month):
    performance = selectors.department_performance(**PERIOD)
    figures = selectors.summary(performance, selectors.warnings_by_level(**PERIOD))
    assert figures["submitted"] == 4 and figures["completed"] == 4
    assert figures["on_time_rate"] == 0.75 and figures["satisfaction_rate"] == 0.6667
    assert (figures["warnings_opened"], figures["warnings_open"]) == (3, 3)


def test_filter_choices(month, county):
    regions = dict(selectors.region_choices())
    assert regions["330523"] == "安吉县" and regions[TOWN] == "\u3000孝丰镇"
    assert "330000" not in regions
    assert [code for code, _ in selectors.department_choices(month["rsj"])] == ["rsj"]
    assert {"rsj", "scjgj", "sjj"} <= {code for code, _ in selectors.department_choices()}
    assert StatsFilter(START, END).as_dict() == {"from": START, "to": END, "region": None, "department": None}


def test_period_units_and_rate_axis_floor():
    import datetime as dt

    from govhall.stats.selectors import period_unit, rate_axis_floor

    d = dt.date
    assert period_unit(d(2026, 3, 1), d(2026, 3, 31)) == "day"
    assert period_unit(d(2026, 1, 1), d(2026, 3, 3)) == "day"  # 62 days
    assert period_unit(d(2026, 1, 1), d(2026, 3, 4)) == "week"
    assert period_unit(d(2025, 11, 19), d(2026, 11, 18)) == "week"  # 近一年
    assert period_unit(d(2025, 1, 1), d(2026, 11, 18)) == "month"
    assert rate_axis_floor([0.95, 0.99, None]) == 90
    assert rate_axis_floor([0.921, 1.0]) == 90
    assert rate_axis_floor([0.905]) == 85
    assert rate_axis_floor([0.9, 0.99]) == 0  # not all above 90%
    assert rate_axis_floor([None]) == 0 and rate_axis_floor([]) == 0
