"""Small Plotly figures shared by pages. Titles and labels come from the caller (catalogs)."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from sitrep import config
from sitrep.app.figures.colors import SERIES
from sitrep.app.ui import frame_key

CONFIG = {"displayModeBar": False, "responsive": True}
FIGURES_KEPT = 64       # figures per builder, across sessions (a few kB to a few 100 kB each): bounded memory


class KeptFigure(go.Figure):
    """A kept figure (`cached`): its dict, made once, is what st.plotly_chart reads on every
    rerun (go.Figure.to_dict deep-copies every property and base64-encodes every array each
    time). Read-only by contract: nothing changes a kept figure, so the dict stays true."""

    def to_dict(self):
        spec = self.__dict__.get("_kept_spec")
        return spec if spec is not None else super().to_dict()


def _keep(figure):
    if isinstance(figure, go.Figure):
        spec = figure.to_dict()
        # The built figure becomes a KeptFigure in place: a go.Figure cannot be copied into one
        # without validating every property again, the cost this avoids.
        figure.__class__ = KeptFigure
        figure._kept_spec = spec
    return figure


def cached(build):
    """A figure builder whose figures are kept, keyed by its arguments (the query's frame, the
    labels, the language): reruns and other sessions that show the same numbers reuse the figure
    instead of building it again. Building a Plotly figure validates every property, most of a
    warm page's script time. Shared objects: st.plotly_chart and st.pydeck_chart only read them;
    a caller must not change a figure it got, so a figure that another figure is built from
    comes from the uncached builder."""
    @functools.wraps(build)      # (Streamlit keys the cache on the builder's name and source)
    def kept(*args, **kwargs):
        return _keep(build(*args, **kwargs))

    return st.cache_resource(ttl=config.CACHE_TTL_S, max_entries=FIGURES_KEPT, show_spinner=False,
                             hash_funcs={pd.DataFrame: frame_key})(kept)


@dataclass(frozen=True)
class Series:
    """A column drawn as a series: its label in the active language, its colour, bar or line
    (where a figure lets the series choose)."""
    column: str
    label: str
    color: str
    kind: str = "bar"


def build_trend(frame: pd.DataFrame, series: dict[str, str], title: str, kind: str = "bar",
                height: int = 170) -> go.Figure:
    """A compact daily trend: `series` maps a column to its label in the active language."""
    fig = go.Figure()
    for column, label in series.items():
        color = SERIES.get(column)
        if kind == "bar":
            fig.add_bar(x=frame["day"], y=frame[column], name=label, marker_color=color)
        else:
            fig.add_scatter(x=frame["day"], y=frame[column], name=label, mode="lines+markers",
                            line={"color": color, "width": 2}, marker={"size": 4})
    fig.update_layout(
        title={"text": title, "font": {"size": 13}, "x": 0, "xanchor": "left"},
        height=height, margin={"l": 8, "r": 8, "t": 30, "b": 8}, barmode="group",
        legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right", "font": {"size": 11}},
        showlegend=len(series) > 1, xaxis={"tickformat": "%m-%d", "dtick": 86400000 * 2},
        yaxis={"rangemode": "tozero"}, font={"family": "Noto Sans CJK SC, sans-serif"},
    )
    return fig


trend = cached(build_trend)
