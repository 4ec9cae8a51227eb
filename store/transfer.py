"""Move a whole installation between stores (SQLite -> PostgreSQL) as JSON lines.

Rows keep their ids, so story guids, canonical appearances and everything that refers to an
id survive the move. Tables come from the migrations themselves, in creation order (parents
before children), so a table added by a later migration is carried without touching this file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO

from store.base import Store
from store.schema import MIGRATIONS

FORMAT = "zonefeed-export"
_CREATE = re.compile(r"CREATE TABLE (\w+)\s*\(\s*(\w+) \{identity\}|CREATE TABLE (\w+)", re.IGNORECASE)
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_BATCH = 500
CONTENT_TABLES = ("stories", "appearances")  # what makes a store "not empty" for an import


class TransferError(ValueError):
    """The file or the target store is not fit for an import; the message says why."""


def tables() -> list[tuple[str, str | None]]:
    """(table, identity column or None) for every table the migrations create, in order."""
    found: dict[str, str | None] = {}
    for migration in MIGRATIONS:
        if isinstance(migration, dict):  # per-dialect indexes, rebuilt from the tables they cover
            continue
        for match in _CREATE.finditer(migration):  # a table rebuilt later keeps its first place
            if match.group(1):
                found.setdefault(match.group(1), match.group(2))
            else:
                found.setdefault(match.group(3), None)
    return list(found.items())


def export_store(store: Store, out: IO[str]) -> dict[str, int]:
    """Write a header line then one line per row; return rows written per table."""
    counts = {}
    out.write(json.dumps({"format": FORMAT, "schema_version": len(MIGRATIONS)}) + "\n")
    with store.read() as tx:
        for table, _ in tables():
            columns, rows = tx.dump_table(table)
            counts[table] = 0
            for row in rows:
                out.write(json.dumps({"table": table, "row": dict(zip(columns, row, strict=True))},
                                     ensure_ascii=False) + "\n")
                counts[table] += 1
    return counts


def import_store(store: Store, lines: IO[str]) -> dict[str, int]:
    """Load an export into an empty store in one transaction; return rows read per table."""
    header = _record(next(lines, ""), 1)
    if header.get("format") != FORMAT:
        raise TransferError("not a zonefeed export (first line must be its header)")
    if header.get("schema_version") != len(MIGRATIONS):
        raise TransferError(f"export has schema version {header.get('schema_version')}, this zonefeed "
                           f"has {len(MIGRATIONS)}: export and import with the same version")
    known = dict(tables())
    counts = dict.fromkeys(known, 0)
    with store.transaction() as tx:
        for table in CONTENT_TABLES:
            if tx.table_has_rows(table):
                raise TransferError(f"target already holds {table}: import only into an empty store")
        for table in reversed(known):  # rows a migration seeds or the config syncs are replaced
            tx.clear_table(table)
        for table, columns, rows in _batches(lines, known):
            tx.load_rows(table, columns, rows)
            counts[table] += len(rows)
    for table, identity in known.items():
        if identity:
            store.reset_identity(table, identity)
    return counts


def _batches(lines: IO[str], known: dict[str, str | None]
             ) -> Iterator[tuple[str, list[str], list[tuple]]]:
    """Group consecutive rows of one table with the same columns, for executemany."""
    key, batch = None, []
    for number, line in enumerate(lines, start=2):
        record = _record(line, number)
        table = record.get("table")
        if table not in known:
            raise TransferError(f"line {number}: unknown table {table!r}")
        if not isinstance(record.get("row"), dict):
            raise TransferError(f"line {number}: no row")
        columns = list(record["row"])
        if not all(_NAME.fullmatch(c) for c in columns):
            raise TransferError(f"line {number}: bad column name in {columns!r}")
        if (table, columns) != key or len(batch) >= _BATCH:
            if batch:
                yield key[0], key[1], batch
            key, batch = (table, columns), []
        batch.append(tuple(record["row"].values()))
    if batch:
        yield key[0], key[1], batch


def _record(line: str, number: int) -> dict:
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        raise TransferError(f"line {number}: not a zonefeed export record")
    return record
