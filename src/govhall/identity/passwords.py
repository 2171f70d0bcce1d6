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
