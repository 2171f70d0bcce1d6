"""Masking of personal data in pages, API answers and logs."""

from __future__ import annotations

import logging
import re


def mask_id_number(value: str | None) -> str:
    """Show the first 6 and the last 4 characters of an ID number: 330523********1234."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """Show the first 3 and the last 4 digits of a phone number: 138****5678."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# Digits may be full-width (１３９…), groups separated by a space or a dash, an ID may sit inside a word
# (ID330523…X号) and a phone may carry the country code (+86 139 0572 0001): logs see all of these.
_SEP = r"[ \t\-]?"
_ID_IN_TEXT = re.compile(rf"(?<!\d)(\d{{6}}){_SEP}\d{{4}}{_SEP}\d{{4}}{_SEP}(\d{{3}}[\dXx])(?!\d)")
_PHONE_IN_TEXT = re.compile(rf"(?<!\d)((?:\+?86{_SEP})?1[3-9]\d){_SEP}\d{{4}}{_SEP}(\d{{4}})(?!\d)")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋－　", "0123456789Xx+- ")


def mask_text(text: str) -> str:
    """Mask every ID number and mobile phone number found in free text (full-width digits become ASCII)."""
    text = text.translate(_FULL_WIDTH)
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    return _PHONE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class PersonalDataLogFilter(logging.Filter):
    """Rewrites log records, tracebacks included, so that ID and phone numbers never reach a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
