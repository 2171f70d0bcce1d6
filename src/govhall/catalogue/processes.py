"""Approval process definitions: BPMN 2.0 as an item defines it. Parsing, the templates per case kind and the
check that every user task is routed live here, with the catalogue that owns ``ServiceItem.process``;
``govhall.cases.workflow`` executes them.

User tasks carry ``spiffworkflow:property`` routing: ``department`` (a department code, ``@item`` for the
implementing department, ``@each`` for the department of a parallel multi-instance branch, ``@escalation`` for
the item's higher-level department), ``role`` (approver, department_head) and ``budget_days`` (working days).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

ROLES = {"approver", "department_head"}


class ProcessInvalid(ValueError):
    """A BPMN file that cannot be used, with a Chinese message saying why."""


def template(case_kind: str) -> str:
    return (
        resources.files("govhall.catalogue.process_templates")
        .joinpath(f"{case_kind}.bpmn")
        .read_text(encoding="utf-8")
    )


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


def validate_process(xml: str) -> list[str]:
    """Parse a process and check that every user task is routed; returns the user tasks' names."""
    spec = process_spec(xml)
    names = []
    for task_spec in spec.task_specs.values():
        if not getattr(task_spec, "manual", False):
            continue
        props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        label = task_spec.bpmn_name or task_spec.bpmn_id
        if not props.get("department"):
            raise ProcessInvalid(f"用户任务“{label}”没有指定办理部门（spiffworkflow:property department）")
        if props.get("role") not in ROLES:
            raise ProcessInvalid(f"用户任务“{label}”的角色应为 approver 或 department_head")
        names.append(label)
    return names
