"""The look-up log's hash chain, as pure code: the canonical form of an entry, SM3 digests, and the walk that
finds the first broken link. No database here; selectors feed it rows.

``entry_hash = SM3(previous_hash ‖ canonical(entry))``, where ``canonical`` is the entry's fields as JSON with
sorted keys, no spaces, UTF-8 (Chinese as it is) and the time in UTC ISO 8601 with microseconds. The first
entry's ``previous_hash`` is 64 zeros. Editing any field of an entry changes its hash; editing its hash breaks
the next entry's ``previous_hash``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from govhall.core.crypto import sm3_hex

GENESIS = "0" * 64
# The fields an entry's hash covers, in the log's own names.
CHAINED_FIELDS = (
    "sequence", "at", "user_id", "department_id", "case_number", "item_code", "subject_type", "subject_hash",
    "resource_code", "data_items", "outcome", "reason", "request_digest", "answer_digest",
)  # fmt: skip


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def digest_of(value: Any) -> str:
    """The SM3 digest of a value's canonical JSON: the request and answer digests."""
    return sm3_hex(canonical_json(value))


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_entry(entry: Mapping[str, Any]) -> bytes:
    values = {name: entry[name] for name in CHAINED_FIELDS}
    values["at"] = _utc(values["at"])
    return canonical_json(values)


def entry_hash(previous_hash: str, entry: Mapping[str, Any]) -> str:
    return sm3_hex(previous_hash.encode() + canonical_entry(entry))


@dataclass(frozen=True)
class ChainReport:
    count: int
    broken_at: int | None = None  # the sequence number of the first entry that does not verify
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def chain_walk(entries: Iterable[Mapping[str, Any]]) -> ChainReport:
    """Walk entries in sequence order; stop at the first whose link or hash does not verify."""
    previous, expected_sequence, count = GENESIS, 1, 0
    for entry in entries:
        sequence = entry["sequence"]
        if sequence != expected_sequence:
            return ChainReport(
                count, sequence, f"序号不连续：应为 {expected_sequence}，实为 {sequence}（有记录被删除）"
            )
        if entry["previous_hash"] != previous:
            return ChainReport(count, sequence, "前一条散列与上一条记录的散列不一致")
        recomputed = entry_hash(previous, entry)
        if entry["entry_hash"] != recomputed:
            return ChainReport(count, sequence, "本条散列与记录内容不符（记录被修改）")
        previous, expected_sequence, count = recomputed, expected_sequence + 1, count + 1
    return ChainReport(count)
