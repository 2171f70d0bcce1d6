"""Chinese text for search: segmentation into index tokens and query tokens.

Documents are indexed as jieba search words plus every CJK character and every CJK bigram, so that
one- and two-character queries (社保, 户口) always hit, whatever jieba thought the words were.
A query is cut into words; each word must match, as the AND of its bigrams (or itself when short).
"""

from __future__ import annotations

import re

import rjieba

MAX_QUERY_CHARS = 100  # longer queries are cut: nobody types more, and it bounds the work per request
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    """Lower-case, full-width to half-width, so ＡＢＣ and abc are the same."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        out.append(ch)
    return "".join(out).lower()


def _runs(text: str) -> list[str]:
    """Runs of CJK ideographs or ASCII letters and digits; unassigned code points inside the CJK blocks
    split a run (they are not letters, and the full-text tokenizers would drop them)."""
    runs: list[str] = []
    for run in _RUNS.findall(normalise(text)):
        runs.extend(part for part in "".join(c if c.isalnum() else " " for c in run).split() if part)
    return runs


def index_tokens(text: str) -> list[str]:
    """Tokens of a document: jieba words, characters and bigrams of CJK runs; ASCII words as they are."""
    tokens: list[str] = []
    for run in _runs(text):
        if not _CJK.match(run):
            tokens.append(run)
            continue
        tokens.extend(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        tokens.extend(w for w in rjieba.cut_for_search(run) if len(w) > 2)
    return tokens


def index_text(text: str) -> str:
    """``index_tokens`` joined by spaces, as stored in the full-text column."""
    return " ".join(index_tokens(text))


def query_words(query: str) -> list[str]:
    """The words of a query, in order, without repeats: each is a CJK word or an ASCII word."""
    words: list[str] = []
    for run in _runs(query[:MAX_QUERY_CHARS]):
        parts = [run] if len(run) <= 2 or not _CJK.match(run) else [w for w in rjieba.cut(run) if w.strip()]
        for part in parts:
            if part not in words:
                words.append(part)
    return words


def word_terms(word: str) -> list[str]:
    """The index terms that must all be present for a word to match."""
    if not _CJK.match(word) or len(word) <= 2:
        return [word]
    return [word[i : i + 2] for i in range(len(word) - 1)]
