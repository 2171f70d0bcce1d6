"""A bundle's one form and one set of materials, merged from its items', as pure code (no database).

The form: the union of the items' forms in the items' order. A field several items ask for is asked once:
either declared (a shared field naming, for each item, that item's field) or found (the same name and the
same kind of value in several items). Every item field is the target of exactly one bundle field, so what
the applicant fills in splits back into one form per item (``split_form``).

The materials: a material several items need appears once, with the id the applicant submits it under (the
first serving item's material id) and every item material it stands for. Declared shared materials join
materials of different names; materials with the same name and source join by themselves."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .forms import FormField

_TEXTUAL = {"text", "textarea"}
_STRENGTH = {"required": 2, "conditional": 1, "optional": 0}


@dataclass(frozen=True)
class ItemForm:
    code: str
    name: str
    fields: Sequence[FormField]


@dataclass(frozen=True)
class FieldTarget:
    item: str
    field: str


@dataclass(frozen=True)
class MergedField:
    field: FormField
    targets: tuple[FieldTarget, ...]

    @property
    def shared(self) -> bool:
        return len({t.item for t in self.targets}) > 1


def fields_compatible(a: FormField, b: FormField) -> bool:
    same_kind = a.type == b.type or {a.type, b.type} <= _TEXTUAL
    return same_kind and a.options == b.options


def _declared_field(raw: Mapping[str, Any], first: FormField, required: bool) -> FormField:
    overrides = {k: v for k, v in raw.items() if k in {f.name for f in dataclasses.fields(FormField)}}
    if "options" in overrides:
        overrides["options"] = tuple(overrides["options"])
    return dataclasses.replace(first, **{**overrides, "required": required or bool(raw.get("required"))})


def merge_form(items: Sequence[ItemForm], shared: Sequence[Mapping[str, Any]] = ()) -> list[MergedField]:
    """The bundle's form. ``shared`` are the declared shared fields (validated by SHARED_FIELDS_SCHEMA):
    ``{"name", "label", ..., "items": {item code: item field name}}``; a target the items do not have is
    skipped (an item's form may have changed since), and so is a declared field left without targets."""
    by_item = {i.code: {f.name: f for f in i.fields} for i in items}
    claimed: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(shared):
        for code, name in raw.get("items", {}).items():
            if name in by_item.get(code, {}) and (code, name) not in claimed:
                claimed[(code, name)] = index
    out: list[MergedField] = []
    emitted: dict[int, int] = {}  # declared index -> position in out
    for item in items:
        for f in item.fields:
            declared = claimed.get((item.code, f.name))
            if declared is not None:
                if declared not in emitted:
                    emitted[declared] = len(out)
                    out.append(_declared(shared, declared, claimed, by_item))
                continue
            _place_found(out, item, f)
    return _unique_names(out)


def _unique_names(merged: list[MergedField]) -> list[MergedField]:
    """A declared field met after a found field of its name (or the reverse) gets a suffix: names stay keys."""
    seen: set[str] = set()
    out = []
    for m in merged:
        name, suffix = m.field.name, 2
        while name in seen:
            name, suffix = f"{m.field.name}_{suffix}", suffix + 1
        seen.add(name)
        out.append(
            m if name == m.field.name else MergedField(dataclasses.replace(m.field, name=name), m.targets)
        )
    return out


def _declared(
    shared: Sequence[Mapping[str, Any]],
    index: int,
    claimed: Mapping[tuple[str, str], int],
    by_item: Mapping[str, Mapping[str, FormField]],
) -> MergedField:
    raw = shared[index]
    targets = tuple(
        FieldTarget(code, name) for code, name in raw["items"].items() if claimed.get((code, name)) == index
    )
    fields = [by_item[t.item][t.field] for t in targets]
    return MergedField(_declared_field(raw, fields[0], any(f.required for f in fields)), targets)


def _place_found(out: list[MergedField], item: ItemForm, f: FormField) -> None:
    """An undeclared field joins a bundle field of the same name and kind, or gets a place of its own
    (renamed ``name_2`` ... with the item's name in its label when the name is taken by another kind)."""
    for n, merged in enumerate(out):
        if merged.field.name == f.name and fields_compatible(merged.field, f):
            if any(t.item == item.code for t in merged.targets):
                break  # the item's own field already there: a different one of the same name cannot join
            field = dataclasses.replace(merged.field, required=merged.field.required or f.required)
            out[n] = MergedField(field, (*merged.targets, FieldTarget(item.code, f.name)))
            return
    taken = {m.field.name for m in out}
    name, label, suffix = f.name, f.label, 2
    if name in taken:
        while f"{f.name}_{suffix}" in taken:
            suffix += 1
        name, label = f"{f.name}_{suffix}", f"{f.label}（{item.name}）"
    out.append(MergedField(dataclasses.replace(f, name=name, label=label), (FieldTarget(item.code, f.name),)))


def split_form(merged: Sequence[MergedField], values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What the applicant filled in on the bundle's form, as one form per item (item code -> values)."""
    forms: dict[str, dict[str, Any]] = {}
    for m in merged:
        if m.field.name not in values:
            continue
        for target in m.targets:
            forms.setdefault(target.item, {})[target.field] = values[m.field.name]
    return forms


class MaterialLike(Protocol):
    pk: Any
    name: str
    requirement: str
    condition: str
    source: str
    source_ref: str
    tolerable: bool
    copies: int


@dataclass(frozen=True)
class ItemMaterials:
    code: str
    name: str
    materials: Sequence[MaterialLike]


@dataclass(frozen=True)
class MaterialTarget:
    item: str
    material: int
    name: str


@dataclass(frozen=True)
class MergedMaterial:
    id: int  # what the applicant submits it under: the first serving item's material id
    name: str
    requirement: str  # the strongest among the items: required > conditional > optional
    conditions: tuple[str, ...]
    tolerable: bool  # only when every item tolerates its absence
    copies: int
    first: MaterialLike  # the first serving item's material: form, medium, source, sample, mistakes
    serves: tuple[MaterialTarget, ...]

    @property
    def shared(self) -> bool:
        return len({t.item for t in self.serves}) > 1


def material_key(m: MaterialLike) -> tuple[str, str, str]:
    """Materials that are the same paper by themselves: one name and one source (and licence or resource)."""
    return (" ".join(m.name.split()), m.source, m.source_ref if m.source != "applicant" else "")


def merge_materials(
    items: Sequence[ItemMaterials], shared: Sequence[Mapping[str, Any]] = ()
) -> list[MergedMaterial]:
    """The bundle's one set of materials, in the items' order. ``shared`` are the declared shared materials
    (validated by SHARED_MATERIALS_SCHEMA): ``{"name", "items": {item code: that item's material name}}``."""
    declared: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(shared):
        for code, name in raw.get("items", {}).items():
            declared.setdefault((code, " ".join(name.split())), index)
    groups: dict[Any, list[tuple[str, MaterialLike]]] = {}
    for item in items:
        for m in item.materials:
            group_index = declared.get((item.code, " ".join(m.name.split())))
            key = ("declared", group_index) if group_index is not None else ("same", material_key(m))
            group = groups.setdefault(key, [])
            if not any(code == item.code for code, _ in group):  # an item's own materials never merge
                group.append((item.code, m))
            else:
                groups.setdefault(("own", item.code, m.pk), []).append((item.code, m))
    out = []
    for key, members in groups.items():
        first = members[0][1]
        name = shared[key[1]]["name"] if key[0] == "declared" and len(members) > 1 else first.name
        out.append(
            MergedMaterial(
                id=int(first.pk),
                name=name,
                requirement=max((m.requirement for _, m in members), key=lambda r: _STRENGTH.get(r, 0)),
                conditions=tuple(dict.fromkeys(m.condition for _, m in members if m.condition)),
                tolerable=all(m.tolerable for _, m in members),
                copies=max(m.copies for _, m in members),
                first=first,
                serves=tuple(MaterialTarget(code, int(m.pk), m.name) for code, m in members),
            )
        )
    return out
