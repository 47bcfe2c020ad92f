"""Named queries: one SQL file per question in queries/, run with $named parameters only.

`run` is pure (no Streamlit): tests and the CLI call it with any DuckDB connection.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

QUERIES = Path(__file__).resolve().parent.parent / "queries"


@cache
def sql(name: str) -> str:
    path = QUERIES / f"{name}.sql"
    if path.parent != QUERIES or not path.exists():
        raise KeyError(f"no query named {name!r}")
    return path.read_text(encoding="utf-8")


MACROS = Path(__file__).with_name("macros.sql")


@cache
def macros() -> str:
    return MACROS.read_text(encoding="utf-8")


def run(con, name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql on a snapshot with the given named parameters; DuckDB refuses
    missing or extra ones. The shared rules (sitrep/macros.sql) are created first (temporary)."""
    con.execute(macros())
    return run_plain(con, name, **params)


def run_plain(con, name: str, **params) -> pd.DataFrame:
    """Run a named query that reads no snapshot table (e.g. the audit file), without the macros."""
    return con.execute(sql(name), params).df()


def names() -> list[str]:
    return sorted(p.stem for p in QUERIES.glob("*.sql"))
