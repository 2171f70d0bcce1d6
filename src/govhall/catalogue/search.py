"""Search queries, as pure code: a query string and its synonyms become a boolean query of index terms.

A query is a list of clauses that must all match (AND). A clause is a list of alternatives (OR): the word
itself and its synonyms. An alternative is a list of index terms that must all be present (AND).
The same structure renders to SQLite FTS5 MATCH syntax and to a PostgreSQL tsquery.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass

from govhall.core.text import MAX_QUERY_CHARS, normalise, query_words, word_terms

MAX_TERM = 8  # the longest synonym term looked for inside a query
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

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
        # function words of everyday phrasings (我想开个奶茶店, 被公司辞退了, 驾照快过期了)
        "个",
        "一个",
        "一家",
        "家",
        "被",
        "快",
        "这里",
        "那里",
        "这个",
        "那个",
        "怎么办",
        "办个",
        "吧",
        "呀",
        "么",
        "们",
        "我们",
        "自己",
    ]
)

# Characters that only pad a phrase: a two-character word jieba glued from one of them and a
# character (车要, 想开, 开个) is not a catalogue word and stands for its other character.
FILLERS = frozenset("我想要给的了个吗呢啊吧呀么被")

Alternative = tuple[str, ...]


@dataclass(frozen=True)
class SearchQuery:
    clauses: tuple[tuple[Alternative, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def only(self, indices: Sequence[int]) -> SearchQuery:
        """The query made of some of its clauses."""
        return SearchQuery(tuple(self.clauses[i] for i in indices))

    def matches(self, terms: Container[str]) -> bool:
        """Whether a document of these index terms matches every clause (in memory, for short lists)."""
        return bool(self.clauses) and all(
            any(all(t in terms for t in alternative) for alternative in clause) for clause in self.clauses
        )

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


def compact(query: str, vocabulary: Container[str] = frozenset()) -> str:
    """The query without stopwords and fillers, words of a chunk run together: 生了小孩要上户口 → 生小孩上户口.
    With a vocabulary, a word glued from a filler and a character it does not know loses the filler."""
    chunks = []
    for chunk in normalise(query[:MAX_QUERY_CHARS]).split():
        words = []
        for word in query_words(chunk):
            if vocabulary and len(word) == 2 and word not in vocabulary:
                word = "".join(c for c in word if c not in FILLERS) or word
            if word not in STOPWORDS:
                words.append(word)
        chunks.append("".join(words))
    return " ".join(c for c in chunks if c)


def synonym_candidates(query: str) -> list[str]:
    """The strings to look up in the synonym list: the whole query, each of its words, and every stretch
    of two to eight characters of it (生了小孩要上户口 holds 上户口)."""
    whole = normalise(query.strip())
    stretches = [
        run[i : i + n]
        for run in _CJK_RUN.findall(whole[:MAX_QUERY_CHARS])
        for n in range(2, min(MAX_TERM, len(run)) + 1)
        for i in range(len(run) - n + 1)
    ]
    return list(dict.fromkeys([whole, *query_words(query), *stretches]))


def _words(query: str, synonyms: Mapping[str, Sequence[str]]) -> list[str]:
    """The query's words: synonym terms found in it (longest first) stay whole, the rest is segmented."""
    pieces: list[tuple[str, bool]] = [(normalise(query), False)]
    for term in sorted(synonyms, key=lambda t: (-len(t), t)):
        split: list[tuple[str, bool]] = []
        for text, is_term in pieces:
            if is_term or term not in text:
                split.append((text, is_term))
                continue
            for n, part in enumerate(text.split(term)):
                if n:
                    split.append((term, True))
                split.append((part, False))
        pieces = split
    words: list[str] = []
    for text, is_term in pieces:
        found = [text] if is_term else [w for w in query_words(text) if w not in STOPWORDS]
        words.extend(w for w in found if w not in words)
    return words


def build_query(query: str, synonyms: Mapping[str, Sequence[str]]) -> SearchQuery:
    """Turn what the user typed into a SearchQuery, expanding synonyms (whole query first, then any synonym
    term inside it, then per word). Callers pass the query through ``compact`` first to drop padding."""
    whole = normalise(query.strip())
    words = [whole] if whole in synonyms else _words(query[:MAX_QUERY_CHARS], synonyms)
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
