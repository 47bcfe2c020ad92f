"""The global filters: drawn once in the sidebar by dashboard.py, bound to the URL
(`?building=B5&as_of=2020-02-10`), read by every page through `current()`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from sitrep import config
from sitrep.app.session import scope
from sitrep.app.ui import OutOfScope, compounds_in_scope, district_query, query, synthetic_compounds
from sitrep.i18n import DEFAULT_LANG, LANGS, t
from sitrep.ingest.contract import window_params

LANG_NAMES = {"zh": "中文", "en": "English"}


@dataclass(frozen=True)
class Filters:
    compound: str
    buildings: list[str]        # empty = all
    as_of: date
    date_from: date             # the trend range
    date_to: date
    lang: str
    first_on: date              # the data's bounds
    last_on: date

    def params(self, *, as_of: bool = False, window: str | None = None,
               day: date | None = None) -> dict:
        """A query's named parameters, one name per idea: $compound and $buildings (the scope);
        with `as_of`, $as_of; with a `window`, $date_from and $date_to: "range" the sidebar's
        trend range, "recent" the TREND_DAYS days ending on the as-of date (window()),
        "change" the as-of date and the day before (a card's change since yesterday).
        `day` stands in for the as-of date when a page replays another day (the seals slider)."""
        on = day or self.as_of
        out = {"compound": self.compound, "buildings": list(self.buildings)}
        if as_of:
            out["as_of"] = on
        if window == "range":
            out["date_from"], out["date_to"] = self.date_from, self.date_to
        elif window == "recent":
            out["date_from"], out["date_to"] = self.window(on=on)
        elif window == "change":
            out["date_from"], out["date_to"] = on - timedelta(days=1), on
        elif window is not None:
            raise ValueError(f"no window {window!r}")
        return out

    def window(self, days: int = config.TREND_DAYS, on: date | None = None) -> tuple[date, date]:
        """The `days` days ending on the as-of date (or `on`), from the first day of data at
        the earliest; always at least two days, for the change since the day before."""
        on = on or self.as_of
        start = max(on - timedelta(days=days - 1), self.first_on)
        return min(start, on - timedelta(days=1)), on

    def scope(self) -> str:
        return ", ".join(self.buildings) if self.buildings else t("filters.all_buildings", self.lang)


@dataclass(frozen=True)
class District:
    """The district's filters: the compounds in scope and the as-of day (the district page,
    and the briefing when its scope is the district)."""
    compounds: list[str]        # the names in scope (ui.compounds_in_scope)
    as_of: date
    lang: str
    first_on: date              # the data's bounds across the compounds in scope
    last_on: date
    compound = None             # no one compound, no building filter: what the briefing's
    buildings: tuple = ()       # export and the audit trail read of either scope

    def window(self, days: int = config.TREND_DAYS) -> tuple[date, date]:
        """The `days` days ending on the as-of date (at least two, for the change since the
        day before), from the first day of data at the earliest."""
        start = max(self.as_of - timedelta(days=days - 1), self.first_on)
        return min(start, self.as_of - timedelta(days=1)), self.as_of


SCOPE_DISTRICT = "district"     # ?scope=district: the briefing of every compound in scope


def is_district(page_name: str) -> bool:
    """Whether a page shows the district rather than one compound: the district page, and the
    briefing asked for with ?scope=district."""
    return page_name == "district" or (
        page_name == "briefing" and st.query_params.get("scope") == SCOPE_DISTRICT)


def district_sidebar(lang: str) -> District | None:
    """The district's one filter, the as-of day (bound to the URL as every page's is), within
    the days the compounds in scope have data; it opens on the latest day any of them opens on
    (district_span.sql). None when no compound is in scope."""
    compounds = compounds_in_scope()
    span = district_query("district_span", compounds=compounds).iloc[0]
    if not span["compounds"]:
        return None
    first_on, last_on = span["first_on"].date(), span["last_on"].date()
    opens_on = min(max(span["opens_on"].date(), first_on), last_on)
    as_of = st.sidebar.date_input(
        t("filters.as_of", lang), value=opens_on, min_value=first_on, max_value=last_on,
        key="as_of", bind="query-params", format="YYYY-MM-DD")
    as_of = min(max(as_of if isinstance(as_of, date) else opens_on, first_on), last_on)
    st.session_state["_district"] = District(compounds=compounds, as_of=as_of, lang=lang,
                                             first_on=first_on, last_on=last_on)
    return st.session_state["_district"]


def language() -> str:
    """The language switch comes first: every other label depends on it."""
    lang = st.sidebar.selectbox(
        "语言 / Language", LANGS, format_func=LANG_NAMES.get, key="lang", bind="query-params")
    return lang if lang in LANGS else DEFAULT_LANG


def url_query() -> dict[str, list[str]]:
    """The URL's query parameters as they are (a repeated key keeps every value), but the
    language: its widget is drawn already and keeps its own."""
    return {key: st.query_params.get_all(key) for key in st.query_params if key != "lang"}


def sidebar(lang: str) -> Filters | None:
    """Draw the global filters; None when the viewer may see no compound (the store holds none
    yet). A compound in the URL outside the viewer's compounds raises OutOfScope (the shell
    shows the refusal), as does one forged into the widget's state (by the query)."""
    names = compounds_in_scope()
    # A user limited to some compounds is refused any other in the URL (whether the store holds
    # it or not: the answer tells nothing of other compounds); for everyone else an unknown name
    # is dropped as an unknown building is, and the first compound shown.
    if scope() is not None:
        for asked in st.query_params.get_all("compound"):      # a repeated key: every value
            if asked not in names:
                raise OutOfScope(asked)
    if not names:
        return None
    compound = names[0]
    if len(names) > 1:
        # the first real compound by default: the demo district opens on Fuxing City, not a made-up one
        synthetic = synthetic_compounds()
        first = next((i for i, name in enumerate(names) if name not in synthetic), 0)
        compound = st.sidebar.selectbox(t("filters.compound", lang), names, index=first, key="compound",
                                        bind="query-params")
    compounds = query("compounds", compound=compound, **window_params(config.local_now().date()))
    if compounds.empty:
        return None
    row = compounds.set_index("compound").loc[compound]
    first_on, last_on = row["first_on"].date(), row["last_on"].date()
    default_as_of = min(max(row["default_as_of"].date(), first_on), last_on)
    default_range = clamp_range(row["range_from"].date(), row["range_to"].date(), first_on, last_on)

    options = query("buildings", compound=compound)["building"].tolist()
    buildings = st.sidebar.multiselect(
        t("filters.buildings", lang), options, key="building", bind="query-params",
        placeholder=t("filters.all_buildings", lang))
    as_of = st.sidebar.date_input(
        t("filters.as_of", lang), value=default_as_of, min_value=first_on, max_value=last_on,
        key="as_of", bind="query-params", format="YYYY-MM-DD")
    span = st.sidebar.date_input(
        t("filters.range", lang), value=default_range, min_value=first_on,
        max_value=last_on, key="range", bind="query-params", format="YYYY-MM-DD")
    date_from, date_to = clamp_range(*_span(span, default_range, last_on), first_on, last_on)
    if _days(span) > config.MAX_RANGE_DAYS:
        st.sidebar.caption(t("filters.range_capped", lang, days=config.MAX_RANGE_DAYS,
                             date_from=date_from.isoformat(), date_to=date_to.isoformat()))
    as_of = min(max(as_of if isinstance(as_of, date) else default_as_of, first_on), last_on)
    st.session_state["_filters"] = Filters(
        compound=compound, buildings=list(buildings), as_of=as_of,
        date_from=date_from, date_to=date_to, lang=lang, first_on=first_on, last_on=last_on)
    return st.session_state["_filters"]


def clamp_range(date_from: date, date_to: date, first_on: date, last_on: date) -> tuple[date, date]:
    """A trend range inside the data's plausible dates (first_on..last_on, see compounds.sql) and
    at most config.MAX_RANGE_DAYS long (its last days), so no daily result grows with it."""
    date_from = min(max(date_from, first_on), last_on)
    date_to = min(max(date_to, date_from), last_on)
    return max(date_from, date_to - timedelta(days=config.MAX_RANGE_DAYS - 1)), date_to


def _span(value, default: tuple[date, date], last_on: date) -> tuple[date, date]:
    """A half-picked range (one date) runs to the end of the data."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], value[1]
    if isinstance(value, (tuple, list)) and len(value) == 1:
        return value[0], last_on
    return default


def _days(value) -> int:
    """Days in a picked range (0 when not a whole range)."""
    if isinstance(value, (tuple, list)) and len(value) == 2 and value[1] >= value[0]:
        return (value[1] - value[0]).days + 1
    return 0


def current() -> Filters:
    """The filters drawn by dashboard.py on this run.

    With a `pages/` folder beside it, Streamlit's old multipage mode may run a page file
    alone, without dashboard.py (the first request of a server process for /overview, and
    every AppTest rerun). Then we leave that mode and rerun: the page's hash comes from its
    url_path, so the rerun lands on the same page, inside the shell.
    """
    if "_filters" not in st.session_state:
        _rerun_inside_the_shell()
    return st.session_state["_filters"]


def current_district() -> District:
    """The district's filters drawn by dashboard.py on this run (see current())."""
    if "_district" not in st.session_state:
        _rerun_inside_the_shell()
    return st.session_state["_district"]


def current_scope() -> Filters | District:
    """What the briefing shows: the district when dashboard.py drew the district's filters
    (?scope=district), else one compound."""
    return st.session_state.get("_district") or current()


def _rerun_inside_the_shell() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def done() -> None:
    """Called by dashboard.py after the page ran: the next run must draw the filters again.
    The last filters stay readable for callbacks (which run before the next run's filters)."""
    for key in ("_filters", "_district"):
        if key in st.session_state:
            st.session_state["_last_filters"] = st.session_state.pop(key)
