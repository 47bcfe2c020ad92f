"""Named queries: one SQL file per question in queries/, run with $named parameters only.

`run` is pure (no Streamlit): tests and the CLI call it with any DuckDB connection.
"""
from __future__ import annotations

import re
import threading
import weakref
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # (DuckDB's .df() imports pandas when a query runs: an import needs it late, if at all)
    import pandas as pd

QUERIES = Path(__file__).resolve().parents[2] / "queries"
RULES = QUERIES / "rules"


@cache
def sql(name: str) -> str:
    path = QUERIES / f"{name}.sql"
    if path.parent != QUERIES or not path.exists():
        raise KeyError(f"no query named {name!r}")
    return path.read_text(encoding="utf-8")


_DEFINES = re.compile(r"create or replace temp macro (\w+)")
_CALLS = re.compile(r"\b(\w+)\(")


@cache
def rules() -> dict[str, tuple[str, frozenset[str]]]:
    """The shared rules (queries/rules/*.sql, DuckDB macros): per file, its SQL and the rule
    files whose macros it calls, in an order that puts every file after those it calls
    (DuckDB binds a macro's body when the macro is created)."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(RULES.glob("*.sql"))}
    owner = {macro: stem for stem, text in texts.items() for macro in _DEFINES.findall(text)}
    calls = {stem: frozenset(owner[m] for m in _CALLS.findall(text) if owner.get(m, stem) != stem)
             for stem, text in texts.items()}
    return {stem: (texts[stem], calls[stem]) for stem in TopologicalSorter(calls).static_order()}


@cache
def rules_for(text: str) -> list[str]:
    """The rule files a SQL text calls, and the files those call, in creation order."""
    owner = {macro: stem for stem, (rule, _) in rules().items() for macro in _DEFINES.findall(rule)}
    return _with_callees(owner[m] for m in _CALLS.findall(text) if m in owner)


def _with_callees(stems) -> list[str]:
    wanted, todo = set(), list(stems)
    while todo:
        stem = todo.pop()
        if stem not in wanted:
            wanted.add(stem)
            todo.extend(rules()[stem][1])
    return [stem for stem in rules() if stem in wanted]


# The rule files created on each connection (a cursor is a connection of its own).
_created: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_created_lock = threading.Lock()


def create_rules(con, names: list[str] | None = None) -> None:
    """Create shared rules on a connection as temporary macros: the rule files named, with the
    files they call (None: every file), each once per connection. Any snapshot, old or new,
    read-only or not, gets them, and nothing is written to its file."""
    with _created_lock:
        created = _created.setdefault(con, set())
    for stem in rules() if names is None else _with_callees(names):
        if stem not in created:
            con.execute(rules()[stem][0])
            created.add(stem)


def run(con, name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql on a snapshot with the given named parameters; DuckDB refuses
    missing or extra ones. The shared rules it calls (queries/rules/) are created first."""
    create_rules(con, rules_for(sql(name)))
    return run_plain(con, name, **params)


def run_plain(con, name: str, **params) -> pd.DataFrame:
    """Run a named query that reads no snapshot table (e.g. the audit file), without the rules."""
    return con.execute(sql(name), params).df()


def names() -> list[str]:
    return sorted(p.stem for p in QUERIES.glob("*.sql"))


# -- one DuckDB instance for the snapshots a server reads ----------------------------------------

_CATALOG = re.compile(r"snapshot_\d+")


class Reader:
    """The snapshots a process reads, through one in-memory DuckDB instance. The shared rules are
    created once per process, as macros of the instance's own catalog (bound against an empty copy
    of the schema, detached again, so nothing resolves without a snapshot); each snapshot is
    ATTACHed read-only under a name of its own, and a cursor reads one snapshot (USE and search
    path) with every rule already there. Opening a snapshot is then an ATTACH (about 1 ms)
    instead of a DuckDB instance of its own whose every cursor creates the rules again (30–90 ms
    before a cold page's first query). A macro is bound again where it is called, so it reads
    the tables of the cursor's snapshot (tests/test_kept_work.py proves two snapshots apart)."""

    def __init__(self):
        from sitrep import config, store

        # bounded: the blocks it keeps of every attached snapshot and its queries' work together
        self.instance = duckdb.connect(":memory:", config={"memory_limit": config.READ_DUCKDB_MEMORY})
        # re-entrant: a snapshot let go by the garbage collector detaches from whatever thread it runs in
        self.lock = threading.RLock()
        self.attached = 0
        setup = self.instance.cursor()
        setup.execute("attach ':memory:' as rules_schema")
        setup.execute("use rules_schema")
        setup.execute(store.SCHEMA.read_text(encoding="utf-8"))
        setup.execute("set search_path = 'rules_schema.main,memory.main'")
        for text, _ in rules().values():
            setup.execute(_DEFINES.sub(r"create or replace macro memory.main.\1", text))
        setup.execute("use memory")
        setup.close()
        self.instance.execute("detach rules_schema")

    def attach(self, path: str) -> str:
        """Attach a snapshot file read-only; the catalog name its cursors read."""
        with self.lock:     # (a connection is not thread-safe: sessions attach from their own threads)
            self.attached += 1
            name = f"snapshot_{self.attached}"
            self.instance.execute(f"attach $path as {name} (read_only)", {"path": str(path)})
        return name

    def detach(self, name: str) -> None:
        with self.lock:
            self.instance.execute(f"detach database if exists {_catalog(name)}")

    def cursor(self, name: str):
        """A connection of its own that reads the attached snapshot `name`, every rule created."""
        with self.lock:
            con = self.instance.cursor()
        con.execute(f"use {_catalog(name)}")
        con.execute(f"set search_path = '{_catalog(name)}.main,memory.main'")
        with _created_lock:
            _created[con] = set(rules())
        return con


def _catalog(name: str) -> str:
    if not _CATALOG.fullmatch(name):
        raise ValueError(f"not a snapshot catalog: {name!r}")
    return name


_reader: Reader | None = None
_reader_lock = threading.Lock()


def reader() -> Reader:
    """The process's Reader, made on first use (the rules created once)."""
    global _reader
    with _reader_lock:
        if _reader is None:
            _reader = Reader()
        return _reader
