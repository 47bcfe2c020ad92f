"""The snapshot store: versioned DuckDB files and a pointer to the current one.

Readers open the current snapshot read-only and are never blocked. A writer (an import)
takes the store's lock, copies the current snapshot to a new versioned file, changes it,
and only then replaces the pointer with os.replace, so a viewer sees the old snapshot or
the new one, never half an import; a writer killed part-way leaves only a stray
`.partial` file that the next writer removes. Each snapshot has its own path, so DuckDB's
per-path instance cache never hands a reader a stale database.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from pathlib import Path

import duckdb

from sitrep import config

REPO = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("schema.sql")
POINTER = "CURRENT"
KEEP = 3  # snapshots kept: a viewer still reading an older one keeps working
_NAME = re.compile(r"^sitrep-(\d{6})\.duckdb$")


# Identifiers are never values: a table name that reaches SQL text must be one of the schema's
# tables (values always travel as $named parameters).
TABLES = frozenset(re.findall(r"create table if not exists (\w+)", SCHEMA.read_text(encoding="utf-8")))


def sql_table(name: str) -> str:
    if name not in TABLES:
        raise ValueError(f"not a table of the schema: {name!r}")
    return name


def store_dir(store: str | os.PathLike | None = None) -> Path:
    """--store, else $SITREP_STORE, else data/ in the repository."""
    chosen = store or os.environ.get("SITREP_STORE") or REPO / "data"
    return Path(chosen) / "snapshots"


def current_path(store=None) -> Path | None:
    folder = store_dir(store)
    try:
        name = (folder / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = folder / name
    return path if _NAME.match(name) and path.exists() else None


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


@contextlib.contextmanager
def lock(store=None):
    """Serialise writers across processes (flock is released if the holder dies)."""
    folder = store_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def new_snapshot(store=None, *, commit: bool = True):
    """Yield a read-write connection to a copy of the current snapshot; on success switch
    the pointer to it. With commit=False (a dry run) the copy is thrown away. The writer may
    commit part-way (big imports do, to bound DuckDB's memory): the copy is nobody's snapshot
    until the switch, and a failure deletes it."""
    with lock(store) as folder:
        for stray in (*folder.glob("*.partial"), *folder.glob("*.partial.wal")):
            stray.unlink()  # (a killed writer's copy, and the log of what it had committed)
        versions = [int(m[1]) for p in folder.iterdir() if (m := _NAME.match(p.name))]
        name = f"sitrep-{max(versions, default=0) + 1:06d}.duckdb"
        partial = folder / (name + ".partial")
        current = current_path(store)
        if current is not None:
            shutil.copyfile(current, partial)
        con = duckdb.connect(str(partial), config={"memory_limit": config.IMPORT_DUCKDB_MEMORY})
        try:
            con.execute(SCHEMA.read_text(encoding="utf-8"))
            con.execute("begin transaction")
            yield con
            con.execute("commit")
            con.execute("checkpoint")
        except BaseException:
            con.close()
            partial.unlink(missing_ok=True)
            Path(str(partial) + ".wal").unlink(missing_ok=True)
            raise
        con.close()
        if not commit:
            partial.unlink(missing_ok=True)
            Path(str(partial) + ".wal").unlink(missing_ok=True)
            return
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, folder / name)
        pointer_tmp = folder / (POINTER + ".tmp")
        pointer_tmp.write_text(name, encoding="utf-8")
        with open(pointer_tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(pointer_tmp, folder / POINTER)
        _prune(folder, keep_name=name)


def is_current(path: Path) -> bool:
    """Whether a snapshot has every column of the schema (one made by an older version may not)."""
    con = duckdb.connect()
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        wanted = set(con.execute("select table_name, column_name from information_schema.columns").fetchall())
    finally:
        con.close()
    con = connect_readonly(path)
    try:
        have = set(con.execute("select table_name, column_name from information_schema.columns").fetchall())
    finally:
        con.close()
    return wanted <= have


def upgrade(store=None) -> bool:
    """Bring the current snapshot up to the schema (a new snapshot, nothing else changed);
    True when it was needed."""
    path = current_path(store)
    if path is None or is_current(path):
        return False
    with new_snapshot(store):
        pass
    return True


def _prune(folder: Path, keep_name: str) -> None:
    snapshots = sorted(p for p in folder.iterdir() if _NAME.match(p.name))
    for old in snapshots[:-KEEP]:
        if old.name != keep_name:
            old.unlink(missing_ok=True)
            Path(str(old) + ".wal").unlink(missing_ok=True)
