"""How a material can be handed in, for the guide (upload / e-licence / shared data): the apps that serve a
source (licences, sharing) sit above the catalogue, so they register a describer here when Django starts, and
the guide asks for the words without importing them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .models import Material, MaterialSource, ServiceItem

# Each describer gets the item and its materials of one source and returns the guide's words per material id.
SourceDescriber = Callable[[ServiceItem, Sequence[Material]], dict[int, str]]
_describers: dict[str, SourceDescriber] = {}


def source_describer_register(source: str, describer: SourceDescriber) -> None:
    _describers[source] = describer


def material_ways(item: ServiceItem, materials: Sequence[Material]) -> dict[int, str]:
    """Material id -> how it can be satisfied; a source nobody serves says the applicant uploads it."""
    ways: dict[int, str] = {}
    for source in (MaterialSource.LICENCE, MaterialSource.SHARED_DATA):
        group = [m for m in materials if m.source == source]
        if not group:
            continue
        described = _describers[source](item, group) if source in _describers else {}
        for m in group:
            ways[m.pk] = described.get(m.pk) or f"“{m.source_ref or m.name}”尚未实现电子化调取，请上传"
    return ways
