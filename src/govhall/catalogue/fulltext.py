"""The database side of search: SQLite FTS5 or PostgreSQL tsvector, behind one small interface.

Results come in two stages so that ranking stays cheap when a short query matches most of the catalogue:
items whose *name* matches come first (ranked among themselves), then items that match elsewhere.
Each stage ranks only its own rows, and page one rarely needs the second stage.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Literal

from django.db import connection, transaction

from .search import SearchQuery

Stage = Literal["name", "rest"]
FILTERED = "i.status = %s"  # the base condition every search has; more are ANDed to it


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


class SqliteFullText:
    """FTS5 over catalogue_itemsearchdocument; bm25 weights name 10, keywords 4, body 1."""

    def __init__(self, query: SearchQuery, *, any_clause: bool) -> None:
        self.expr = query.fts5(any_clause=any_clause)
        self.name_expr = f"{{name_terms}} : ({self.expr})"

    def _stage_expr(self, stage: Stage | None) -> str:
        if stage == "name":
            return self.name_expr
        if stage == "rest":
            return f"({self.expr}) NOT ({self.name_expr})"
        return self.expr

    def session(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def count(self, where: str, params: list[Any], *, stage: Stage | None = None) -> int:
        expr = self._stage_expr(stage)
        if where == FILTERED:  # only published items are indexed: no join needed
            sql = "SELECT count(*) FROM catalogue_item_fts WHERE catalogue_item_fts MATCH %s"
            return int(_rows(sql, [expr])[0][0])
        sql = (
            "SELECT count(*) FROM catalogue_serviceitem i WHERE i.id IN "
            f"(SELECT rowid FROM catalogue_item_fts WHERE catalogue_item_fts MATCH %s) AND {where}"
        )
        return int(_rows(sql, [expr, *params])[0][0])

    def page(self, stage: Stage, where: str, params: list[Any], offset: int, limit: int) -> list[int]:
        if where == FILTERED:  # no filter beyond "published", which the index already is: skip the join
            sql = (
                "SELECT rowid FROM catalogue_item_fts WHERE catalogue_item_fts MATCH %s "
                "ORDER BY bm25(catalogue_item_fts, 10.0, 4.0, 1.0), rowid LIMIT %s OFFSET %s"
            )
            return [row[0] for row in _rows(sql, [self._stage_expr(stage), limit, offset])]
        # bm25() only works in a query on the FTS table itself: rank there, then join and filter.
        sql = (
            "WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(catalogue_item_fts, 10.0, 4.0, 1.0) AS rank "
            "FROM catalogue_item_fts WHERE catalogue_item_fts MATCH %s) "
            "SELECT i.id FROM m JOIN catalogue_serviceitem i ON i.id = m.id "
            f"WHERE {where} ORDER BY m.rank, i.popularity DESC, i.id LIMIT %s OFFSET %s"
        )
        return [row[0] for row in _rows(sql, [self._stage_expr(stage), *params, limit, offset])]


class PostgresFullText:
    """GIN-indexed tsvectors in the narrow table catalogue_item_tsv (migration 0003): ``document`` (every
    term) for matching and counting, ``name_document`` for the name stage (shortest matching names first);
    the rest stage ranks by the document table's small ``keyword_document``. The planner is kept off sequential scans: it would
    choose one for a query matching most rows, not knowing that each row check decompresses a document.
    """

    _MATCH = "v.document @@ to_tsquery('simple', %s)"
    _NAME = "v.name_document @@ to_tsquery('simple', %s)"

    def __init__(self, query: SearchQuery, *, any_clause: bool) -> None:
        self.text = query.tsquery(any_clause=any_clause)

    def _stage_condition(self, stage: Stage | None) -> tuple[str, list[Any]]:
        if stage == "name":
            return self._NAME, [self.text]
        if stage == "rest":
            return f"{self._MATCH} AND NOT {self._NAME}", [self.text, self.text]
        return self._MATCH, [self.text]

    @staticmethod
    def _from(where: str, params: list[Any], *, keywords: bool = False) -> tuple[str, list[Any]]:
        source = "FROM catalogue_item_tsv v"
        if keywords:
            source += " JOIN catalogue_itemsearchdocument d ON d.item_id = v.item_id"
        if where == FILTERED:  # only published items are indexed: no join needed
            return f"{source} WHERE ", []
        return f"{source} JOIN catalogue_serviceitem i ON i.id = v.item_id WHERE {where} AND ", params

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            yield

    def count(self, where: str, params: list[Any], *, stage: Stage | None = None) -> int:
        source, source_params = self._from(where, params)
        condition, condition_params = self._stage_condition(stage)
        return int(_rows(f"SELECT count(*) {source}{condition}", [*source_params, *condition_params])[0][0])

    def page(self, stage: Stage, where: str, params: list[Any], offset: int, limit: int) -> list[int]:
        source, source_params = self._from(where, params, keywords=stage == "rest")
        condition, condition_params = self._stage_condition(stage)
        if stage == "name":
            # Among names that match, the one with fewest terms is the closest match; cheaper than ts_rank.
            order, order_params = "length(v.name_document)", []
        else:
            order, order_params = "ts_rank(d.keyword_document, to_tsquery('simple', %s), 1) DESC", [self.text]
        sql = f"SELECT v.item_id {source}{condition} ORDER BY {order}, v.item_id LIMIT %s OFFSET %s"
        return [
            row[0] for row in _rows(sql, [*source_params, *condition_params, *order_params, limit, offset])
        ]


def full_text(query: SearchQuery, *, any_clause: bool) -> SqliteFullText | PostgresFullText:
    if connection.vendor == "postgresql":
        return PostgresFullText(query, any_clause=any_clause)
    return SqliteFullText(query, any_clause=any_clause)


def staged_match(
    query: SearchQuery, where: str, params: list[Any], offset: int, limit: int, *, any_clause: bool
) -> tuple[int, list[int]]:
    """Total matches and the ids of one page: name matches first, then the rest, each ranked."""
    engine = full_text(query, any_clause=any_clause)
    with engine.session():
        total = engine.count(where, params)
        if total == 0:
            return 0, []
        ids = engine.page("name", where, params, offset, limit)
        if len(ids) == limit:
            return total, ids
        # A short name page ends the name matches: they number offset + len(ids), unless the page was empty.
        name_total = offset + len(ids) if ids else engine.count(where, params, stage="name")
        if total > name_total:
            ids += engine.page("rest", where, params, max(0, offset - name_total), limit - len(ids))
        return total, ids


def match_count(query: SearchQuery, where: str, params: list[Any]) -> int:
    """How many items match every clause of the query."""
    engine = full_text(query, any_clause=False)
    with engine.session():
        return engine.count(where, params)
