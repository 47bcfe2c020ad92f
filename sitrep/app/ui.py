"""The Streamlit shell around the pure query core: a cached read-only connection per
snapshot (each compound has its own), cached query results, and the error boundary every
page runs inside."""
from __future__ import annotations

import contextlib
import html
import logging
import pickle
import re
import threading
import weakref

import pandas as pd
import streamlit as st

from sitrep import config, store
from sitrep.app import privacy
from sitrep.i18n import t
from sitrep.store.queries import reader, run, sql

log = logging.getLogger("sitrep")


class _Snapshot:
    """A snapshot attached to the process's one DuckDB instance (queries.Reader: the shared rules
    created once per process), and its idle cursors. A DuckDB connection is not thread-safe, so
    every query takes a cursor of its own (a connection of its own, reading this snapshot); a
    cursor goes back to the pool after its query. When the cache lets the snapshot go (a newer
    import, or more than 16 kept), its cursors are closed and the file detached, once no query
    holds it (a running query holds the snapshot)."""
    IDLE_KEPT = 8       # at most this many idle cursors (a cursor per query running at once)

    def __init__(self, path: str):
        self.reader = reader()
        self.catalog = self.reader.attach(path)
        self.idle: list = []
        self.lock = threading.Lock()
        weakref.finalize(self, _release, self.reader, self.catalog, self.idle)

    @contextlib.contextmanager
    def cursor(self):
        with self.lock:
            cursor = self.idle.pop() if self.idle else None
        if cursor is None:
            cursor = self.reader.cursor(self.catalog)
        try:
            yield cursor
        except BaseException:
            cursor.close()      # never reuse a cursor whose query failed or was stopped
            raise
        with self.lock:
            if len(self.idle) < self.IDLE_KEPT:
                self.idle.append(cursor)
                return
        cursor.close()


def _release(reader, catalog: str, idle: list) -> None:
    for cursor in idle:
        cursor.close()
    try:
        reader.detach(catalog)
    except Exception:  # noqa: BLE001 - at exit the instance may be gone; nothing else holds the file
        log.debug("detaching %s failed", catalog, exc_info=True)


@st.cache_resource(ttl=config.CACHE_TTL_S, max_entries=16)
def _connection(snapshot: str) -> _Snapshot:
    # Keyed by the snapshot's path: a new import is a new path, picked up on the next rerun;
    # a compound's file holds that compound alone, so its pages cost what a one-compound store's do.
    # At most 16 attached, each detached 10 minutes after it was attached (attaching again: ~1 ms).
    return _Snapshot(snapshot)


@st.cache_resource(max_entries=1, show_spinner=False)   # no spinner: server.warm_up runs it off a page
def at_start_up() -> None:
    """Once per server process: remove staged uploads a session left behind, move a store of
    the single-file layout to one folder per compound, bring snapshots made by an older
    version up to the schema, and create the shared rules (queries.reader) before a page asks."""
    from sitrep.app import upload
    from sitrep.store.migrate import ensure_migrated

    try:
        upload.remove_stale()
        done = ensure_migrated()
        if done is not None:
            log.warning(done.line())
        store.upgrade()
        reader()
    except Exception:  # noqa: BLE001 - an unwritable store: the pages and the import page say so
        log.exception("start-up housekeeping failed")


@st.cache_data(max_entries=16, show_spinner=False)
def _compound_names(key: tuple) -> list[str]:
    return store.compound_names(key[0])


def compound_names() -> list[str]:
    """The store's compounds, by name: read from their folders once per change of any
    compound (store.cache_key, one stat), never from their databases."""
    return _compound_names(key=store.cache_key())


def compounds_in_scope() -> list[str]:
    """The store's compounds this viewer may see, in the store's order: the signed-in user's
    compounds (the users file's `compounds`; absent: every one) that the store holds; every
    compound in the open demo; none when no gate ran on this run (fail closed)."""
    from sitrep.app.session import scope

    allowed = scope()
    names = compound_names()
    return names if allowed is None else [name for name in names if name in allowed]


@st.cache_data(max_entries=16, show_spinner=False)
def _synthetic(key: tuple) -> frozenset[str]:
    from sitrep.store import summary

    return frozenset(name for name, row in summary.compound_rows(key[0]).items() if row.get("is_synthetic"))


def synthetic_compounds() -> frozenset[str]:
    """The compounds whose data is made up (`is_synthetic`, the demo district's): labelled so on
    every page. Read from the summaries once per change of any compound."""
    return _synthetic(key=store.cache_key())


class OutOfScope(PermissionError):
    """A compound outside the viewer's compounds was asked for: no data, a clear message."""

    def __init__(self, compound: str):
        self.compound = compound
        super().__init__(f"compound {compound!r} is outside the viewer's compounds")


def check_scope(compound: str) -> str:
    """The compound, or OutOfScope when this viewer may not see it (sitrep/app/session.py)."""
    if compound not in compounds_in_scope():
        raise OutOfScope(compound)
    return compound


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:])")


def refuse(err: OutOfScope, lang: str) -> None:
    """The one message for a compound outside the viewer's scope: it names what was asked for
    (from the URL: cut and escaped, so it reads as text, never as a link or markup), nothing of
    its data, and links back to the viewer's own compounds (the page without its query)."""
    asked = _MARKDOWN.sub(r"\\\1", str(err.compound)[:64])
    st.error(t("scope.refused", lang, compound=asked))
    st.html(f'<a href="?" style="font-size:1.05rem">{html.escape(t("scope.back", lang))}</a>')


def snapshot(compound: str | None = None) -> str | None:
    """The current snapshot of a compound: the one named, else the one the filters show, else
    the first the viewer may see; None when there is none."""
    if compound is None:
        f = st.session_state.get("_filters")
        compound = f.compound if f else None
    if compound is None:
        names = compounds_in_scope()
        if not names:
            return None
        compound = names[0]
    return _current(key=store.cache_key(), compound=compound)


@st.cache_resource(max_entries=256, show_spinner=False)
def _current(key: tuple, compound: str) -> str | None:
    # Read once per pointer switch of any compound (the key changes with it), not per query.
    path = store.current_path(None, compound)
    return str(path) if path else None


@st.cache_data(ttl=config.CACHE_TTL_S, max_entries=1024, show_spinner=False)
def _query(snapshot_path: str, name: str, params: tuple) -> pd.DataFrame:
    with _connection(snapshot=snapshot_path).cursor() as con:
        # as text once, when the result is cached, not on every rerun that reads it
        return as_text(run(con, name, **{k: list(v) if isinstance(v, tuple) else v for k, v in params}))


def query(name: str, **params) -> pd.DataFrame:
    """Run a named query on the current snapshot of the compound it names ($compound; a
    query that does not take it, such as compounds.sql, is still run on that compound's
    snapshot), cached per snapshot and parameters. Personal columns (the contract's `personal`
    marks) come back masked unless the viewer may see them, and text that a browser or Plotly
    could read as markup is shown as text. A compound outside the viewer's scope
    (compounds_in_scope) raises OutOfScope before anything is read."""
    f = st.session_state.get("_filters")
    compound = params.get("compound") or getattr(f, "compound", None)
    if compound is None:
        names = compounds_in_scope()
        if not names:
            raise LookupError("no snapshot")
        compound = names[0]
    check_scope(compound)
    path = snapshot(compound)
    if path is None:
        raise LookupError("no snapshot")
    if not re.search(r"\$compound\b", sql(name)):
        params = {k: v for k, v in params.items() if k != "compound"}
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return privacy.mask_personal(_query(snapshot_path=path, name=name, params=frozen), f.lang if f else "zh")


@st.cache_resource(max_entries=4)
def _district(key: tuple):
    # Keyed by store.cache_key(): a pointer switch of any compound gives a new view.
    from sitrep.store import summary

    return summary.connect_district(key[0])


@st.cache_data(ttl=config.CACHE_TTL_S, max_entries=256, show_spinner=False)
def _district_query(key: tuple, name: str, params: tuple) -> pd.DataFrame:
    con = _district(key=key).cursor()  # a cursor per query: connections are not thread-safe
    try:
        return run(con, name, **{k: list(v) if isinstance(v, tuple) else v for k, v in params})
    finally:
        con.close()


def district_query(name: str, **params) -> pd.DataFrame:
    """Run a named district query (queries/district_*.sql) on the district view: every
    compound's current summary (sitrep/store/summary.py), cached per change of any compound
    and parameters. The summaries hold counts, no personal data; text is shown as text.
    `$compounds` (every district query takes it) must lie in the viewer's scope: the query
    layer refuses any other compound, whatever a page passes (OutOfScope)."""
    if "compounds" not in params:
        raise ValueError(f"{name}: a district query takes $compounds, the compounds in scope")
    allowed = set(compounds_in_scope())
    outside = [c for c in params["compounds"] if c not in allowed]
    if outside:
        raise OutOfScope(outside[0])
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return as_text(_district_query(key=store.cache_key(), name=name, params=frozen))


_MARKUP = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Spreadsheet text never renders as HTML: `<`, `>` and `&` in string cells become their
    full-width forms (Plotly reads a subset of HTML in labels; tables and text stay literal)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: v.translate(_MARKUP) if isinstance(v, str) else v)
    return out


def guarded(page, lang: str) -> None:
    """Run a page; an error is logged server-side and shown as a plain message, never a trace."""
    try:
        page.run()
    except OutOfScope as err:
        refuse(err, lang)
    except Exception:  # noqa: BLE001 - the boundary: log it, tell the user without a traceback
        log.exception("page failed")
        st.error(t("error.page", lang))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells a spreadsheet would run as a formula (=, +, -, @ …) get a leading apostrophe."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for Excel: UTF-8 with BOM (so Chinese opens right), formula cells neutralised."""
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def table(frame: pd.DataFrame, key: str, lang: str, *, columns: dict[str, str] | None = None,
          height: int | None = None, column_config: dict | None = None) -> None:
    """Show a table exactly as filtered, with its CSV download. `columns` maps column names to
    their labels in the active language (and chooses the columns shown); `column_config`, by
    label, how a column is drawn (st.column_config)."""
    if frame.empty:
        empty(lang)
        return
    head, total, data = _table_parts(frame=frame[list(columns)].rename(columns=columns) if columns else frame)
    # What reaches the browser is bounded whatever the data holds; the download has every row.
    st.dataframe(head, hide_index=True, width="stretch", key=f"{key}_table",
                 **({"height": height} if height else {}),
                 **({"column_config": column_config} if column_config else {}))
    if total > config.MAX_TABLE_ROWS:
        st.caption(t("table.capped", lang, shown=f"{config.MAX_TABLE_ROWS:,}", total=f"{total:,}"))
    st.download_button(t("table.download", lang), data, file_name=f"{key}.csv",
                       mime="text/csv", key=f"{key}_download", on_click=audit_download,
                       args=(f"{key}.csv",))


def frame_key(frame: pd.DataFrame) -> bytes:
    """A cache key for a frame from every row (Streamlit's own hash samples frames of 50,000
    rows or more, and two frames must never share an entry): its pickle, which holds the
    columns, dtypes, index and every value. ~0.2 ms for a page's table or chart frame, where
    pandas' hash_pandas_object took ~2 ms (it turns each string column into Python objects),
    paid on every rerun for every table and chart of the page. Two equal frames built the
    same way pickle alike; two frames that differ never do (at worst an equal frame built
    another way misses the cache). Memory: a passing copy of the frame, as cache_data makes of
    every result it keeps (bounded with it: 128 MB, .streamlit/config.toml)."""
    return pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)


@st.cache_data(ttl=config.CACHE_TTL_S, max_entries=64, show_spinner=False, hash_funcs={pd.DataFrame: frame_key})
def _table_parts(frame: pd.DataFrame) -> tuple[pd.DataFrame, int, bytes]:
    # A table's rows shaped for reading and its CSV, once per distinct table, not on every rerun.
    shown = display(frame)
    return shown.head(config.MAX_TABLE_ROWS), len(shown), csv_bytes(shown)


def audit_download(what: str) -> None:
    """Every download is on record: who, what, with which filters."""
    from sitrep.access import audit

    f = st.session_state.get("_filters") or st.session_state.get("_district") \
        or st.session_state.get("_last_filters")
    if f is not None and hasattr(f, "compounds"):      # the district: how many compounds, which day
        scope = {"scope": "district", "compounds": len(f.compounds), "as_of": f.as_of.isoformat()}
    else:
        scope = {"compound": f.compound, "building": f.buildings, "as_of": f.as_of.isoformat(),
                 "range": [f.date_from.isoformat(), f.date_to.isoformat()]} if f else {}
    audit.record("download", st.session_state.get("_user") or "demo", what, scope)


def display(frame: pd.DataFrame) -> pd.DataFrame:
    """Shape a frame for reading: dates without a midnight time, times to the minute, blanks as —."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            valid = series.dropna()
            fmt = "%Y-%m-%d" if (valid == valid.dt.normalize()).all() else "%Y-%m-%d %H:%M"
            out[col] = series.dt.strftime(fmt).fillna("—")
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[col] = series.astype(object).map(lambda v: "—" if v is None or (isinstance(v, float) and v != v) else v)
    return out


def empty(lang: str) -> None:
    """The one empty state: a clear message instead of a blank chart."""
    st.info(t("empty.no_rows", lang))


def heading(f, title_key: str) -> None:
    """Every page's heading: its title, then compound, as-of date and building scope, so a
    screenshot says what and when."""
    st.title(t(title_key, f.lang))
    st.caption(t("page.heading", f.lang, compound=f.compound, as_of=f.as_of.isoformat(),
                 scope=f.scope(), date_from=f.date_from.isoformat(), date_to=f.date_to.isoformat()))


@st.cache_resource(max_entries=32, show_spinner=False)
def template_bytes(kind: str) -> bytes:
    """A kind's blank XLSX template, written once per server process: it never changes while the
    server runs, and writing it took most of the import page's script time."""
    from sitrep.ingest import templates

    return templates.template_bytes(kind)
