"""The database-counted throttle: one upsert per hit, windows that roll over, old windows forgotten."""

import pytest

from govhall.core.models import RateCounter
from govhall.core.throttle import rate_count, rate_forget, rate_hit, throttle_key

pytestmark = pytest.mark.django_db


def test_hits_count_within_a_window_and_start_again_in_the_next():
    key = throttle_key("t", "198.51.100.7")
    assert [rate_hit(key, seconds=60, now=1000.0 + i) for i in range(3)] == [1, 2, 3]
    assert rate_count(key, seconds=60, now=1010.0) == 3
    assert rate_hit(key, seconds=60, now=1021.0) == 1  # 1020 starts the next minute
    assert rate_count(throttle_key("t", "other"), seconds=60, now=1000.0) == 0


def test_keys_hold_no_personal_data():
    key = throttle_key("login-client", "13905720001")
    assert "13905720001" not in key and len(key) < 100


def test_old_windows_are_forgotten():
    rate_hit("a", seconds=60, now=1000.0)
    rate_hit("b", seconds=60, now=200_000.0)
    assert rate_forget(now=200_000.0) == 1
    assert list(RateCounter.objects.values_list("name", flat=True)) == ["b"]
