"""The password policy beyond Django's validators: letters and digits both."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class LettersAndDigitsValidator:
    def validate(self, password: str, user: Any = None) -> None:
        has_letter = any(c.isascii() and c.isalpha() for c in password)
        has_digit = any(c.isdigit() for c in password)
        if not (has_letter and has_digit):
            raise ValidationError("密码须同时包含字母和数字", code="password_letters_digits")

    def get_help_text(self) -> str:
        return "密码至少8位，须同时包含字母和数字，不能过于简单或与个人信息相似。"


class MinimumLengthValidator:
    """Django's minimum length, with a Chinese message (the zh_Hans catalogue lacks its plural form)."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要{self.min_length}个字符", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符。"
