"""The public progress query, throttled: it needs no login, so it is where names are guessed. Each client
address may look up PER_CLIENT cases per ten minutes; a case number answered "wrong name" MISSES_PER_NUMBER
times in an hour stops answering for that hour, whoever asks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from govhall.core.errors import NotFound, TooManyRequests
from govhall.core.throttle import rate_count, rate_hit, throttle_key

from .. import selectors
from ..models import Case

PER_CLIENT, CLIENT_SECONDS = 30, 600
MISSES_PER_NUMBER, NUMBER_SECONDS = 10, 3600
T = TypeVar("T")


def progress_lookup(*, number: str, name: str, client: str) -> Case:
    return _throttled(number, client, lambda: selectors.progress_get(number, name))


def bundle_progress_lookup(*, number: str, name: str, client: str) -> selectors.BundleCaseView:
    """The same throttled public query for a bundle case's number (YJS…)."""
    return _throttled(number, client, lambda: selectors.bundle_progress_get(number, name))


def _throttled(number: str, client: str, read: Callable[[], T]) -> T:
    if rate_hit(throttle_key("progress-client", client), seconds=CLIENT_SECONDS) > PER_CLIENT:
        raise TooManyRequests("查询过于频繁，请10分钟后再试", field="number")
    misses = throttle_key("progress-miss", number.strip().upper())
    if rate_count(misses, seconds=NUMBER_SECONDS) >= MISSES_PER_NUMBER:
        raise TooManyRequests(
            "该办件编号的查询失败次数过多，请1小时后再试，或持身份证件到窗口查询", field="name"
        )
    try:
        return read()
    except NotFound:
        rate_hit(misses, seconds=NUMBER_SECONDS)
        raise
