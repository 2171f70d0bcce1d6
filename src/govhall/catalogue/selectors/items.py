"""Reads of the catalogue: search, guides, themes, versions."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, QuerySet

from govhall.core.errors import NotFound, ValidationFailed
from govhall.core.text import normalise
from govhall.identity.models import Department
from govhall.identity.selectors import region_service_codes, region_subtree_codes

from ..fulltext import FILTERED, match_count, staged_match
from ..models import Audience, ItemStatus, Material, ServiceItem, Synonym, Theme
from ..search import SearchQuery, build_query, compact, synonym_candidates
from ..spelling import Lexicon

# What anyone types or pastes into a search box (the longest item names have about 40 characters); a longer
# query is refused with a message instead of being cut, so 社保 repeated thousands of times lists nothing.
MAX_QUERY_LENGTH = 64
LEXICON_CACHE = 32  # catalogue states kept (tests switch between catalogues)
MAX_PAGE = 1000
# Long guide texts a result list never shows: not loaded for search results.
GUIDE_ONLY_FIELDS = [
    "legal_basis", "conditions", "process_steps", "place", "office_hours", "faqs", "fee_standard", "fee_basis",
    "special_procedures", "keywords",
]  # fmt: skip


@dataclass
class SearchFilters:
    audience: str | None = None
    theme: str | None = None
    department: str | None = None
    region: str | None = None


@dataclass
class SearchPage:
    count: int
    items: list[ServiceItem]
    page: int
    page_size: int
    query: SearchQuery | None = None
    relaxed: bool = False  # no item had every word: showing items with the most telling ones
    respelled: str = ""  # the query in the catalogue's words (pinyin, traditional, 别字), when it differed
    facets: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def _published() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)


def synonyms_for(words: list[str]) -> dict[str, list[str]]:
    return dict(Synonym.objects.filter(term__in=words).values_list("term", "synonyms"))


def validate_filters(filters: SearchFilters) -> SearchFilters:
    if filters.audience and filters.audience not in Audience.values:
        raise ValidationFailed("服务对象只能是 person（个人）或 enterprise（法人）", field="audience")
    for name in ("theme", "department", "region"):
        value = getattr(filters, name)
        if value is not None and len(value) > 40:
            raise ValidationFailed("筛选条件过长", field=name)
    return filters


def item_search(
    *, q: str = "", filters: SearchFilters | None = None, page: int = 1, page_size: int = 20
) -> SearchPage:
    """Published items matching a query and filters, best first; an empty query lists popular items."""
    filters = validate_filters(filters or SearchFilters())
    _validate_paging(q, page, page_size)
    query, shown = prepare_query(q)
    offset = (page - 1) * page_size
    if query.is_empty:
        count, ids = _browse(filters, offset, page_size)
        return SearchPage(count, _load(ids), page, page_size, query)
    count, ids = _match(query, filters, offset, page_size)
    relaxed = False
    if count == 0 and len(query.clauses) > 1:
        query = _most_telling(query, filters)
        count, ids = _match(query, filters, offset, page_size)
        relaxed = True
    return SearchPage(count, _load(ids), page, page_size, query, relaxed, shown)


def prepare_query(q: str) -> tuple[SearchQuery, str]:
    """What was typed as a query of index terms (respelled in the catalogue's words, padding dropped,
    synonyms expanded), and the respelling when it differs from what was typed."""
    q = q.replace("\x00", "")
    lexicon = catalogue_lexicon()
    respelled = " ".join(lexicon.respell(q).split()) if q.strip() else ""
    text = compact(respelled, lexicon.words) or respelled
    query = build_query(text, synonyms_for(synonym_candidates(text))) if text else SearchQuery(())
    return query, respelled if respelled != " ".join(normalise(q).split()) else ""


def _validate_paging(q: str, page: int, page_size: int) -> None:
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationFailed(
            f"检索词过长（{len(q)}个字符），请精简到{MAX_QUERY_LENGTH}个字符以内，例如只输入事项名称或关键词",
            field="q",
        )
    if not 1 <= page <= MAX_PAGE:
        raise ValidationFailed(f"页码应在1到{MAX_PAGE}之间", field="page")
    if not 1 <= page_size <= settings.SEARCH_PAGE_SIZE_MAX:
        raise ValidationFailed(f"每页条数应在1到{settings.SEARCH_PAGE_SIZE_MAX}之间", field="page_size")


def _most_telling(query: SearchQuery, filters: SearchFilters) -> SearchQuery:
    """When no item has every word: the rarest word that matches, then each next-rarer word that still
    leaves matches (辞退 before 公司 in 被公司辞退了). An empty query when no word matches at all."""
    where, params = _filter_sql(filters)
    counts = [match_count(query.only([i]), where, params) for i in range(len(query.clauses))]
    chosen: list[int] = []
    # Synonym-expanded words (curated citizen phrasings) first, then the rarest.
    order = sorted(
        (i for i, n in enumerate(counts) if n), key=lambda i: (len(query.clauses[i]) == 1, counts[i], i)
    )
    for i in order:
        if not chosen or match_count(query.only([*chosen, i]), where, params):
            chosen.append(i)
    return query.only(sorted(chosen)) if chosen else query.only([0])


def _lexicon_signature() -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM catalogue_serviceitem WHERE status = %s), "
            "(SELECT max(published_at) FROM catalogue_serviceitem WHERE status = %s), "
            "(SELECT count(*) FROM catalogue_synonym), (SELECT max(id) FROM catalogue_synonym)",
            [ItemStatus.PUBLISHED.value, ItemStatus.PUBLISHED.value],
        )
        return tuple(cursor.fetchone() or ())


def catalogue_lexicon() -> Lexicon:
    """The catalogue's vocabulary (names, keywords, synonyms) for respelling queries; rebuilt when an item is
    published or withdrawn or the synonym list grows (one light query per search tells)."""
    return _lexicon(connection.alias, connection.settings_dict["NAME"], _lexicon_signature())


@functools.lru_cache(maxsize=LEXICON_CACHE)
def _lexicon(alias: str, database: str, signature: tuple[Any, ...]) -> Lexicon:
    phrases: set[str] = set()
    for name, keywords in _published().values_list("name", "keywords").iterator(chunk_size=2000):
        phrases.add(name)
        phrases.update(k for k in keywords or [] if isinstance(k, str))
    for term, synonyms in Synonym.objects.values_list("term", "synonyms"):
        phrases.add(term)
        phrases.update(s for s in synonyms or [] if isinstance(s, str))
    return Lexicon.build(phrases)


def _filter_sql(filters: SearchFilters) -> tuple[str, list[Any]]:
    where: list[str] = [FILTERED]
    params: list[Any] = [ItemStatus.PUBLISHED.value]
    if filters.audience:
        where.append("i.for_person = %s" if filters.audience == Audience.PERSON else "i.for_enterprise = %s")
        params.append(True)
    if filters.department:
        where.append("i.department_id IN (SELECT id FROM identity_department WHERE code = %s)")
        params.append(filters.department)
    if filters.theme:
        where.append(
            "i.id IN (SELECT it.serviceitem_id FROM catalogue_serviceitem_themes it "
            "JOIN catalogue_theme t ON t.id = it.theme_id WHERE t.code = %s)"
        )
        params.append(filters.theme)
    if filters.region:
        codes = region_service_codes(filters.region)
        where.append(f"i.region_id IN ({', '.join(['%s'] * len(codes))})")
        params.extend(codes)
    return " AND ".join(where), params


def _browse(filters: SearchFilters, offset: int, limit: int) -> tuple[int, list[int]]:
    where, params = _filter_sql(filters)
    sql = (
        f"SELECT i.id, COUNT(*) OVER () FROM catalogue_serviceitem i WHERE {where} "
        "ORDER BY i.popularity DESC, i.name, i.id LIMIT %s OFFSET %s"
    )
    return _run(sql, [*params, limit, offset])


def _match(query: SearchQuery, filters: SearchFilters, offset: int, limit: int) -> tuple[int, list[int]]:
    where, params = _filter_sql(filters)
    return staged_match(query, where, params, offset, limit, any_clause=False)


def _run(sql: str, params: list[Any]) -> tuple[int, list[int]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return 0, []
    return rows[0][1], [row[0] for row in rows]


def _load(ids: list[int]) -> list[ServiceItem]:
    by_id = ServiceItem.objects.select_related("department", "region").defer(*GUIDE_ONLY_FIELDS).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def item_get_published(implementation_code: str) -> ServiceItem:
    """The published version of an item, with everything its guide shows."""
    item = (
        _published()
        .select_related("department", "region")
        .prefetch_related(
            "themes", Prefetch("materials", queryset=Material.objects.order_by("position", "id"))
        )
        .filter(implementation_code=implementation_code)
        .first()
    )
    if item is None:
        raise NotFound("未找到该事项，可能已调整或尚未发布", field="implementation_code")
    return item


def item_for_application(implementation_code: str) -> ServiceItem:
    """The published version an application is made under, with its materials. A published version never
    changes, so after one light query for its id the whole version comes from a per-process cache."""
    found = (
        _published().filter(implementation_code=implementation_code).values_list("pk", "published_at").first()
    )
    if found is None:
        raise NotFound("未找到该事项，可能已调整或尚未发布", field="item")
    return _published_version(*found)


@functools.lru_cache(maxsize=2048)
def _published_version(pk: int, published_at: Any) -> ServiceItem:
    """Keyed by id and publication time, so a reused id (SQLite after a rollback) never returns stale data."""
    return (
        ServiceItem.objects.select_related("department", "escalation_department")
        .defer(*GUIDE_ONLY_FIELDS)
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("position", "id")))
        .get(pk=pk)
    )


def item_get_version(implementation_code: str, version: int, *, public: bool = True) -> ServiceItem:
    """One version of an item; the public sees published and superseded versions, never drafts."""
    queryset = ServiceItem.objects.select_related("department", "region").prefetch_related(
        "themes", "materials"
    )
    if public:
        queryset = queryset.exclude(status=ItemStatus.DRAFT)
    item = queryset.filter(implementation_code=implementation_code, version=version).first()
    if item is None:
        raise NotFound("未找到该事项版本", field="version")
    return item


def item_versions(implementation_code: str) -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(implementation_code=implementation_code).order_by("-version")


def item_popular(*, audience: str | None = None, limit: int = 8) -> list[ServiceItem]:
    queryset = _published().select_related("department")
    if audience == Audience.PERSON:
        queryset = queryset.filter(for_person=True)
    elif audience == Audience.ENTERPRISE:
        queryset = queryset.filter(for_enterprise=True)
    return list(queryset.order_by("-popularity", "name")[:limit])


def theme_list(*, audience: str | None = None) -> QuerySet[Theme]:
    queryset = Theme.objects.all()
    if audience:
        queryset = queryset.filter(audience=audience)
    return queryset.order_by("audience", "order", "code")


def departments_manageable_by(user: Any) -> QuerySet[Department]:
    """Departments whose items a staff member may create and edit (same rule as items_manageable_by)."""
    if user.is_superuser or user.has_role("system_admin"):
        return Department.objects.all()
    if not user.has_role("catalogue_admin") or user.department_id is None:
        return Department.objects.none()
    if user.department.code == settings.PLATFORM_DEPARTMENT_CODE:
        region = user.region_id or user.department.region_id
        return Department.objects.filter(region_id__in=region_subtree_codes(region))
    return Department.objects.filter(pk=user.department_id)


def manages_whole_catalogue(user: Any) -> bool:
    """System administrators and the platform department's catalogue administrators: import and export."""
    if user.is_superuser or user.has_role("system_admin"):
        return True
    return bool(
        user.has_role("catalogue_admin")
        and user.department_id
        and user.department.code == settings.PLATFORM_DEPARTMENT_CODE
    )


def items_manageable_by(user: Any) -> QuerySet[ServiceItem]:
    """The item versions a staff member may manage: the platform department and system administrators see
    their whole region; any other catalogue administrator only their own department's items."""
    queryset = ServiceItem.objects.select_related("department")
    if user.is_superuser or user.has_role("system_admin"):
        return queryset
    if not user.has_role("catalogue_admin") or user.department_id is None:
        return queryset.none()
    if user.department.code == settings.PLATFORM_DEPARTMENT_CODE:
        region = user.region_id or user.department.region_id
        return queryset.filter(region_id__in=region_subtree_codes(region))
    return queryset.filter(department_id=user.department_id)


def item_published_count() -> int:
    return ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).count()


def item_guide_get(
    implementation_code: str, *, version: int | None = None
) -> tuple[ServiceItem, list[Department]]:
    """The published version of an item (or the public ``version``) and its joint departments, in order."""
    item = (
        item_get_published(implementation_code)
        if version is None
        else item_get_version(implementation_code, version)
    )
    codes = list(item.joint_departments or [])
    named = {d.code: d for d in Department.objects.filter(code__in=codes)} if codes else {}
    return item, [named[c] for c in codes if c in named]
