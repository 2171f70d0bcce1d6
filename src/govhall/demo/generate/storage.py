"""Writing generated rows in bulk: COPY on PostgreSQL (from a writer thread), executemany on SQLite, and
case-number ranges claimed from the real counter."""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from collections import Counter, deque
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from django.db import connection, models, transaction

from govhall.cases.numbering import format_case_number


class _Table:
    """A table written in bulk: the columns we fill, plus every other column with its model default."""

    def __init__(self, model: type[models.Model], columns: list[str], now: dt.datetime) -> None:
        fields: dict[str, Any] = {str(f.column): f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise RuntimeError(f"{model._meta.db_table} has no column {unknown}")
        tail: list[tuple[str, Any]] = []
        for column, f in fields.items():
            if column in columns or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now.astimezone(dt.UTC).replace(tzinfo=None)
            else:
                value = f.get_default()  # the declared default, "" for text, None otherwise
                if value is None and not f.null:
                    raise RuntimeError(f"govhall.demo.generate does not fill {model._meta.db_table}.{column}")
                if isinstance(f, models.JSONField):
                    value = json.dumps(value, ensure_ascii=False)
            tail.append((column, value))
        self.name = model._meta.db_table
        self.columns = columns + [c for c, _ in tail]
        self.tail = tuple(v for _, v in tail)
        self.datetimes = [
            i for i, c in enumerate(self.columns) if isinstance(fields[c], models.DateTimeField)
        ]
        self.filled = tuple(columns)
        self.pick: Callable[[dict[str, Any]], Any] = itemgetter(*columns)
        if len(columns) == 1:  # itemgetter of one key gives the bare value
            self.pick = lambda values: (values[columns[0]],)
        self.rows: list[tuple[Any, ...]] = []

    def add(self, **values: Any) -> None:
        """One row, by column name (every filled column, no other)."""
        self.rows.append(self.values(values))

    def row(self, **values: Any) -> list[Any]:
        """One row by column name, as a list in column order (for a value filled in later, e.g. a number)."""
        return list(self.values(values))

    def values(self, values: dict[str, Any]) -> tuple[Any, ...]:
        if len(values) == len(self.filled):
            try:
                return tuple(self.pick(values))
            except KeyError:
                pass
        missing = [c for c in self.filled if c not in values]
        unknown = [c for c in values if c not in self.filled]
        raise TypeError(f"{self.name} row: unknown columns {unknown}, missing columns {missing}")


def _write(table: _Table, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    columns = ", ".join(table.columns)
    tail = table.tail
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + tail)
    else:
        stamps = table.datetimes

        def adapt(row: tuple[Any, ...]) -> tuple[Any, ...]:
            values = list(row + tail)
            for i in stamps:
                value = values[i]
                if value is not None:
                    values[i] = value.isoformat(" ")
            return tuple(values)

        marks = ", ".join(["%s"] * len(table.columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", [adapt(r) for r in rows]
            )


Unnumbered = list[tuple[dt.date, list[tuple[str, list[Any]]]]]


def _store(tables: list[_Table], unnumbered: Unnumbered, rows: list[list[tuple[Any, ...]]]) -> None:
    """Write one batch in one transaction: number its cases (claiming the sequences), then every table."""
    with transaction.atomic():
        if connection.vendor == "postgresql":  # generated data: a crash may lose the last batch, no more
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        wanted: Counter[tuple[str, dt.date]] = Counter()
        for day, day_cases in unnumbered:
            for region, _ in day_cases:
                wanted[(region, day)] += 1
        following = _claim_numbers(wanted) if wanted else {}
        cases, number = rows[0], tables[0].columns.index("number")
        for day, day_cases in unnumbered:
            for region, row in day_cases:
                row[number] = format_case_number(region, day, following[(region, day)])
                following[(region, day)] += 1
                cases.append(tuple(row))
        for table, table_rows in zip(tables, rows, strict=True):
            _write(table, table_rows)


class _Writer:
    """Writes batches, on PostgreSQL in a thread with its own connection so the database works on one batch
    while the next is generated (at most one batch waits: memory stays flat)."""

    def __init__(self, threaded: bool) -> None:
        self.threaded = threaded
        self.error: BaseException | None = None
        if threaded:
            self.queue: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=1)
            self.thread = threading.Thread(target=self._loop, name="generate-writer", daemon=True)
            self.thread.start()

    def put(self, job: Callable[[], None]) -> None:
        if not self.threaded:
            job()
            return
        if self.error is not None:
            raise self.error
        self.queue.put(job)

    def close(self) -> None:
        if self.threaded:
            self.queue.put(None)
            self.thread.join()
            if self.error is not None:
                raise self.error

    def _loop(self) -> None:
        try:
            while (job := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        job()
                    except BaseException as exc:  # handed to the generating thread
                        self.error = exc
        finally:
            connection.close()


class _Ids:
    """Primary keys handed out ahead of the rows, so related rows can point at them before anything is written."""

    def __init__(self, model: type[models.Model], block: int) -> None:
        self.table, self.block = model._meta.db_table, block
        self.free: deque[int] = deque()
        self.next_sqlite = 0

    def take(self) -> int:
        if not self.free:
            self._reserve()
        return self.free.popleft()

    def _reserve(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT nextval(pg_get_serial_sequence('{self.table}', 'id')) FROM generate_series(1, %s)",
                    [self.block],
                )
                self.free.extend(r[0] for r in cursor.fetchall())
                return
            if not self.next_sqlite:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
                self.next_sqlite = cursor.fetchone()[0] + 1
        self.free.extend(range(self.next_sqlite, self.next_sqlite + self.block))
        self.next_sqlite += self.block


def _claim_numbers(wanted: Counter[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], int]:
    """Take sequence numbers for many (region, day) pairs in one atomic upsert (the statement of numbering.py,
    adding ``count`` instead of 1); returns the first number taken for each pair."""
    pairs = sorted(wanted.items())
    values = ", ".join(["(%s, %s, %s)"] * len(pairs))
    params: list[Any] = []
    for (region, day), count in pairs:
        params += [region, day.isoformat(), count]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO cases_casenumbercounter (region_code, day, last) VALUES {values} "
            "ON CONFLICT (region_code, day) DO UPDATE SET last = cases_casenumbercounter.last + excluded.last "
            "RETURNING region_code, day, last",
            params,
        )
        rows = cursor.fetchall()
    last = {
        (region, day if isinstance(day, dt.date) else dt.date.fromisoformat(day)): n
        for region, day, n in rows
    }
    return {pair: last[pair] - count + 1 for pair, count in pairs}
