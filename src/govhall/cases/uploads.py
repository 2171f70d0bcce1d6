"""What an uploaded file really is, judged by its content, not its name: PDF, JPEG, PNG or OFD — and without
active content.

- PDF: a PDF header and end marker, no HTML, and none of the names that carry active content (JavaScript,
  launch actions, embedded files, XFA forms, additional actions), looked for the way pdfid does: in the raw
  file and in every Flate-compressed stream (object streams hide names there), with #xx name escapes decoded.
- PNG and JPEG: a readable header whose width and height are within the limits (a 20000×20000 PNG of a few
  kilobytes is a decompression bomb for every viewer).
- OFD: a ZIP package whose root holds OFD.xml, of bounded size and member count, without HTML, scripts or
  programs in it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

import filetype
from PIL import Image, UnidentifiedImageError

ALLOWED = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG", "application/ofd": "OFD"}
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "application/ofd": ".ofd"}

IMAGE_MAX_SIDE = 10_000
IMAGE_MAX_PIXELS = 50_000_000
UNPACKED_MAX_BYTES = 200 * 1024 * 1024  # all Flate streams of a PDF, or all members of an OFD, unpacked
OFD_MAX_MEMBERS = 2_000

ACTIVE_PDF_NAMES = frozenset(
    {"JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA", "SubmitForm",
     "ImportData", "GoToE", "AA"}
)  # fmt: skip
_PDF_NAME = re.compile(rb"/([A-Za-z0-9#]{1,64})")
_HTML = re.compile(rb"<\s*(?:html|script|body|iframe|svg|object|embed|!doctype)\b", re.IGNORECASE)
_FLATE_STREAM = re.compile(rb"/FlateDecode.{0,200}?stream\r?\n", re.DOTALL)
ACTIVE_OFD_SUFFIXES = frozenset(
    {".html", ".htm", ".xhtml", ".js", ".svg", ".exe", ".dll", ".bat", ".sh", ".jar"}
)


_TOO_BIG = "图片尺寸 {size} 超出限制（每边不超过 " + str(IMAGE_MAX_SIDE) + " 像素），请缩小后上传"


class UploadRefused(ValueError):
    """The file is not one an applicant may hand in; the message says why, in Chinese."""


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


def checked_content_type(data: bytes) -> str:
    """The file's content type once its content has passed the checks of its type; UploadRefused otherwise."""
    content_type = sniff_content_type(data[:8192], data)
    if content_type is None:
        raise UploadRefused(f"文件内容不是允许的格式（{'、'.join(ALLOWED.values())}），请检查文件")
    _CHECKS[content_type](data)
    return content_type


def download_name(original_name: str, content_type: str) -> str:
    """The name a download is served under: the applicant's name with the extension of the detected type."""
    stem = PurePosixPath(original_name.replace("\\", "/")).stem or "材料"
    return stem + EXTENSIONS.get(content_type, "")


def _check_pdf(data: bytes) -> None:
    if b"%PDF-" not in data[:1024] or b"%%EOF" not in data[-2048:]:
        raise UploadRefused("PDF 文件结构不完整（缺少文件头或结束标记），请重新导出后上传")
    if _HTML.search(data):
        raise UploadRefused("PDF 文件中含有网页内容，不能作为材料上传")
    active = _active_names(data) or next(filter(None, map(_active_names, _flate_streams(data))), set())
    if active:
        raise UploadRefused(
            f"PDF 文件含有脚本或动作等活动内容（{'、'.join(sorted(active))}），请另存为普通 PDF 后上传"
        )


def _active_names(data: bytes) -> set[str]:
    names = {_decode_name(m.group(1)) for m in _PDF_NAME.finditer(data)}
    return names & ACTIVE_PDF_NAMES


def _decode_name(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _flate_streams(data: bytes) -> Iterator[bytes]:
    import zlib

    budget = UNPACKED_MAX_BYTES
    for match in _FLATE_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        unpacker = zlib.decompressobj()
        try:
            unpacked = unpacker.decompress(data[match.end() : end if end > 0 else None], budget)
        except zlib.error:
            continue
        budget -= len(unpacked)
        if budget <= 0:
            raise UploadRefused("PDF 文件解压后过大，请压缩后再上传")
        yield unpacked


def _check_image(data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.verify()  # structure and checksums, without decoding the pixels
    except Image.DecompressionBombError as exc:
        raise UploadRefused(_TOO_BIG.format(size="过大")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRefused("图片文件已损坏或不完整，请重新拍照或扫描后上传") from exc
    if (
        not (0 < width <= IMAGE_MAX_SIDE and 0 < height <= IMAGE_MAX_SIDE)
        or width * height > IMAGE_MAX_PIXELS
    ):
        raise UploadRefused(_TOO_BIG.format(size=f"{width}×{height} 像素"))


def _check_ofd(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = package.infolist()
        if len(members) > OFD_MAX_MEMBERS or sum(m.file_size for m in members) > UNPACKED_MAX_BYTES:
            raise UploadRefused("OFD 文件解压后过大，请检查文件")
        for member in members:
            _check_ofd_member(package, member)


def _check_ofd_member(package: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    path = PurePosixPath(member.filename)
    if path.is_absolute() or ".." in path.parts or path.suffix.lower() in ACTIVE_OFD_SUFFIXES:
        raise UploadRefused(f"OFD 文件中含有不允许的内容（{path.name}），请检查文件")
    if path.suffix.lower() in (".xml", ".txt", "") and _HTML.search(package.read(member)):
        raise UploadRefused(f"OFD 文件中含有网页或脚本内容（{path.name}），请检查文件")


def _is_ofd(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return any(name.lower() == "ofd.xml" for name in package.namelist())
    except zipfile.BadZipFile:
        return False


_CHECKS: dict[str, Callable[[bytes], None]] = {
    "application/pdf": _check_pdf,
    "image/jpeg": _check_image,
    "image/png": _check_image,
    "application/ofd": _check_ofd,
}
