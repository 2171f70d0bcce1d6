"""The hash chain as pure code: known SM3 answers, the canonical form, and the first broken link."""

from __future__ import annotations

import datetime as dt

from govhall.sharing.chain import GENESIS, canonical_entry, chain_walk, entry_hash, sm3_hex

AT = dt.datetime(2026, 11, 18, 2, 0, 0, 123456, tzinfo=dt.UTC)


def test_sm3_matches_the_standard_example():
    # GB/T 32905-2016 Appendix A, example 1: "abc"
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def _entry(sequence: int, **changes):
    entry = {
        "sequence": sequence, "at": AT, "user_id": 7, "department_id": 3, "case_number": "330523202611180001",
        "item_code": "X", "subject_type": "id_number", "subject_hash": "ab" * 32, "resource_code": "GA-HJRK-001",
        "data_items": ["name"], "outcome": "granted", "reason": "", "request_digest": "cd" * 32,
        "answer_digest": "ef" * 32,
    }  # fmt: skip
    entry.update(changes)
    return entry


def _chain(n: int):
    rows, previous = [], GENESIS
    for sequence in range(1, n + 1):
        row = _entry(sequence)
        row["previous_hash"], row["entry_hash"] = previous, entry_hash(previous, row)
        previous = row["entry_hash"]
        rows.append(row)
    return rows


def test_the_canonical_entry_is_sorted_compact_utf8_json_with_utc_microseconds():
    text = canonical_entry(_entry(1, reason="无授权")).decode()
    assert text.startswith('{"answer_digest":')
    assert '"at":"2026-11-18T02:00:00.123456Z"' in text
    assert "无授权" in text and ", " not in text


def test_the_same_moment_in_another_zone_hashes_the_same():
    shanghai = AT.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert entry_hash(GENESIS, _entry(1)) == entry_hash(GENESIS, _entry(1, at=shanghai))


def test_an_intact_chain_verifies():
    report = chain_walk(_chain(5))
    assert report.ok and report.count == 5


def test_an_edited_field_is_caught_at_its_entry():
    rows = _chain(5)
    rows[2]["outcome"] = "denied"
    report = chain_walk(rows)
    assert (report.ok, report.broken_at, report.count) == (False, 3, 2)
    assert "修改" in report.problem


def test_a_rewritten_hash_is_caught_at_the_next_entry():
    rows = _chain(5)
    rows[1]["case_number"] = "X"
    rows[1]["entry_hash"] = entry_hash(rows[1]["previous_hash"], rows[1])
    report = chain_walk(rows)
    assert report.broken_at == 3 and "前一条" in report.problem


def test_a_deleted_entry_is_caught():
    rows = _chain(5)
    del rows[3]
    assert chain_walk(rows).broken_at == 5
