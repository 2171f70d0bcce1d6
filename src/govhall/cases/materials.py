"""Which of a case's files count: a correction or a re-upload adds a file for a material, and the newest one
supersedes (已被替换) the earlier ones. Pure: works on rows already loaded."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class _Row(Protocol):
    pk: int
    material_id: int


R = TypeVar("R", bound=_Row)


def superseded(rows: Iterable[_Row]) -> set[int]:
    """The rows replaced by a later file for the same material."""
    rows = list(rows)
    latest: dict[int, int] = {}
    for row in rows:
        latest[row.material_id] = max(latest.get(row.material_id, 0), row.pk)
    return {row.pk for row in rows if row.pk != latest[row.material_id]}


def current(rows: Iterable[R]) -> list[R]:
    """The rows that count: the newest file of each material, in the order given."""
    rows = list(rows)
    replaced = superseded(rows)
    return [row for row in rows if row.pk not in replaced]
