"""From the single-file layout to one folder per compound, once.

Before issue 12 a store kept every compound in one snapshot: `<store>/snapshots/CURRENT` and
`sitrep-NNNNNN.duckdb`. `ensure_migrated` (run by every sitrep command that names a store, by
the dashboard at start-up, and by any writer) moves such a store to the layout of
sitrep/store/__init__.py; `python -m sitrep store migrate` does it on its own.

Fail closed, nothing lost: the old snapshot is only read. Each compound gets a new snapshot
holding exactly its rows of every table (and a summary; each row's identity is derived again
by its next import, DERIVED), written by the ordinary writer (its lock, its pointer switch),
then checked against the old snapshot table by table: the same number of rows and the same
order-free hash of their values. Only when every compound checks
out is the old folder renamed `snapshots.migrated/` (kept: delete it when satisfied). Killed
part-way, the old layout stays in charge and the next run starts again (a compound written
already is written again, as its next version). One migration at a time (a lock on the store).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sitrep.store import (
    POINTER,
    TABLES,
    StoreError,
    _fsync,
    _info,
    _pointed,
    _writing,
    check_name,
    compound_folder,
    root,
    schema_columns,
    sql_table,
    store_dir,
)

# Not copied: each row's identity (row_hash, stored as 40 hex characters then) and the version it
# follows. The compound's next import derives every row's identity again from its stored values
# (importer.upgrade_identity, as for any snapshot hashed before the current identity).
DERIVED = ("row_hash", "identity_version")


@dataclass(frozen=True)
class Migration:
    compounds: list[str]        # the compounds written, by name
    kept: Path                  # where the old snapshots are now
    seconds: float

    def line(self, store=None) -> str:
        return (f"sitrep: migrated the store {root(store)} to one folder per compound "
                f"({len(self.compounds)} compounds, every table checked); the old snapshots are kept "
                f"in {self.kept} (delete it when satisfied)")


def needed(store=None) -> bool:
    return (store_dir(store) / POINTER).exists()


def ensure_migrated(store=None) -> Migration | None:
    """Migrate a store of the single-file layout; None when there is nothing to do (one stat)."""
    if not needed(store):
        return None
    with _store_lock(store):
        if not needed(store):          # another process did it while we waited
            return None
        try:
            return _migrate(store)
        except StoreError:
            raise
        except Exception as err:       # a disk full, a folder in the way …: the old store stays
            raise StoreError(f"migrating the store {root(store)} to one folder per compound failed "
                             f"({type(err).__name__}: {err}); the old snapshots are kept as they were "
                             "and the next command tries again") from err


@contextlib.contextmanager
def _store_lock(store):
    folder = root(store)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".migrate.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _migrate(store) -> Migration:
    started = time.perf_counter()
    legacy = store_dir(store)
    old = _pointed(legacy)
    if old is None:
        raise StoreError(f"{legacy / POINTER} names a snapshot that does not exist: nothing migrated")
    tables, names = _read_layout(old)
    for name in names:
        try:
            check_name(name)
        except ValueError as err:
            raise StoreError(f"the old store holds a compound whose name cannot be kept ({err}): "
                             "nothing migrated") from None
    for name in names:
        with _writing(store, name, commit=True) as con:
            con.execute("attach $path as legacy (read_only)", {"path": str(old)})
            for table, columns in tables.items():
                listed = ", ".join(f'"{c}"' for c in columns)
                values = ", ".join("null" if c in DERIVED else f'"{c}"' for c in columns)
                con.execute(f"delete from {sql_table(table)}")   # a copy of an interrupted run's version
                con.execute(f"insert into {sql_table(table)} ({listed}) select {values}"
                            f" from legacy.{sql_table(table)} where compound = $compound", {"compound": name})
            con.execute("insert into compounds (compound) values ($compound) on conflict do nothing",
                        {"compound": name})
            con.execute("detach legacy")
        _verify(store, old, name, tables)
    kept = _aside(legacy)
    return Migration(names, kept, time.perf_counter() - started)


def _read_layout(old: Path) -> tuple[dict[str, list[str]], list[str]]:
    """The old snapshot's tables and columns (each must be one the schema knows: nothing is
    dropped on the way), and its compounds, from every table."""
    con = duckdb.connect(str(old), read_only=True)
    try:
        found: dict[str, list[str]] = {}
        for table, column in con.execute(
                "select table_name, column_name from information_schema.columns"
                " where table_schema = 'main' order by table_name, ordinal_position").fetchall():
            found.setdefault(table, []).append(column)
        unknown = sorted(f"{t}.{c}" for t, cols in found.items() for c in cols
                         if (t, c) not in schema_columns())
        if unknown:
            raise StoreError(f"the old snapshot {old} has columns this version does not know "
                             f"({', '.join(unknown[:10])}): nothing migrated")
        tables = {t: cols for t, cols in found.items() if t in TABLES}
        names = sorted({r[0] for t in tables for r in con.execute(
            f"select distinct compound from {sql_table(t)} where compound is not null").fetchall()})
    finally:
        con.close()
    return tables, names


def _verify(store, old: Path, name: str, tables: dict[str, list[str]]) -> None:
    """The compound's new snapshot holds exactly its rows of the old one: per table the same
    count and the same sum of row hashes (order-free, sensitive to every value but the row
    identity, which the next import derives again: DERIVED)."""
    info = _info(compound_folder(store, name))      # (find() refuses while the old layout is current)
    if info is None:
        raise StoreError(f"the migrated compound {name!r} has no snapshot: the old store is kept as it was")
    con = duckdb.connect()
    try:
        con.execute("attach $path as fresh (read_only)", {"path": str(info.snapshot)})
        con.execute("attach $path as legacy (read_only)", {"path": str(old)})
        for table, columns in tables.items():
            listed = ", ".join(f'"{c}"' for c in columns if c not in DERIVED)
            check = (f"select count(*), coalesce(sum(hash({listed})::hugeint), 0)"
                     f" from {{db}}.{sql_table(table)} where compound = $compound")
            was = con.execute(check.format(db="legacy"), {"compound": name}).fetchall()[0]
            now = con.execute(check.format(db="fresh"), {"compound": name}).fetchall()[0]
            if table == "compounds" and was[0] == 0 and now[0] == 1:
                continue               # data without a settings row: the new snapshot has defaults
            if was != now:
                raise StoreError(f"the migrated compound {name!r} differs from the old store in {table} "
                                 f"({was[0]} rows before, {now[0]} after): the old store is kept as it was")
    finally:
        con.close()


def _aside(legacy: Path) -> Path:
    """Rename the old folder out of the way (never over an earlier one)."""
    target, n = legacy.with_name("snapshots.migrated"), 1
    while target.exists():
        n += 1
        target = legacy.with_name(f"snapshots.migrated-{n}")
    os.replace(legacy, target)
    _fsync(legacy.parent)
    return target
