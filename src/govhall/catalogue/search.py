"""Search queries, as pure code: a query string and its synonyms become a boolean query of index terms.

A query is a list of clauses that must all match (AND). A clause is a list of alternatives (OR): the word
itself and its synonyms. An alternative is a list of index terms that must all be present (AND).
The same structure renders to SQLite FTS5 MATCH syntax and to a PostgreSQL tsquery.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from govhall.core.text import normalise, query_words, word_terms

# Words that say nothing about which service is meant (我想办理…怎么申请).
STOPWORDS = frozenset(
    [
        "我",
        "想",
        "要",
        "给",
        "的",
        "了",
        "在",
        "和",
        "与",
        "及",
        "或",
        "吗",
        "呢",
        "啊",
        "怎么",
        "怎样",
        "如何",
        "哪里",
        "哪儿",
        "什么",
        "办",
        "办理",
        "申请",
        "需要",
        "可以",
        "能",
        "去",
        "到",
        "是",
        "有",
        "一下",
        "请问",
        "咨询",
    ]
)

Alternative = tuple[str, ...]


@dataclass(frozen=True)
class SearchQuery:
    clauses: tuple[tuple[Alternative, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def fts5(self, *, any_clause: bool = False) -> str:
        """FTS5 MATCH syntax; every term is quoted, so no user text can act as an operator."""
        joiner = " OR " if any_clause else " AND "
        return joiner.join(_clause(c, "OR", "AND", '"{}"') for c in self.clauses)

    def tsquery(self, *, any_clause: bool = False) -> str:
        """PostgreSQL to_tsquery syntax; terms are CJK or [0-9a-z] only (see core.text), quoted anyway."""
        joiner = " | " if any_clause else " & "
        return joiner.join(_clause(c, "|", "&", "'{}'") for c in self.clauses)


def _clause(clause: Sequence[Alternative], or_: str, and_: str, quote: str) -> str:
    alternatives = [f" {and_} ".join(quote.format(t) for t in alt) for alt in clause]
    return "(" + f" {or_} ".join(f"({a})" for a in alternatives) + ")"


def synonym_candidates(query: str) -> list[str]:
    """The strings to look up in the synonym list: the whole query and each of its words."""
    whole = normalise(query.strip())
    return list(dict.fromkeys([whole, *query_words(query)]))


def build_query(query: str, synonyms: Mapping[str, Sequence[str]]) -> SearchQuery:
    """Turn what the user typed into a SearchQuery, expanding synonyms (whole query first, then per word)."""
    whole = normalise(query.strip())
    words = [whole] if whole in synonyms else [w for w in query_words(query) if w not in STOPWORDS]
    clauses = []
    for word in words:
        alternatives = [word, *synonyms.get(word, ())]
        options: list[Alternative] = []
        for alternative in alternatives:
            parts = [word] if alternative == word else query_words(alternative)
            terms = tuple(dict.fromkeys(t for part in parts for t in word_terms(part)))
            if terms and terms not in options:
                options.append(terms)
        if options:
            clauses.append(tuple(options))
    return SearchQuery(tuple(clauses))
