"""Approval processes executed: BPMN 2.0 run by SpiffWorkflow, behind a small interface the services use.

No database here: a process's state is a JSON string the caller stores on the case. The definitions (the
templates, parsing, the routing properties of user tasks) are the catalogue's: govhall.catalogue.processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from govhall.catalogue.processes import ProcessInvalid, is_decision_step, process_spec

MI_DEPARTMENT_VARIABLE = "reviewing_department"
_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


@dataclass(frozen=True)
class ReadyTask:
    task_id: str
    step: str
    name: str
    department: str
    role: str
    budget_days: int | None  # None: the step has no time budget
    decides: bool  # the decision step approves or denies; every other step records an opinion


def start(xml: str, data: dict[str, Any]) -> str:
    """A new process instance with the case's routing data; returns its state."""
    workflow = BpmnWorkflow(process_spec(xml))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    workflow.data.update(data)
    workflow.do_engine_steps()
    return str(_SERIALIZER.serialize_json(workflow))


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
        budget_days=int(props["budget_days"]) if props.get("budget_days") not in (None, "") else None,
        decides=is_decision_step(task.task_spec),
    )


def complete(state: str, task_id: str, result: dict[str, Any]) -> str:
    """Complete a ready user task with its result (decision, opinion) and run the engine on."""
    workflow = _load(state)
    task = _ready_task(workflow, task_id)
    task.data.update(result)
    task.run()
    workflow.do_engine_steps()
    return str(_SERIALIZER.serialize_json(workflow))


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
    return str(_SERIALIZER.serialize_json(workflow))


def _ready_task(workflow: BpmnWorkflow, task_id: str) -> Any:
    for task in workflow.get_tasks(state=TaskState.READY):
        if str(task.id) == task_id and task.task_spec.manual:
            return task
    raise ProcessInvalid("该审批任务已办理或不存在")
