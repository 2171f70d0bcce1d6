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


def _figures(row, *keys):
    return {key: row[key] for key in keys}


MATERIALS = ("materials", "paperless", "by_licence", "by_shared_data", "paperless_rate")
LOOKUPS = ("lookups_granted", "licence_uses", "lookups", "lookups_denied", "lookups_failed")


def test_paperless_by_department(paperless_month, django_assert_num_queries):
    with django_assert_num_queries(5):  # materials, look-ups, licence uses, item versions, departments
        figures = selectors.paperless(**PERIOD)
    rows = figures["departments"]
    assert [r["department"] for r in rows] == ["rsj", "scjgj", None]
    rsj, scjgj, nobody = rows
    # c1: ID by e-licence, the form in two files (one material); c2: the ID a file and then looked up (not
    # 免提交), the form by shared data; c3: two files. February's c4 is outside the period.
    assert _figures(rsj, *MATERIALS) == {
        "materials": 6, "paperless": 2, "by_licence": 1, "by_shared_data": 1, "paperless_rate": 0.3333,
    }  # fmt: skip
    # March: granted in c2, denied in c3 and outside any case; the licence used in c1 (c4's use was in February)
    assert _figures(rsj, *LOOKUPS) == {
        "lookups_granted": 1, "licence_uses": 1, "lookups": 2, "lookups_denied": 2, "lookups_failed": 0,
    }  # fmt: skip
    assert rsj["department_name"] == paperless_month["rsj"].name
    assert _figures(scjgj, "materials", "paperless", "by_shared_data", "paperless_rate", "lookups") == {
        "materials": 2, "paperless": 1, "by_shared_data": 1, "paperless_rate": 0.5, "lookups": 0,
    }  # fmt: skip
    assert scjgj["lookups_denied"] == 1
    # the citizen who tried to look up data belongs to no department: a row of its own, last
    assert nobody["department_name"] == selectors.NO_DEPARTMENT
    assert (nobody["materials"], nobody["paperless_rate"], nobody["lookups_denied"]) == (0, None, 1)
    assert figures["summary"] == {
        "materials": 8, "paperless": 3, "by_licence": 1, "by_shared_data": 2, "paperless_rate": 0.375,
        "lookups_granted": 1, "licence_uses": 1, "lookups": 2, "lookups_denied": 4, "lookups_failed": 0,
    }  # fmt: skip


def test_paperless_by_item(paperless_month, items, other_item):
    rows = selectors.paperless(**PERIOD)["items"]
    assert [r["name"] for r in rows] == ["即办事项", "其他部门即办事项", "承诺事项"]
    instant, other, promised = rows
    assert instant["implementation_code"] == items["instant"].implementation_code
    assert instant["department_name"] == paperless_month["rsj"].name
    assert _figures(instant, *MATERIALS, *LOOKUPS) == {
        "materials": 4, "paperless": 2, "by_licence": 1, "by_shared_data": 1, "paperless_rate": 0.5,
        "lookups_granted": 1, "licence_uses": 1, "lookups": 2, "lookups_denied": 0, "lookups_failed": 0,
    }  # fmt: skip
    assert (other["paperless_rate"], other["lookups_denied"]) == (0.5, 2)
    assert (promised["materials"], promised["paperless"], promised["lookups_denied"]) == (2, 0, 1)


def test_paperless_by_region(paperless_month, django_assert_num_queries):
    with django_assert_num_queries(6):  # and the region's subtree, read once
        town = selectors.paperless(**PERIOD, region=TOWN)
    # c5 is in 孝丰镇, and so are the two denied look-ups in it; rsj's look-up outside any case belongs to rsj's
    # region (the county), its look-ups in c2 and c3 and its licence use to their cases' (the county)
    assert [
        (r["department"], r["materials"], r["paperless"], r["lookups_denied"]) for r in town["departments"]
    ] == [
        ("scjgj", 2, 1, 1),
        (None, 0, 0, 1),
    ]
    county = selectors.paperless(**PERIOD, region="330523")
    assert county["summary"] == selectors.paperless(**PERIOD)["summary"]


def test_paperless_by_department_filter(paperless_month):
    figures = selectors.paperless(**PERIOD, department="rsj")
    assert [r["department"] for r in figures["departments"]] == ["rsj"]
    assert (figures["summary"]["materials"], figures["summary"]["lookups_denied"]) == (6, 2)
    assert [r["name"] for r in figures["items"]] == [
        "即办事项",
        "承诺事项",
    ]  # the denial outside a case: no item


def test_paperless_counts_look_ups_on_their_own_day(paperless_month):
    april = selectors.paperless(start=d(1, 4), end=d(30, 4))
    assert [(r["department"], r["materials"], r["lookups_granted"]) for r in april["departments"]] == [
        ("rsj", 0, 1)
    ]
    february = selectors.paperless(start=d(1, 2), end=d(28, 2))
    (rsj,) = february["departments"]
    # c4 came in on 27 February with both materials by e-licence; its licence use is February's too
    assert _figures(rsj, "materials", "paperless", "by_licence", "paperless_rate", "licence_uses") == {
        "materials": 2, "paperless": 2, "by_licence": 2, "paperless_rate": 1.0, "licence_uses": 1,
    }  # fmt: skip
    empty = selectors.paperless(start=d(1, 1), end=d(31, 1))
    assert empty["departments"] == [] and empty["items"] == []
    assert empty["summary"]["paperless_rate"] is None


def test_paperless_adds_every_version_of_an_item(paperless_month, items, applicant):
    newer = item_publish(item_draft_create_from(items["instant"]))
    case = submit(newer, applicant)
    Case.objects.filter(pk=case.pk).update(submitted_at=paperless_month["cases"][0].submitted_at)
    rows = selectors.paperless(**PERIOD)["items"]
    assert rows[0]["implementation_code"] == items["instant"].implementation_code
    assert (rows[0]["materials"], rows[0]["paperless"]) == (6, 2)
