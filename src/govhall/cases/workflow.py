"""Approval processes: BPMN 2.0 run by SpiffWorkflow, behind a small interface the services use.

No database here: a process's state is a JSON string the caller stores on the case. User tasks carry
``spiffworkflow:property`` routing: ``department`` (a department code, ``@item`` for the implementing
department, ``@each`` for the department of a parallel multi-instance branch, ``@escalation`` for the
item's higher-level department), ``role`` (approver, department_head) and ``budget_days`` (working days).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

ROLES = {"approver", "department_head"}
MI_DEPARTMENT_VARIABLE = "reviewing_department"
_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


class ProcessInvalid(ValueError):
    """A BPMN file that cannot be used, with a Chinese message saying why."""


@dataclass(frozen=True)
class ReadyTask:
    task_id: str
    step: str
    name: str
    department: str
    role: str
    budget_days: int


def template(case_kind: str) -> str:
    return (
        resources.files("govhall.cases.processes").joinpath(f"{case_kind}.bpmn").read_text(encoding="utf-8")
    )


@functools.lru_cache(maxsize=256)
def _spec(xml: str) -> Any:
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
    spec = _spec(xml)
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


def start(xml: str, data: dict[str, Any]) -> str:
    """A new process instance with the case's routing data; returns its state."""
    workflow = BpmnWorkflow(_spec(xml))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    workflow.data.update(data)
    workflow.do_engine_steps()
    return _SERIALIZER.serialize_json(workflow)


def _load(state: str) -> BpmnWorkflow:
    return _SERIALIZER.deserialize_json(state)


def is_finished(state: str) -> bool:
    return bool(_load(state).is_completed())


def ready_tasks(state: str) -> list[ReadyTask]:
    workflow = _load(state)
    return [
        _ready(task, workflow) for task in workflow.get_tasks(state=TaskState.READY) if task.task_spec.manual
    ]


def _ready(task: Any, workflow: BpmnWorkflow) -> ReadyTask:
    props = task.task_spec.extensions.get("properties", {})
    department = props.get("department", "")
    if department == "@item":
        department = workflow.data.get("item_department", "")
    elif department == "@escalation":
        department = workflow.data.get("escalation_department", "")
    elif department == "@each":
        department = task.data.get(MI_DEPARTMENT_VARIABLE, "")
    return ReadyTask(
        task_id=str(task.id),
        step=task.task_spec.bpmn_id,
        name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
        department=str(department),
        role=props.get("role", "approver"),
        budget_days=int(props.get("budget_days") or 0),
    )


def complete(state: str, task_id: str, result: dict[str, Any]) -> str:
    """Complete a ready user task with its result (decision, opinion) and run the engine on."""
    workflow = _load(state)
    task = _ready_task(workflow, task_id)
    task.data.update(result)
    task.run()
    workflow.do_engine_steps()
    return _SERIALIZER.serialize_json(workflow)


def return_to_previous(state: str, task_id: str) -> str:
    """Send the process back to the user step before the given task's step."""
    workflow = _load(state)
    current = _ready_task(workflow, task_id)
    done = [
        t
        for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if t.task_spec.manual and t.task_spec.bpmn_id != current.task_spec.bpmn_id
    ]
    if not done:
        raise ProcessInvalid("这是流程的第一个审批环节，无法退回上一环节")
    previous = max(done, key=lambda t: t.last_state_change)
    target = (
        previous.parent
        if previous.parent and previous.parent.task_spec.bpmn_id == previous.task_spec.bpmn_id
        else previous
    )
    workflow.reset_from_task_id(target.id)
    workflow.do_engine_steps()
    return _SERIALIZER.serialize_json(workflow)


def _ready_task(workflow: BpmnWorkflow, task_id: str) -> Any:
    for task in workflow.get_tasks(state=TaskState.READY):
        if str(task.id) == task_id and task.task_spec.manual:
            return task
    raise ProcessInvalid("该审批任务已办理或不存在")
