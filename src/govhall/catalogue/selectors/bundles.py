"""Reads of bundles (一件事): the published list, search for life events, and a bundle's guide with its
items in order, the critical path, the merged form and the merged materials."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from govhall.core.errors import NotFound, ValidationFailed
from govhall.core.text import index_tokens

from ..bundle_graph import Edge, critical_path, waves
from ..bundle_merge import ItemForm, ItemMaterials, MergedField, MergedMaterial, merge_form, merge_materials
from ..forms import item_fields
from ..models import Audience, Bundle, BundleEdge, BundleItem, ItemStatus, Material, ServiceItem
from ..search import SearchQuery
from ..sources import material_ways
from .items import MAX_QUERY_LENGTH, prepare_query

BUNDLES_SHOWN_FIRST = 3  # bundles shown above the item results of a search


def _published() -> QuerySet[Bundle]:
    return Bundle.objects.filter(status=ItemStatus.PUBLISHED).select_related("lead_department", "region")


def bundle_list(*, audience: str | None = None, q: str = "") -> list[Bundle]:
    """Published bundles, most used first; with ``q`` only those a life-event query finds, best first."""
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationFailed(f"检索词过长，请精简到{MAX_QUERY_LENGTH}个字符以内", field="q")
    if audience and audience not in Audience.values:
        raise ValidationFailed("服务对象只能是 person（个人）或 enterprise（法人）", field="audience")
    queryset = _published()
    if audience:
        queryset = queryset.filter(audience=audience)
    bundles = list(
        queryset.prefetch_related("bundle_items", "themes").order_by("-popularity", "name", "code")
    )
    if not q.strip():
        return bundles
    query, _ = prepare_query(q)
    return _ranked(bundles, query)


def bundle_search(q: str, *, limit: int = BUNDLES_SHOWN_FIRST) -> list[Bundle]:
    """The bundles a search shows before its items: those whose name or keywords (citizens' words, with the
    catalogue's synonyms) match every word of the query."""
    if not q.strip():
        return []
    return bundle_list(q=q)[:limit]


def _ranked(bundles: list[Bundle], query: SearchQuery) -> list[Bundle]:
    """Bundles matching every word, names first. A one-character word no bundle has (怎 of 怎么, left over
    by segmentation) is not required: the life event is in the other words."""
    terms = [_terms(b.pk, b.published_at) for b in bundles]
    kept = [
        n
        for n, clause in enumerate(query.clauses)
        if any(len(alt) > 1 or len(alt[0]) > 1 for alt in clause)
        or any(query.only([n]).matches(all_terms) for _, all_terms in terms)
    ]
    query = query.only(kept)
    if query.is_empty:
        return []
    scored = []
    for n, bundle in enumerate(bundles):
        name_terms, all_terms = terms[n]
        if query.matches(all_terms):
            scored.append((0 if query.matches(name_terms) else 1, n, bundle))
    return [b for _, _, b in sorted(scored, key=lambda s: s[:2])]


@functools.lru_cache(maxsize=512)
def _terms(pk: int, published_at: Any) -> tuple[frozenset[str], frozenset[str]]:
    """A published version's search terms: its name, and its name with its keywords (citizens' words for the
    life event). Not its items' names or themes: 社保卡 is looked for as an item, not as 出生一件事. Keyed by
    publication time: a published version never changes."""
    bundle = Bundle.objects.get(pk=pk)
    name = frozenset(index_tokens(bundle.name))
    return name, name | frozenset(index_tokens(" ".join(bundle.keywords)))


@dataclass
class GuideItem:
    entry: BundleItem
    item: ServiceItem
    days: int  # promised working days in this bundle
    stage: int  # 1 for the items that start at once, 2 for those after them ...
    waits_for: list[ServiceItem] = field(default_factory=list)
    on_critical_path: bool = False

    @property
    def code(self) -> str:
        return self.item.implementation_code


@dataclass
class BundleGuide:
    bundle: Bundle
    items: list[GuideItem]
    edges: list[BundleEdge]
    stages: list[list[GuideItem]]
    critical_days: int
    critical_path: list[GuideItem]
    form: list[MergedField]
    materials: list[MergedMaterial]
    material_ways: dict[int, str]  # merged material id -> how it can be handed in (licence, shared data)

    @property
    def names(self) -> dict[str, str]:
        return {g.code: g.item.name for g in self.items}

    @property
    def results(self) -> list[GuideItem]:
        return [g for g in self.items if g.item.result_name]

    @property
    def failure_lines(self) -> list[tuple[str, str, str]]:
        """(前序事项, 后续事项, refuse or pause) for each edge, by name."""
        names = self.names
        return [(names[e.before], names[e.after], e.on_failure) for e in self.edges]

    @property
    def material_rows(self) -> list[MaterialRow]:
        names = self.names
        return [
            MaterialRow(m, self.material_ways.get(m.id, ""), [names[t.item] for t in m.serves])
            for m in self.materials
        ]


@dataclass
class MaterialRow:
    material: MergedMaterial
    way: str  # how it can be handed in when not uploaded
    items: list[str]  # the names of the items it serves


def bundle_get_published(code: str) -> Bundle:
    bundle = _published().prefetch_related("themes", "bundle_items").filter(code=code).first()
    if bundle is None:
        raise NotFound("未找到该一件事，可能已调整或尚未发布", field="code")
    return bundle


def bundle_get_version(code: str, version: int) -> Bundle:
    """One public version (published or superseded, never a draft)."""
    bundle = (
        Bundle.objects.exclude(status=ItemStatus.DRAFT)
        .select_related("lead_department", "region")
        .prefetch_related("themes", "bundle_items")
        .filter(code=code, version=version)
        .first()
    )
    if bundle is None:
        raise NotFound("未找到该一件事版本", field="version")
    return bundle


def bundle_guide(bundle: Bundle) -> BundleGuide:
    """Everything a bundle's guide shows. Its items are read in their published versions; an item no longer
    published is left out (with the edges that name it)."""
    entries = list(bundle.bundle_items.order_by("position", "id"))
    published = {
        i.implementation_code: i
        for i in ServiceItem.objects.filter(
            status=ItemStatus.PUBLISHED, implementation_code__in=[e.item_code for e in entries]
        )
        .select_related("department")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("position", "id")))
    }
    entries = [e for e in entries if e.item_code in published]
    codes = [e.item_code for e in entries]
    edges = [e for e in bundle.edges.order_by("id") if e.before in published and e.after in published]
    graph = [Edge(e.before, e.after, e.on_failure) for e in edges]
    days = {
        e.item_code: published[e.item_code].promised_time_limit if e.time_limit is None else e.time_limit
        for e in entries
    }
    stage_of = {code: n for n, wave in enumerate(waves(codes, graph), start=1) for code in wave}
    total, path = critical_path(codes, graph, days)
    guide_items = {
        e.item_code: GuideItem(e, published[e.item_code], days[e.item_code], stage_of[e.item_code])
        for e in entries
    }
    for edge in edges:
        guide_items[edge.after].waits_for.append(published[edge.before])
    for code in path:
        guide_items[code].on_critical_path = True
    items = [guide_items[c] for c in codes]
    stages = [[g for g in items if g.stage == n] for n in range(1, 1 + max(stage_of.values(), default=0))]
    form = merge_form(
        [ItemForm(c, published[c].name, _form_of(published[c])) for c in codes], bundle.shared_fields
    )
    materials = merge_materials(
        [ItemMaterials(c, published[c].name, list(published[c].materials.all())) for c in codes],
        bundle.shared_materials,
    )
    return BundleGuide(
        bundle=bundle,
        items=items,
        edges=edges,
        stages=stages,
        critical_days=total,
        critical_path=[guide_items[c] for c in path],
        form=form,
        materials=materials,
        material_ways=_ways(materials, published),
    )


def _form_of(item: ServiceItem) -> list[Any]:
    return item_fields(item.form_fields, for_enterprise=item.for_enterprise and not item.for_person)


def _ways(materials: list[MergedMaterial], published: dict[str, ServiceItem]) -> dict[int, str]:
    """How each merged material can be handed in, in the words of the first item it serves."""
    by_item: dict[str, list[Material]] = {}
    for m in materials:
        if m.first.source != "applicant":
            by_item.setdefault(m.serves[0].item, []).append(m.first)  # type: ignore[arg-type]
    ways: dict[int, str] = {}
    for code, group in by_item.items():
        ways.update(material_ways(published[code], group))
    return ways


def bundle_popular(*, limit: int = 6) -> list[Bundle]:
    return list(_published().order_by("-popularity", "name", "code")[:limit])


def bundle_versions(code: str) -> QuerySet[Bundle]:
    return Bundle.objects.filter(code=code).order_by("-version")
