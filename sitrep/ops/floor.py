"""The browser bench's floor page (`python -m sitrep bench --browser`): a plain Streamlit page
with one Plotly chart, served by the dashboard's own server so the bench can report every page
as a ratio to it. It exists only when the server was started with SITREP_BENCH_FLOOR=1 (the
bench does so for the server it starts) and is asked for with `/?bench=floor`; otherwise
`requested()` is false and nothing of it is reachable.

`/?bench=repaint` is the floor of a filter's repaint: the same page with a building picker in
the sidebar whose pick redraws the chart — Streamlit's own round trip for a widget change
(a rerun, its messages, one chart redrawn), next to which the overview's repaint is read."""
from __future__ import annotations

import os

import streamlit as st

ENV = "SITREP_BENCH_FLOOR"
PARAM = ("bench", "floor")
REPAINT = "repaint"
BUILDINGS = ["A1", "B1", "B5", "C2"]


def requested() -> bool:
    return os.environ.get(ENV) == "1" and st.query_params.get(PARAM[0]) in (PARAM[1], REPAINT)


def _draw() -> None:
    import plotly.graph_objects as go

    picked = []
    if st.query_params.get(PARAM[0]) == REPAINT:
        with st.sidebar:
            picked = st.multiselect("building", BUILDINGS, key="floor_buildings")
    st.title("floor")
    days = [f"2020-02-{d:02d}" for d in range(1, 15)]
    fig = go.Figure(go.Bar(x=days, y=[(d * 7 + len(picked)) % 11 + 3 for d in range(14)]))
    fig.update_layout(height=300, margin={"l": 8, "r": 8, "t": 30, "b": 8}, title={"text": "floor"})
    st.plotly_chart(fig, key="floor_chart")


def serve() -> None:
    """Run the floor page as the session's only page (no shell, no filters, no queries)."""
    st.set_page_config(page_title="floor", layout="wide")
    st.navigation([st.Page(_draw, title="floor", url_path="floor", default=True)], position="hidden").run()
