"""The Streamlit shell around the pure query core: a cached read-only connection per
snapshot, cached query results, and the error boundary every page runs inside."""
from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from . import config, store
from .i18n import t
from .queries import run

log = logging.getLogger("sitrep")


@st.cache_resource(max_entries=4)
def _connection(snapshot: str):
    # Keyed by the snapshot's path: a new import is a new path, picked up on the next rerun.
    return store.connect_readonly(snapshot)


def snapshot() -> str | None:
    path = store.current_path()
    return str(path) if path else None


@st.cache_data(ttl=config.CACHE_TTL_S, max_entries=1024, show_spinner=False)
def _query(snapshot_path: str, name: str, params: tuple) -> pd.DataFrame:
    con = _connection(snapshot_path).cursor()  # a cursor per query: connections are not thread-safe
    try:
        return run(con, name, **{k: list(v) if isinstance(v, tuple) else v for k, v in params})
    finally:
        con.close()


def query(name: str, **params) -> pd.DataFrame:
    """Run a named query on the current snapshot (cached per snapshot and parameters)."""
    path = snapshot()
    if path is None:
        raise LookupError("no snapshot")
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _query(path, name, frozen).copy()


def guarded(page, lang: str) -> None:
    """Run a page; an error is logged server-side and shown as a plain message, never a trace."""
    try:
        page.run()
    except Exception:  # noqa: BLE001 - the boundary: log it, tell the user without a traceback
        log.exception("page failed")
        st.error(t("error.page", lang))
