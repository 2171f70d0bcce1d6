"""Forgiving queries, as pure code: what a citizen typed becomes the catalogue's own words.

- traditional characters become simplified ones (OpenCC ``t2s``): 身份證 → 身份证;
- a run of Latin letters that spells catalogue words in pinyin, in full or by initials, becomes those
  words (pypinyin): shenfenzheng, sfz, shi ye jin → 身份证, 失业金;
- a stretch of Chinese the catalogue never uses, which sounds like a catalogue word, becomes that word
  (别字 are mostly homophones): 身分证 → 身份证, 结婚登纪 → 结婚登记.

The vocabulary is the catalogue's: item names, keywords and the synonym list (``Lexicon.build``), so
nothing here is a hand-typed mapping per query. No database access: selectors build and cache the lexicon.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import opencc
import rjieba
from pypinyin import Style, lazy_pinyin

from govhall.core.text import normalise

_T2S = opencc.OpenCC("t2s")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_RUNS = re.compile(r"[a-z]+(?:\s+[a-z]+)*")
MIN_WORD, MAX_WORD = 2, 8  # vocabulary words, in characters
MIN_INITIALS = 2  # "s" alone is no word; "sb" may be 社保


def simplified(text: str) -> str:
    return str(_T2S.convert(text))


def sound(word: str) -> str:
    """Toneless pinyin of a word, syllables joined: 身份证 → shenfenzheng."""
    return "".join(lazy_pinyin(word, style=Style.NORMAL))


def initials(word: str) -> str:
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))


@dataclass(frozen=True)
class Lexicon:
    words: frozenset[str]  # Chinese words of the catalogue
    latin: frozenset[str]  # Latin words the catalogue itself uses (ktv, led): never read as pinyin
    bigrams: frozenset[str]  # every pair of adjacent characters the catalogue uses
    by_sound: dict[str, str]  # shenfenzheng → 身份证 (the most frequent word with that sound)
    by_initials: dict[str, str]  # sfz → 身份证

    @classmethod
    def build(cls, phrases: Iterable[str]) -> Lexicon:
        counts: Counter[str] = Counter()
        latin: set[str] = set()
        bigrams: set[str] = set()
        for phrase in phrases:
            text = normalise(simplified(phrase))
            latin.update(re.findall(r"[a-z]+", text))
            for run in _CJK_RUN.findall(text):
                bigrams.update(run[i : i + 2] for i in range(len(run) - 1))
                counts.update(_words_of(run))
        by_sound: dict[str, str] = {}
        by_initials: dict[str, str] = {}
        # Most frequent first, then shortest: the word a homophone or an abbreviation most likely means.
        for word, _ in sorted(counts.items(), key=lambda wc: (-wc[1], len(wc[0]), wc[0])):
            by_sound.setdefault(sound(word), word)
            by_initials.setdefault(initials(word), word)
        return cls(frozenset(counts), frozenset(latin), frozenset(bigrams), by_sound, by_initials)

    def respell(self, query: str) -> str:
        """The query in the catalogue's words; unchanged when nothing needed respelling."""
        text = normalise(simplified(query))
        text = _LATIN_RUNS.sub(lambda m: self._from_pinyin(m.group(0)), text)
        return _CJK_RUN.sub(lambda m: self._homophones(m.group(0)), text)

    def _from_pinyin(self, run: str) -> str:
        joined = "".join(run.split())
        if joined in self.latin or all(part in self.latin for part in run.split()):
            return run
        words = self._segment(joined)
        if words is None:
            parts = [self._segment(part) for part in run.split()]
            if any(p is None for p in parts):
                return run
            words = [w for p in parts for w in p or []]
        return " " + " ".join(words) + " "

    def _segment(self, letters: str) -> list[str] | None:
        """Cover the letters with the fewest pinyin spellings (full before initials), or None."""
        n = len(letters)
        best: list[tuple[int, int, list[str]] | None] = [None] * (n + 1)  # (pieces, initial pieces, words)
        best[0] = (0, 0, [])
        longest = 6 * MAX_WORD
        for end in range(1, n + 1):
            for start in range(max(0, end - longest), end):
                previous = best[start]
                if previous is None:
                    continue
                piece = letters[start:end]
                word, by_initials = self.by_sound.get(piece), False
                if word is None and len(piece) >= MIN_INITIALS:
                    word, by_initials = self.by_initials.get(piece), True
                if word is None:
                    continue
                candidate = (previous[0] + 1, previous[1] + by_initials, [*previous[2], word])
                current = best[end]
                if current is None or candidate[:2] < current[:2]:
                    best[end] = candidate
        found = best[n]
        return found[2] if found else None

    def _known(self, text: str) -> bool:
        return text in self.words or all(text[i : i + 2] in self.bigrams for i in range(len(text) - 1))

    def _homophones(self, run: str) -> str:
        """Replace stretches the catalogue never writes by catalogue words that sound the same."""
        if self._known(run):
            return run
        syllables = lazy_pinyin(run, style=Style.NORMAL)
        if len(syllables) != len(run):  # a character without a reading: leave the run as typed
            return run
        out: list[str] = []
        i = 0
        while i < len(run):
            step, replacement = 1, run[i]
            for length in range(min(MAX_WORD, len(run) - i), MIN_WORD - 1, -1):
                window = run[i : i + length]
                if window in self.words:
                    step, replacement = length, window
                    break
                candidate = self.by_sound.get("".join(syllables[i : i + length]))
                if candidate is not None and not self._known(window):
                    step, replacement = length, candidate
                    break
            out.append(replacement)
            i += step
        return "".join(out)


def _words_of(run: str) -> list[str]:
    """A CJK run's vocabulary words: the run itself when short, and jieba's words."""
    words = [w for w in rjieba.cut_for_search(run) if MIN_WORD <= len(w) <= MAX_WORD]
    if MIN_WORD <= len(run) <= MAX_WORD:
        words.append(run)
    return words
