"""The one way GovHall reads its environment: `config(name, default, help=...)`.

Every setting is declared once, with its default, its type (that of the default) and a line of help, and the
declaration is recorded in `REGISTRY`; `python -m govhall.config.docs` writes docs/configuration.md from it.
Both settings.py and gunicorn.py read their environment here; this module imports nothing of Django.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import overload

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class ConfigError(ValueError):
    """An environment variable holds a value of the wrong type."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | int | bool
    help: str
    group: str
    doc_default: str | None = None  # shown instead of the default when that depends on the machine

    @property
    def type_name(self) -> str:
        return type(self.default).__name__

    @property
    def shown_default(self) -> str:
        if self.doc_default is not None:
            return self.doc_default
        if isinstance(self.default, bool):
            return "`true`" if self.default else "`false`"
        if self.default == "":
            return "empty"
        return f"`{self.default}`"


REGISTRY: dict[str, Setting] = {}


def _parse_bool(name: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false (1/0, yes/no, on/off), got {raw!r}")


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


@overload
def config(
    name: str, default: bool, *, help: str, group: str = ..., doc_default: str | None = ...
) -> bool: ...
@overload
def config(name: str, default: int, *, help: str, group: str = ..., doc_default: str | None = ...) -> int: ...
@overload
def config(name: str, default: str, *, help: str, group: str = ..., doc_default: str | None = ...) -> str: ...
def config(
    name: str,
    default: str | int | bool,
    *,
    help: str,
    group: str = "Application",
    doc_default: str | None = None,
) -> str | int | bool:
    """Declare the setting `name` and return its value from the environment, or `default` when unset or empty.

    The value has the default's type: "1/true/yes/on" and "0/false/no/off" for a bool, digits for an int.
    """
    REGISTRY[name] = Setting(name=name, default=default, help=help, group=group, doc_default=doc_default)
    raw = os.environ.get(name)
    if raw is None or (raw.strip() == "" and not isinstance(default, str)):
        return default
    if isinstance(default, bool):
        return _parse_bool(name, raw)
    if isinstance(default, int):
        return _parse_int(name, raw)
    return raw
