"""容缺受理 as pure rules: which missing materials may be tolerated, and by when they must be handed in.

A county's 容缺受理清单 is data (``Material.tolerable``, set by the catalogue administrator); the rules here
check a clerk's list of gaps against it without touching the database. Every message names the field in
Chinese (容缺材料), and every error is about the field ``tolerated_gaps``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from govhall.catalogue.models import Material, MaterialSource
from govhall.core.errors import ValidationFailed
from govhall.core.workdays import WorkingDays

FIELD = "tolerated_gaps"


@dataclass(frozen=True)
class ToleratedGap:
    """One material the applicant has not handed in yet, accepted on the promise to hand it in by ``due``."""

    material: int
    due: dt.date


@dataclass(frozen=True)
class GapRules:
    """What a list of gaps is checked against: the item's materials, what is in hand, and the dates."""

    materials: Sequence[Material]
    handed_in: frozenset[int]
    today: dt.date
    latest_due: dt.date
    calendar: WorkingDays
    instant: bool = False


def owed_entries(gaps: Iterable[ToleratedGap], rules: GapRules) -> list[dict[str, Any]]:
    """The case's owed list (``Case.owed_materials``) for these gaps, or a ValidationFailed naming the first
    gap that breaks a rule."""
    gaps = list(gaps)
    if gaps and rules.instant:
        raise ValidationFailed("即办件当场办结，不适用容缺受理；请收齐材料后受理", field=FIELD)
    by_id = {m.pk: m for m in rules.materials}
    owed: list[dict[str, Any]] = []
    for gap in gaps:
        material = _tolerable(by_id.get(gap.material), gap.material, rules)
        if any(o["material"] == material.pk for o in owed):
            raise ValidationFailed(f"容缺材料“{material.name}”重复列出", field=FIELD)
        _check_due(material, gap.due, rules)
        owed.append({"material": material.pk, "name": material.name, "due": gap.due.isoformat()})
    return owed


def _tolerable(material: Material | None, material_id: int, rules: GapRules) -> Material:
    if material is None:
        raise ValidationFailed(f"容缺材料编号{material_id}不属于本事项", field=FIELD)
    if material.source != MaterialSource.APPLICANT:
        raise ValidationFailed(
            f"“{material.name}”由{material.get_source_display()}提供，无需申请人提交，不能列为容缺材料",
            field=FIELD,
        )
    if not material.tolerable:
        raise ValidationFailed(
            f"“{material.name}”是主要材料，不在本事项的容缺受理清单中，不能容缺", field=FIELD
        )
    if material.pk in rules.handed_in:
        raise ValidationFailed(f"“{material.name}”已经提交，不能再列为容缺材料", field=FIELD)
    return material


def _check_due(material: Material, due: dt.date, rules: GapRules) -> None:
    label = f"容缺材料“{material.name}”的补交日期"
    if due <= rules.today:
        raise ValidationFailed(f"{label}应晚于今天", field=FIELD)
    if not rules.calendar.is_workday(due):
        raise ValidationFailed(f"{label}（{due:%Y-%m-%d}）不是工作日，请选择工作日", field=FIELD)
    if due > rules.latest_due:
        raise ValidationFailed(f"{label}不能晚于承诺办结日期（{rules.latest_due:%Y-%m-%d}）", field=FIELD)


def gaps_from_owed(owed: Iterable[dict[str, Any]]) -> list[ToleratedGap]:
    """The gaps a case already owes (registered at the window), to be checked again at acceptance."""
    return [ToleratedGap(int(o["material"]), dt.date.fromisoformat(str(o["due"]))) for o in owed]


def owed_summary(owed: Iterable[dict[str, Any]]) -> str:
    """容缺后补 in one line: each owed material with its due date."""
    return "；".join(f"{o['name']}（{o['due']}前补交）" for o in owed)
