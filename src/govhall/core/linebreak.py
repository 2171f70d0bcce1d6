"""Breaking Chinese text into lines by the 避头尾 rules (GB/T 15834 practice, W3C clreq): a closing mark
(，。、；：？！）》」』】 and the like) never starts a line, and an opening mark (（《「『【 and the like) never ends
one. Pure; the caller says how wide a piece of text is (characters by default, points for a PDF)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["NO_LINE_END", "NO_LINE_START", "break_lines"]

# Marks that may not start a line: closing brackets and quotes, stops, pauses, and marks that hang on the
# character before them (the interpunct, the percent and degree signs). The dash and the ellipsis may start a
# line (a lone “—” stands for an empty value).
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〗〉’”·～%‰℃,.;:?!)]}>")
# Marks that may not end a line: opening brackets and quotes.
NO_LINE_END = frozenset("（《「『【〔〖〈‘“([{<")


def break_lines(text: str, max_width: float, width: Callable[[str], float] = len) -> list[str]:
    """The lines of ``text``, each as wide as ``max_width`` allows, by the 避头尾 rules. A newline starts a new
    line. Where the rules cannot be kept within the width (a run of closing marks longer than a line), the
    closing marks stay on the line before, past the width: a mark at a line's start is the worse fault."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_paragraph(paragraph, max_width, width))
    return lines


def _paragraph(text: str, max_width: float, width: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    start = 0
    while start < len(text):
        end = _fit(text, start, max_width, width)
        end = _respect_marks(text, start, end)
        lines.append(text[start:end])
        start = end
    return lines or [""]


def _fit(text: str, start: int, max_width: float, width: Callable[[str], float]) -> int:
    """The end of the longest piece from ``start`` within the width (at least one character)."""
    end = start + 1
    while end < len(text) and width(text[start : end + 1]) <= max_width:
        end += 1
    return end


def _allowed(text: str, start: int, end: int) -> bool:
    at_end = end >= len(text)
    return (at_end or text[end] not in NO_LINE_START) and (at_end or text[end - 1] not in NO_LINE_END)


def _respect_marks(text: str, start: int, end: int) -> int:
    """Move the break back until the next line starts with no closing mark and this one ends with no
    opening mark; if no such break is left on the line, carry the closing marks over onto it instead."""
    for candidate in range(end, start, -1):
        if _allowed(text, start, candidate):
            return candidate
    end = start + 1
    while end < len(text) and (text[end] in NO_LINE_START or text[end - 1] in NO_LINE_END):
        end += 1
    return end
