"""The store: one folder per compound, each with its own versioned DuckDB snapshots.

    <store>/                       --store, $SITREP_STORE, or data/ in the repository
      compounds/
        <id>/                      id = compound_id(name): never a path made of what was typed
          NAME                     the compound's name (UTF-8)
          CURRENT                  the name of its current snapshot
          sitrep-NNNNNN.duckdb     a snapshot: the contract's tables, this compound's rows only
          sitrep-NNNNNN.summary.parquet   written with it: settings, daily figures, freshness
          .lock                    one writer per compound (flock)
        .generation                one byte appended at every pointer switch (generation())
      audit.jsonl, uploads/        beside, as before
      snapshots/                   the single-file layout before issue 12: migrated (migrate.py)

Readers open a compound's current snapshot read-only and are never blocked. A writer (an
import, a change of settings) takes that compound's lock, copies its current snapshot to a new
versioned file, changes it, writes the summary beside it, and only then replaces the
compound's pointer with os.replace: a viewer sees the old snapshot or the new one, never half
an import; a writer killed part-way leaves only `.partial` files that the next writer of that
compound removes. Writers of different compounds never wait for each other, and one
compound's import reads and writes that compound's files alone. Each snapshot has its own path,
so DuckDB's per-path instance cache never hands a reader a stale database.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sitrep import config

REPO = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("schema.sql")
POINTER = "CURRENT"
NAME_FILE = "NAME"
GENERATION = ".generation"
KEEP = 3  # snapshots kept per compound: a viewer still reading an older one keeps working
NAME_MAX_CHARS = 64
_NAME = re.compile(r"^sitrep-(\d{6})\.duckdb$")
_ID = re.compile(r"^[0-9a-f]{16}$")


class StoreError(Exception):
    """The store cannot answer as asked; the message says why and what to do."""


class AmbiguousCompound(StoreError):
    """A compound must be named: the store holds more than one."""


# Identifiers are never values: a table name that reaches SQL text must be one of the schema's
# tables (values always travel as $named parameters).
TABLES = frozenset(re.findall(r"create table if not exists (\w+)", SCHEMA.read_text(encoding="utf-8")))


def sql_table(name: str) -> str:
    if name not in TABLES:
        raise ValueError(f"not a table of the schema: {name!r}")
    return name


def sql_columns(table: str, names) -> str:
    """Columns of a schema table as quoted identifiers for SQL text ("a", "b"); ValueError for a
    name the table does not have (identifiers cannot be $named parameters)."""
    have = schema_columns()
    unknown = [n for n in names if (sql_table(table), n) not in have]
    if unknown:
        raise ValueError(f"not columns of {table}: {unknown!r}")
    return ", ".join(f'"{n}"' for n in names)


# -- where things are --------------------------------------------------------------------------

def root(store: str | os.PathLike | None = None) -> Path:
    """The store's folder: --store, else $SITREP_STORE, else data/ in the repository."""
    return Path(store or os.environ.get("SITREP_STORE") or REPO / "data")


def store_dir(store: str | os.PathLike | None = None) -> Path:
    """The single-file layout's folder (`<store>/snapshots`), read only by the migration; its
    parent is the store (the audit trail and staged uploads live there)."""
    return root(store) / "snapshots"


def compounds_dir(store=None) -> Path:
    return root(store) / "compounds"


def check_name(name) -> str:
    """A compound's name as typed, or ValueError: 1–64 characters, no control or format
    characters, no spaces around it. Names are kept exactly (they are part of every row's
    identity), never turned into paths."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a compound needs a name")
    if name != name.strip():
        raise ValueError(f"a compound's name has no spaces before or after it: {name!r}")
    if len(name) > NAME_MAX_CHARS:
        raise ValueError(f"a compound's name has at most {NAME_MAX_CHARS} characters ({len(name)} given)")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValueError(f"a compound's name has a control or format character: {name!r}")
    return name


def compound_id(name: str) -> str:
    """The compound's folder name: 16 hex digits of the SHA-256 of its name (stable, safe for
    any script; the name itself is in the folder's NAME file)."""
    return hashlib.sha256(check_name(name).encode("utf-8")).hexdigest()[:16]


def compound_folder(store, name: str) -> Path:
    return compounds_dir(store) / compound_id(name)


def summary_path(snapshot: Path) -> Path:
    """The summary written with a snapshot (sitrep-NNNNNN.summary.parquet beside it)."""
    return snapshot.with_name(snapshot.name.removesuffix(".duckdb") + ".summary.parquet")


# -- reading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CompoundInfo:
    """One compound of the store as its pointer says now."""
    name: str
    id: str
    folder: Path
    snapshot: Path       # the current snapshot (open it read-only)
    summary: Path        # its summary (may be missing for a snapshot made before summaries)

    @property
    def version(self) -> int:
        return int(_NAME.match(self.snapshot.name)[1])


def _pointed(folder: Path) -> Path | None:
    try:
        name = (folder / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    path = folder / name
    return path if _NAME.match(name) and path.exists() else None


def _info(folder: Path) -> CompoundInfo | None:
    snapshot = _pointed(folder)
    if snapshot is None:
        return None              # created, first snapshot not (yet) written
    try:
        name = (folder / NAME_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    if compound_id(name) != folder.name:   # moved or edited by hand: never shown under another name
        raise StoreError(f"{folder / NAME_FILE} names {name!r}, whose folder is {compound_id(name)}")
    return CompoundInfo(name, folder.name, folder, snapshot, summary_path(snapshot))


def compounds(store=None) -> list[CompoundInfo]:
    """Every compound with a snapshot, by name. Reads the folders and pointers, no database;
    cache it on generation()."""
    _refuse_legacy(store)
    try:
        folders = [p for p in compounds_dir(store).iterdir() if _ID.match(p.name)]
    except FileNotFoundError:
        return []
    found = [info for folder in folders if (info := _info(folder)) is not None]
    return sorted(found, key=lambda c: c.name)


def compound_names(store=None) -> list[str]:
    return [c.name for c in compounds(store)]


def find(store, name: str) -> CompoundInfo | None:
    """The compound of that name, or None when the store does not hold it."""
    _refuse_legacy(store)
    try:
        folder = compound_folder(store, name)
    except ValueError:
        return None
    return _info(folder)


def only_compound(store=None) -> str | None:
    """The store's compound when it holds exactly one; None when it holds none;
    AmbiguousCompound naming them when it holds several."""
    names = compound_names(store)
    if len(names) > 1:
        raise AmbiguousCompound(f"the store holds {len(names)} compounds ({_listed(names)}): name one "
                                "with --compound")
    return names[0] if names else None


def current_path(store=None, compound: str | None = None) -> Path | None:
    """The current snapshot of a compound (None: the store's only compound); None when there
    is none yet."""
    if compound is None:
        compound = only_compound(store)
        if compound is None:
            return None
    info = find(store, compound)
    return info.snapshot if info else None


def summary_paths(store=None) -> list[Path]:
    """The summaries of every compound's current snapshot, by compound name: what the district
    view reads with one read_parquet (sitrep/store/summary.py)."""
    return [c.summary for c in compounds(store)]


def generation(store=None) -> int:
    """A number that grows at every pointer switch of any compound (one stat): a cache key for
    anything read from several compounds (their list, their summaries)."""
    try:
        return (compounds_dir(store) / GENERATION).stat().st_size
    except FileNotFoundError:
        return 0


def cache_key(store=None) -> tuple:
    """What to key a cache of anything read from several compounds on: the store's folder,
    and the generation file's identity and size (a store removed and made again at the same
    path gets a new file)."""
    try:
        found = (compounds_dir(store) / GENERATION).stat()
        return str(root(store)), found.st_ino, found.st_size
    except FileNotFoundError:
        return str(root(store)), 0, 0


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def _listed(names: list[str], most: int = 10) -> str:
    return ", ".join(names[:most]) + (f" … {len(names) - most} more" if len(names) > most else "")


def _refuse_legacy(store) -> None:
    if (store_dir(store) / POINTER).exists():
        raise StoreError(f"the store {root(store)} has the single-file layout of an older version: "
                         "migrate it with `python -m sitrep store migrate` (any sitrep command does it)")


# -- writing -----------------------------------------------------------------------------------

@contextlib.contextmanager
def lock(folder: Path):
    """One writer at a time for a compound's folder, across processes (flock is released if
    the holder dies)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as handle:   # (never truncated: a lock changes no file)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def new_snapshot(store=None, compound: str | None = None, *, commit: bool = True):
    """Yield a read-write connection to a copy of a compound's current snapshot (a new, empty
    one for a compound the store does not hold; None: the store's only compound); on success
    write its summary and switch the compound's pointer to it. With commit=False (a dry run)
    the copy is thrown away. The writer may commit part-way (big imports do, to bound DuckDB's
    memory): the copy is nobody's snapshot until the switch, and a failure deletes it.
    An old single-file store is migrated first (migrate.py)."""
    from sitrep.store.migrate import ensure_migrated

    ensure_migrated(store)
    if compound is None:
        compound = only_compound(store)
        if compound is None:
            raise AmbiguousCompound("a new store needs a compound's name")
    with _writing(store, compound, commit=commit) as con:
        yield con


@contextlib.contextmanager
def _writing(store, compound: str, *, commit: bool):
    from sitrep.store import summary

    folder = compound_folder(store, compound)
    with lock(folder):
        _claim(folder, compound)
        for stray in (*folder.glob("*.partial"), *folder.glob("*.partial.wal")):
            stray.unlink()  # (a killed writer's copy, the log of what it had committed, its summary)
        versions = [int(m[1]) for p in folder.iterdir() if (m := _NAME.match(p.name))]
        name = f"sitrep-{max(versions, default=0) + 1:06d}.duckdb"
        partial = folder / (name + ".partial")
        partial_summary = folder / (summary_path(folder / name).name + ".partial")
        current = _pointed(folder)
        if current is not None:
            shutil.copyfile(current, partial)
        con = duckdb.connect(str(partial), config={"memory_limit": config.IMPORT_DUCKDB_MEMORY,
                                                   "checkpoint_threshold": config.IMPORT_DUCKDB_CHECKPOINT,
                                                   "default_block_size": str(config.SNAPSHOT_BLOCK_SIZE)})
        try:
            # (a long statement would otherwise draw DuckDB's progress bar on stdout, into
            # `import --json`'s output)
            con.execute("set enable_progress_bar = false")
            con.execute(SCHEMA.read_text(encoding="utf-8"))
            con.execute("insert into compounds (compound) values ($c) on conflict do nothing", {"c": compound})
            con.execute("begin transaction")
            yield con
            con.execute("commit")
            con.execute("checkpoint")
            if commit:
                summary.write(con, compound, name, partial_summary)
        except BaseException:
            con.close()
            _remove(partial, Path(str(partial) + ".wal"), partial_summary)
            raise
        con.close()
        if not commit:
            _remove(partial, Path(str(partial) + ".wal"))
            return
        _fsync(partial)
        os.replace(partial_summary, folder / summary_path(folder / name).name)
        os.replace(partial, folder / name)
        _write_durably(folder / POINTER, name)      # the switch: readers see the new snapshot
        _bump_generation(store)
        _prune(folder, keep_name=name)


def _claim(folder: Path, compound: str) -> None:
    """The folder is this compound's: its NAME says so (written on the first snapshot)."""
    named = folder / NAME_FILE
    if named.exists():
        held = named.read_text(encoding="utf-8")
        if held != compound:   # two names with the same 64-bit id: refuse, never mix them
            raise StoreError(f"{folder} holds the compound {held!r}, not {compound!r}")
        return
    _write_durably(named, compound)
    _fsync(folder.parent)


def _write_durably(path: Path, text: str) -> None:
    """Replace a small file atomically: a temporary beside it, fsync, os.replace, fsync the folder."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, path)
    _fsync(path.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _bump_generation(store) -> None:
    fd = os.open(compounds_dir(store) / GENERATION, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, b".")
    finally:
        os.close(fd)


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _prune(folder: Path, keep_name: str) -> None:
    snapshots = sorted(p for p in folder.iterdir() if _NAME.match(p.name))
    kept = {p.name for p in snapshots[-KEEP:]} | {keep_name}
    for old in snapshots:
        if old.name not in kept:
            _remove(old, Path(str(old) + ".wal"), summary_path(old))
    for stray in folder.glob("sitrep-*.summary.parquet"):   # a summary whose snapshot never landed
        if stray.name.replace(".summary.parquet", ".duckdb") not in kept:
            stray.unlink(missing_ok=True)


# -- keeping snapshots up to the schema ----------------------------------------------------------

def is_current(path: Path) -> bool:
    """Whether a snapshot has every column of the schema (one made by an older version may not)."""
    con = connect_readonly(path)
    try:
        have = set(con.execute("select table_name, column_name from information_schema.columns").fetchall())
    finally:
        con.close()
    return schema_columns() <= have


_schema_columns: frozenset | None = None


def schema_columns() -> frozenset:
    """The (table, column) pairs of schema.sql."""
    global _schema_columns
    if _schema_columns is None:
        con = duckdb.connect()
        try:
            con.execute(SCHEMA.read_text(encoding="utf-8"))
            _schema_columns = frozenset(con.execute(
                "select table_name, column_name from information_schema.columns").fetchall())
        finally:
            con.close()
    return _schema_columns


def schema_key() -> str:
    """A short digest of the schema's columns: every summary records the one its snapshot has."""
    text = "\n".join(f"{t}.{c}" for t, c in sorted(schema_columns()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def upgrade(store=None) -> bool:
    """Bring every compound's current snapshot up to the schema and its summary up to the
    summary's version (a new snapshot of that compound, nothing else changed); True when one
    was needed. Reads the summaries' footers only, so it costs little at start-up."""
    from sitrep.store import summary
    from sitrep.store.migrate import ensure_migrated

    ensure_migrated(store)
    stale = [c for c in compounds(store) if not summary.is_current(c.summary)]
    for info in stale:
        with _writing(store, info.name, commit=True):
            pass
    return bool(stale)
