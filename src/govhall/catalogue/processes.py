"""Approval process definitions: BPMN 2.0 as an item defines it. Parsing, the templates per case kind and the
check that every user task is routed live here, with the catalogue that owns ``ServiceItem.process``;
``govhall.cases.workflow`` executes them.

User tasks carry ``spiffworkflow:property`` routing: ``department`` (a department code, ``@item`` for the
implementing department, ``@each`` for the department of a parallel multi-instance branch, ``@escalation`` for
the item's higher-level department), ``role`` (approver, department_head), ``budget_days`` (working days) and
``decides`` (``true`` on the decision step: the only step that approves or denies; every other step is a
review that records an opinion).

Step budgets add up along the process: a step falls due ``budget_days`` after the one before it, and the
longest path from start to end must fit within the item's promised time limit. The platform templates'
budgets are shares, fitted to the item's limit (``template_for``); a custom process is checked as drawn.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

ROLES = {"approver", "department_head"}
_BUDGET = re.compile(r'(<spiffworkflow:property name="budget_days" value=")(\d+)(")')


class ProcessInvalid(ValueError):
    """A BPMN file that cannot be used, with a Chinese message saying why."""


def template(case_kind: str) -> str:
    return (
        resources.files("govhall.catalogue.process_templates")
        .joinpath(f"{case_kind}.bpmn")
        .read_text(encoding="utf-8")
    )


def fit_budgets(budgets: list[int], limit: int) -> list[int]:
    """Budgets in order, shrunk in proportion to fit ``limit`` working days; the days left by rounding
    down go to the earliest steps. Budgets that already fit are kept."""
    total = sum(budgets)
    if total <= limit:
        return list(budgets)
    fitted = [b * limit // total for b in budgets]
    for i in range(limit - sum(fitted)):
        fitted[i % len(fitted)] += 1
    return fitted


def template_for(case_kind: str, promised_days: int) -> str:
    """The platform template of a case kind with its step budgets fitted to the promised time limit."""
    xml = template(case_kind)
    budgets = [int(m.group(2)) for m in _BUDGET.finditer(xml)]
    fitted = iter(fit_budgets(budgets, promised_days))
    return _BUDGET.sub(lambda m: f"{m.group(1)}{next(fitted)}{m.group(3)}", xml)


def item_process(item: Any) -> str:
    """The process an item runs: its own BPMN, or the platform template fitted to its promised limit."""
    return str(item.process or template_for(item.case_kind, item.promised_time_limit))


@functools.lru_cache(maxsize=256)
def process_spec(xml: str) -> Any:
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(etree.fromstring(xml.encode()), filename="process.bpmn")
        process_ids = parser.get_process_ids()
        if not process_ids:
            raise ProcessInvalid("BPMN文件中没有可执行的流程（bpmn:process）")
        return parser.get_spec(process_ids[0])
    except ProcessInvalid:
        raise
    except Exception as exc:  # lxml and SpiffWorkflow raise many kinds for a broken file
        raise ProcessInvalid(f"BPMN文件无法解析：{exc}") from exc


def _props(task_spec: Any) -> dict[str, Any]:
    return dict((getattr(task_spec, "extensions", None) or {}).get("properties", {}))


def _user_task(spec: Any, task_spec: Any) -> Any:
    """The user task a spec stands for: itself, or the child of a multi-instance task; else None."""
    if getattr(task_spec, "manual", False):
        return task_spec
    child = getattr(task_spec, "task_spec", None)
    if isinstance(child, str) and child in spec.task_specs:
        child_spec = spec.task_specs[child]
        return child_spec if getattr(child_spec, "manual", False) else None
    return None


def _budget(task_spec: Any) -> int:
    try:
        return max(int(_props(task_spec).get("budget_days") or 0), 0)
    except ValueError:
        raise ProcessInvalid(
            f"用户任务“{task_spec.bpmn_name or task_spec.bpmn_id}”的 budget_days 应为工作日数（整数）"
        ) from None


@functools.lru_cache(maxsize=256)
def step_offsets(xml: str) -> dict[str, int]:
    """Each user step's due offset: the working days from acceptance to its due date, the longest sum of
    budgets along any path up to and including it. A step back along a loop is not followed again."""
    spec = process_spec(xml)
    offsets: dict[str, int] = {}

    def walk(name: str, before: int, seen: frozenset[str]) -> None:
        task_spec = spec.task_specs[name]
        user = _user_task(spec, task_spec)
        here = before
        if user is not None:
            here = before + _budget(user)
            offsets[user.bpmn_id] = max(offsets.get(user.bpmn_id, 0), here)
        for output in task_spec.outputs:
            if output.name not in seen:
                walk(output.name, here, seen | {output.name})

    walk(spec.start.name, 0, frozenset({spec.start.name}))
    return offsets


def process_days(xml: str) -> int:
    """The working days the longest path through the process's steps takes."""
    return max(step_offsets(xml).values(), default=0)


def validate_process(xml: str, *, promised_days: int | None = None) -> list[str]:
    """Parse a process and check that every user task is routed, that one step decides and, given the
    promised limit, that the budgets along every path fit within it; returns the user tasks' names."""
    spec = process_spec(xml)
    names, deciding = [], 0
    for task_spec in spec.task_specs.values():
        if not getattr(task_spec, "manual", False):
            continue
        props = _props(task_spec)
        label = task_spec.bpmn_name or task_spec.bpmn_id
        if not props.get("department"):
            raise ProcessInvalid(f"用户任务“{label}”没有指定办理部门（spiffworkflow:property department）")
        if props.get("role") not in ROLES:
            raise ProcessInvalid(f"用户任务“{label}”的角色应为 approver 或 department_head")
        deciding += is_decision_step(task_spec)
        names.append(label)
    if names and not deciding:
        raise ProcessInvalid("流程须有一个作出决定的环节（spiffworkflow:property decides 为 true）")
    if promised_days is not None:
        days = process_days(xml)
        if days > promised_days:
            raise ProcessInvalid(f"流程各环节时限合计{days}个工作日，超过承诺办结时限{promised_days}个工作日")
    return names


def is_decision_step(task_spec: Any) -> bool:
    return str(_props(task_spec).get("decides", "")).lower() == "true"
