"""A store of the single-file layout, made as main made it before issue 12: its snapshot
writer (`new_snapshot` of sitrep/store.py at a545c27, copied here verbatim but for the names)
and its schema (schema.sql beside this file), fed by the real importer. Every compound lands in
one snapshot, `<store>/snapshots/sitrep-NNNNNN.duckdb`, named by `<store>/snapshots/CURRENT`.
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

SCHEMA = Path(__file__).with_name("schema.sql")
POINTER = "CURRENT"
KEEP = 3
_NAME = re.compile(r"^sitrep-(\d{6})\.duckdb$")


def store_dir(store) -> Path:
    return Path(store) / "snapshots"


def current_path(store) -> Path | None:
    folder = store_dir(store)
    try:
        name = (folder / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = folder / name
    return path if _NAME.match(name) and path.exists() else None


@contextlib.contextmanager
def lock(store=None):
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
    with lock(store) as folder:
        for stray in (*folder.glob("*.partial"), *folder.glob("*.partial.wal")):
            stray.unlink()
        versions = [int(m[1]) for p in folder.iterdir() if (m := _NAME.match(p.name))]
        name = f"sitrep-{max(versions, default=0) + 1:06d}.duckdb"
        partial = folder / (name + ".partial")
        current = current_path(store)
        if current is not None:
            shutil.copyfile(current, partial)
        con = duckdb.connect(str(partial), config={"memory_limit": config.IMPORT_DUCKDB_MEMORY})
        try:
            con.execute(SCHEMA.read_text(encoding="utf-8"))
            _row_hash(con, "blob", "unhex(row_hash)")   # (what today's importer writes)
            con.execute("begin transaction")
            yield con
            _row_hash(con, "varchar", "lower(hex(row_hash))")  # (what main's importer wrote)
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
        snapshots = sorted(p for p in folder.iterdir() if _NAME.match(p.name))
        for old in snapshots[:-KEEP]:
            if old.name != name:
                old.unlink(missing_ok=True)


def _row_hash(con, kind: str, value: str) -> None:
    """Every table's row identity as `kind`: main before issue 12 kept the SHA-1 as 40 hex
    characters, today's importer reads and writes its 20 bytes."""
    for (table,) in con.execute("select table_name from information_schema.columns"
                                " where column_name = 'row_hash'").fetchall():
        con.execute(f"alter table {table} alter column row_hash set data type {kind} using {value}")


def import_legacy(monkeypatch, files, store, compound, **kw):
    """Import through the real importer into the old single-file layout."""
    from sitrep.ingest import importer

    with monkeypatch.context() as patch:
        patch.setattr(importer, "new_snapshot",
                      lambda store, compound, commit=True: new_snapshot(store, commit=commit))
        return importer.import_files(files, store=store, compound=compound, **kw)
