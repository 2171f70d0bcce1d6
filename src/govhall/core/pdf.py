"""What every printed document shares: reportlab's built-in Chinese CID font (no font file needed), a QR code
as an image, and 避头尾 line breaking in that font. Knows no domain."""

from __future__ import annotations

import io

import segno
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from .linebreak import break_lines

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def qr_image(url: str) -> ImageReader:
    """A QR code (error correction M) of ``url`` as an image reportlab can draw."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return ImageReader(buffer)


def wrap(text: str, max_width: float, size: float) -> list[str]:
    """The lines of ``text`` in the documents' font at ``size`` within ``max_width`` points (避头尾)."""
    return break_lines(text, max_width, lambda s: pdfmetrics.stringWidth(s, FONT, size))
