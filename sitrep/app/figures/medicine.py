"""Figures for the medicine page (药品需求). Titles and labels come from the caller (catalogs);
colours from sitrep.colors."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sitrep.app.figures.charts import cached
from sitrep.app.figures.colors import PALETTE, REQUEST_STATUS, SERIES, STATUS

_FONT = {"family": "Noto Sans CJK SC, sans-serif"}
_DAY = 86400000  # one day in Plotly's milliseconds


def _layout(fig: go.Figure, title: str, height: int, days: tuple, **more) -> go.Figure:
    """`days` = (first, last) day of the x axis: the trend range, the same on every chart.
    The legend sits under the plot so that on a phone it wraps without covering the title."""
    first, last = pd.Timestamp(days[0]), pd.Timestamp(days[1])
    # a tick a day for a short range; Plotly spaces the ticks to the width otherwise
    ticks = {"dtick": _DAY} if (last - first).days < 10 else {"nticks": 8}
    fig.update_layout(
        title={"text": title, "font": {"size": 13}, "x": 0, "xanchor": "left"},
        height=height, margin={"l": 8, "r": 8, "t": 30, "b": 8}, font=_FONT,
        legend={"orientation": "h", "y": -0.15, "yanchor": "top", "x": 0, "xanchor": "left",
                "font": {"size": 11}},
        xaxis={"tickformat": "%m-%d", "tickangle": 0, **ticks,
               "range": [first - pd.Timedelta(hours=12), last + pd.Timedelta(hours=12)]},
        **more,
    )
    return fig


@cached
def daily_flow(frame: pd.DataFrame, labels: dict[str, str], title: str, days: tuple,
               height: int = 280) -> go.Figure:
    """Requests registered and delivered per day (bars), unfinished and overdue at 24:00 (lines).
    `labels` maps requested, delivered, unfinished, overdue to their labels."""
    fig = go.Figure()
    fig.add_bar(x=frame["day"], y=frame["requested"], name=labels["requested"],
                marker_color=PALETTE[3])
    fig.add_bar(x=frame["day"], y=frame["delivered"], name=labels["delivered"],
                marker_color=REQUEST_STATUS["delivered"])
    fig.add_scatter(x=frame["day"], y=frame["unfinished"], name=labels["unfinished"],
                    mode="lines+markers", line={"color": SERIES["medicine_open"], "width": 2},
                    marker={"size": 4})
    fig.add_scatter(x=frame["day"], y=frame["overdue"], name=labels["overdue"],
                    mode="lines+markers", line={"color": SERIES["medicine_overdue"], "width": 2,
                                                "dash": "dot"}, marker={"size": 4})
    # counts: whole-number ticks, also when a building has only a few requests
    small = frame[["requested", "delivered", "unfinished"]].to_numpy().max() <= 5
    return _layout(fig, title, height, days, barmode="group",
                   yaxis={"rangemode": "tozero", **({"dtick": 1} if small else {"tickformat": ",d"})})


@cached
def met_share(frame: pd.DataFrame, labels: dict[str, str], title: str, axis: str, days: tuple,
              height: int = 260) -> go.Figure:
    """Per day delivered, the share of each urgency's deliveries within its target (%).
    `labels` maps urgency codes to their labels (with the target)."""
    fig = go.Figure()
    for urgency, label in labels.items():
        rows = frame[frame["urgency"] == urgency]
        if rows.empty:
            continue
        fig.add_scatter(x=rows["day"], y=rows["met_pct"], name=label, mode="lines+markers",
                        line={"color": STATUS[urgency], "width": 2}, marker={"size": 5},
                        customdata=rows[["delivered", "met"]],
                        hovertemplate="%{x|%m-%d} %{y:.0f}% (%{customdata[1]}/%{customdata[0]})"
                                      "<extra>" + label + "</extra>")
    return _layout(fig, title, height, days, showlegend=True,
                   yaxis={"range": [0, 105], "ticksuffix": "%", "title": {"text": axis}})
