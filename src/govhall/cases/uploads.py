"""What an uploaded file really is, judged by its content, not its name: PDF, JPEG, PNG or OFD."""

from __future__ import annotations

import io
import zipfile

import filetype

ALLOWED = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG", "application/ofd": "OFD"}


def sniff_content_type(head: bytes, whole: bytes | None = None) -> str | None:
    """The content type of an allowed file, or None. OFD is a ZIP package whose root holds OFD.xml."""
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime in ALLOWED:
        return str(kind.mime)
    if kind.mime == "application/zip" and whole is not None and _is_ofd(whole):
        return "application/ofd"
    return None


def _is_ofd(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return any(name.lower() == "ofd.xml" for name in package.namelist())
    except zipfile.BadZipFile:
        return False
