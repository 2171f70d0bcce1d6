"""Chinese messages for request validation errors (Pydantic), naming the field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FIELD_LABELS = {
    "resource": "数据资源",
    "subject": "信息主体",
    "data_items": "数据项",
    "item_codes": "事项编码",
    "purpose": "数据用途",
    "request_id": "共享申请编号",
    "consent_id": "授权同意编号",
    "expires_on": "有效期至",
    "name": "名称",
    "id_number": "公民身份号码",
    "phone": "手机号码",
    "password": "密码",
    "username": "账号",
    "uscc": "统一社会信用代码",
    "legal_representative": "法定代表人",
    "q": "检索词",
    "page": "页码",
    "page_size": "每页条数",
    "audience": "服务对象",
    "start": "起始日期",
    "days": "工作日天数",
    "limit": "条数",
    "from": "起始日期",
    "to": "截止日期",
    "month": "月份",
    "level": "评价等级",
    "stage": "评价环节",
    "tags": "评价标签",
    "text": "评价内容",
    "state": "状态",
    "open": "是否只看未解除",
    "format": "导出格式",
    "requirement": "督办要求",
    "respond_by": "答复期限",
    "answer": "答复内容",
    "action": "整改措施",
    "follow_up": "回访记录",
    "threshold": "阈值",
    "window_days": "统计天数",
    "tolerated_gaps": "容缺材料",
    "form": "申请表",
    "item": "事项",
    "items": "补正材料清单",
    "material": "材料编号",
    "material_id": "材料编号",
    "materials": "申请材料",
    "upload": "上传文件编号",
    "enterprise": "申请单位",
    "on_behalf_of": "被代办人",
    "number": "办件编号",
    "case": "办件编号",
    "draft_id": "草稿编号",
    "task_id": "任务编号",
    "decision": "审批意见",
    "opinion": "意见",
    "legal_basis": "法律依据",
    "reason": "理由",
    "kind": "类型",
    "commitment": "告知承诺",
    "method": "出件方式",
    "address": "送达地址",
    "carrier": "快递公司",
    "tracking_number": "快递单号",
    "code": "验证码",
    "department": "部门",
    "role": "授权角色",
    "member_id": "经办人编号",
    "version": "版本号",
    "rectification_id": "整改编号",
    "order_id": "督办单编号",
    "warning": "预警编号",
    "enabled": "是否启用",
    "until": "授权截止日期",
    "case_number": "办件编号",
    "bundle": "一件事编码",
}
# A field inside a list of objects, by (list, field): its label names the list too.
NESTED_LABELS = {
    ("tolerated_gaps", "material"): "容缺材料的材料编号",
    ("tolerated_gaps", "due"): "容缺材料的补交日期",
}

# A name that means something else under part of the API: (path prefix after /api/v1, field) -> label.
PATH_FIELD_LABELS = {
    ("/warnings", "level"): "预警级别",
    ("/supervision/", "level"): "预警级别",
    ("/supervision/", "state"): "督办单状态",
    ("/tasks/", "state"): "任务状态",
    ("/cases", "queue"): "工作队列",
    ("/supervision/rules/", "code"): "监察规则编码",
    ("/licences/", "id"): "证照标识",
    ("/bundles", "code"): "一件事编码",
    ("/bundle-cases", "items"): "选办事项",
}

_TYPE_MESSAGES = {
    "missing": "{label}为必填项",
    "string_type": "{label}应为文本",
    "int_parsing": "{label}应为整数",
    "int_type": "{label}应为整数",
    "string_too_long": "{label}过长",
    "string_too_short": "{label}过短",
    "json_invalid": "请求内容不是有效的JSON",
    "model_attributes_type": "{label}应为JSON对象",
    "dict_type": "{label}应为JSON对象",
    "greater_than_equal": "{label}取值过小",
    "less_than_equal": "{label}取值过大",
    "date_from_datetime_parsing": "{label}应为 YYYY-MM-DD 格式的日期",
    "date_parsing": "{label}应为 YYYY-MM-DD 格式的日期",
    "date_type": "{label}应为 YYYY-MM-DD 格式的日期",
    "string_pattern_mismatch": "{label}的格式或取值不正确",
    "bool_parsing": "{label}应为 true 或 false",
    "bool_type": "{label}应为 true 或 false",
    "list_type": "{label}应为列表",
}


def field_label(field: str | None, path: str = "") -> str:
    """The Chinese name of a request field; ``path`` (the request's) tells a warning's level from a rating's."""
    tail = path.split("/api/v1", 1)[-1]
    for (prefix, name), label in PATH_FIELD_LABELS.items():
        if name == field and tail.startswith(prefix):
            return label
    return FIELD_LABELS.get(field or "", field or "请求内容")


def describe_validation_errors(errors: Sequence[dict[str, Any]], path: str = "") -> tuple[str | None, str]:
    """The first error as (field, Chinese message)."""
    if not errors:
        return None, "请求参数不正确"
    first = errors[0]
    # ("body", "payload", "form"): the location, the view's argument, then the field — "form" is a location
    # only in the first place (a multipart form); in CaseIn and DraftIn it is the application form's field
    loc = [
        str(p)
        for i, p in enumerate(first.get("loc", ()))
        if p not in ("body", "query", "path", "payload") and not (p == "form" and i == 0)
    ]
    names = [p for p in loc if not p.isdigit()]  # an item of a list is named by its list
    field = names[-1] if names else None
    nested = NESTED_LABELS.get((names[-2], names[-1])) if len(names) >= 2 else None
    label = nested or field_label(field, path)
    template = _TYPE_MESSAGES.get(first.get("type", ""), "{label}格式不正确")
    return field, template.format(label=label)
