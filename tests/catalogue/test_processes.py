"""Process definitions: the decision step, step budgets along the path, the templates fitted to an item's
promised limit, and every demo item's process fitting within its promise."""

import pytest

from govhall.catalogue.models import ItemStatus, ServiceItem
from govhall.catalogue.processes import (
    ProcessInvalid,
    fit_budgets,
    item_process,
    process_days,
    step_offsets,
    template,
    template_for,
    validate_process,
)


def test_the_templates_budget_5_and_8_days_and_name_one_decision_step():
    assert step_offsets(template("promised")) == {"review": 3, "decide": 5}
    assert step_offsets(template("joint")) == {"joint_review": 3, "decide": 5}  # parallel: counted once
    assert step_offsets(template("escalated")) == {"review": 3, "decide": 8}
    assert process_days(template("instant")) == 0
    for kind in ("promised", "joint", "escalated"):
        assert template(kind).count('name="decides" value="true"') == 1


@pytest.mark.parametrize(
    ("budgets", "limit", "fitted"),
    [
        ([3, 2], 20, [3, 2]),
        ([3, 2], 5, [3, 2]),
        ([3, 2], 3, [2, 1]),
        ([3, 2], 1, [1, 0]),
        ([3, 5], 5, [2, 3]),
    ],
)
def test_budgets_are_fitted_in_proportion_earliest_first(budgets, limit, fitted):
    assert fit_budgets(budgets, limit) == fitted
    assert sum(fit_budgets(budgets, limit)) <= limit


def test_a_one_day_promise_runs_both_steps_within_the_day():
    xml = template_for("promised", 1)
    assert step_offsets(xml) == {"review": 1, "decide": 1}
    assert validate_process(xml, promised_days=1) == ["审查", "决定"]


def test_budgets_beyond_the_promised_limit_are_refused():
    with pytest.raises(ProcessInvalid) as err:
        validate_process(template("promised"), promised_days=1)
    assert "合计5个工作日" in str(err.value) and "承诺办结时限1个工作日" in str(err.value)
    assert validate_process(template("promised"), promised_days=5)


def test_a_process_without_a_decision_step_is_refused():
    xml = template("promised").replace('<spiffworkflow:property name="decides" value="true"/>', "")
    with pytest.raises(ProcessInvalid, match="作出决定的环节"):
        validate_process(xml)


@pytest.mark.django_db
def test_every_demo_item_fits_its_steps_within_its_promise():
    from govhall.demo.seeding import seed_demo

    seed_demo()
    items = list(ServiceItem.objects.filter(status=ItemStatus.PUBLISHED))
    assert len(items) > 100
    for item in items:
        xml = item_process(item)
        validate_process(xml, promised_days=item.promised_time_limit)
        assert process_days(xml) <= item.promised_time_limit, item.name
    promising = {i.name for i in items if i.commitment_allowed}
    assert promising == {"食品经营许可", "公共场所卫生许可", "城镇污水排入排水管网许可", "人力资源服务许可"}
    for item in items:
        steps = " ".join(s.get("description", "") for s in item.process_steps)
        if "可选择告知承诺" in steps or "选择告知承诺的" in steps:
            assert item.commitment_allowed, item.name
