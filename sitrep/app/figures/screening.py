"""Figures of the screening page: daily bars with lines, the building x day fever heatmap, and
the key dates (seals, the call for volunteers, confirmed cases) drawn on each of them.
Titles and labels come from the caller (catalogs); colours from sitrep/app/figures/colors.py."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from sitrep.app.figures.charts import Series, cached
from sitrep.app.figures.colors import CASE, PALETTE, STATUS
from sitrep.i18n import t

FONT = {"family": "Noto Sans CJK SC, sans-serif"}
DAY_MS = 86400000
FEW_BUILDINGS = 2    # a key-date label names up to this many buildings, else counts them

# the colour of each kind of key date: sealing in red, lifting in green, cases dark red
MARK_COLOR = {
    "lockdown": STATUS["sealed_building"],
    "seal": STATUS["sealed_floor"],
    "volunteer_call": STATUS["normal"],
    "confirmed": CASE["confirmed"],
    "unseal": STATUS["ok"],
    "reopen": STATUS["ok"],
}


@dataclass(frozen=True)
class Mark:
    """One day's key dates: where to draw the line, its colour and its short label."""
    day: pd.Timestamp
    color: str
    text: str


def mark_label(kind: str, items: int, buildings: str, lang: str) -> str:
    """A key date's short label: the buildings named when few, else counted."""
    counted = items > (1 if kind == "confirmed" else FEW_BUILDINGS)
    if kind in ("seal", "unseal", "confirmed") and counted:
        return t(f"screening.mark.{kind}_many", lang, n=items)
    return t(f"screening.mark.{kind}", lang, buildings=buildings)


def marks(frame: pd.DataFrame, lang: str) -> list[Mark]:
    """One mark per day of the key dates (screening_key_dates); the line takes the colour of
    the day's first event (the query orders them)."""
    out = []
    for day, events in frame.groupby("day", sort=True):
        texts = [mark_label(e.kind, int(e.items), e.buildings if isinstance(e.buildings, str) else "", lang)
                 for e in events.itertuples()]
        out.append(Mark(pd.Timestamp(day), MARK_COLOR.get(events["kind"].iloc[0], STATUS["normal"]),
                        " · ".join(texts)))
    return out


def _layout(fig: go.Figure, title: str, height: int, legend_rows: int = 0) -> go.Figure:
    """The common look; a legend of `legend_rows` rows (as wrapped on a phone) goes under the
    date ticks, where it cannot cover the title or the bars."""
    top, bottom = 34, 28 + 22 * legend_rows
    fig.update_layout(
        title={"text": title, "font": {"size": 14}, "x": 0, "xanchor": "left"},
        height=height, margin={"l": 8, "r": 8, "t": top, "b": bottom}, font=FONT,
        showlegend=legend_rows > 0,
        legend={"orientation": "h", "x": 0, "yanchor": "top", "font": {"size": 11},
                "y": -26 / max(height - top - bottom, 1)},
        xaxis={"tickformat": "%m-%d", "type": "date"}, hovermode="x unified",
        plot_bgcolor="white",
    )
    fig.update_yaxes(gridcolor=STATUS["open"], rangemode="tozero", zeroline=False)
    return fig


def _add_marks(fig: go.Figure, key_dates: list[Mark], *, labels: bool = True,
               as_of=None) -> go.Figure:
    """Vertical lines on the key dates, each with its short label written along the line; a
    light band on the as-of day (the day of the numbers above the charts).
    Shapes and annotations are set in one layout update: Plotly's add_vline validates the
    whole layout on every call, which took over a second for the demo's 22 key dates."""
    shapes, notes = [], []
    if as_of is not None:
        day = pd.Timestamp(as_of)
        band = {"type": "rect", "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
                "x0": day - pd.Timedelta(hours=12), "x1": day + pd.Timedelta(hours=12)}
        if any(trace.type == "heatmap" for trace in fig.data):  # cells would hide a fill
            shapes.append({**band, "layer": "above", "line": {"color": PALETTE[8], "width": 1.5}})
        else:
            shapes.append({**band, "layer": "below", "fillcolor": STATUS["open"], "opacity": 0.8,
                           "line": {"width": 0}})
    for mark in key_dates:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": mark.day,
                       "x1": mark.day, "y0": 0, "y1": 1,
                       "line": {"color": mark.color, "width": 1.2, "dash": "dot"}})
        if labels:
            notes.append({"x": mark.day, "y": 1, "xref": "x", "yref": "paper", "text": mark.text,
                          "showarrow": False, "textangle": -90, "xanchor": "left",
                          "yanchor": "top", "xshift": 1,
                          "font": {"size": 10, "color": mark.color},
                          "bgcolor": "rgba(255,255,255,0.75)"})
    fig.update_layout(shapes=[*fig.layout.shapes, *shapes],
                      annotations=[*fig.layout.annotations, *notes])
    return fig


@cached
def daily(frame: pd.DataFrame, bars: list[Series], title: str, *, lines: list[Series] = (),
          dashed: list[Series] = (), hover: dict[str, str] | None = None, stacked: bool = False,
          height: int = 260, legend_rows: int = 1, key_dates: pd.DataFrame | None = None,
          lang: str = "zh", labels: bool = True, as_of=None) -> go.Figure:
    """Daily bars (stacked or side by side) with lines over them, and the key dates (with their
    labels in `lang` if `labels`) and the as-of day. `hover` adds columns to the first bar's
    hover text (column -> label)."""
    fig = go.Figure()
    extra = list(hover or {})
    for i, s in enumerate(bars):
        template = f"{s.label}: %{{y:,}}"
        if i == 0 and extra:
            template += "".join(f"<br>{hover[c]}: %{{customdata[{j}]}}" for j, c in enumerate(extra))
        fig.add_bar(x=frame["day"], y=frame[s.column], name=s.label, marker_color=s.color,
                    customdata=frame[extra].to_numpy() if i == 0 and extra else None,
                    hovertemplate=template + "<extra></extra>")
    for s in lines:
        fig.add_scatter(x=frame["day"], y=frame[s.column], name=s.label, mode="lines",
                        line={"color": s.color, "width": 2.5},
                        hovertemplate=f"{s.label}: %{{y:.2f}}<extra></extra>")
    for s in dashed:
        fig.add_scatter(x=frame["day"], y=frame[s.column], name=s.label, mode="lines",
                        line={"color": s.color, "width": 1.5, "dash": "dash"},
                        hovertemplate=f"{s.label}: %{{y:,}}<extra></extra>")
    fig.update_layout(barmode="stack" if stacked else "group", bargap=0.15,
                      legend_traceorder="normal")
    _layout(fig, title, height, legend_rows)
    top = max(frame[[s.column for s in bars]].sum(axis=1).max() if stacked
              else frame[[s.column for s in bars]].to_numpy().max(), 0)
    if top <= 6:  # small counts: whole-number ticks only
        fig.update_yaxes(dtick=1, range=[0, top + 0.5])
    return _add_marks(fig, marks(key_dates, lang) if key_dates is not None else [], labels=labels, as_of=as_of)


@cached
def heatmap(frame: pd.DataFrame, title: str, value_label: str, average_label: str,
            day_label: str, *, key_dates: pd.DataFrame | None = None, as_of=None) -> go.Figure:
    """Buildings (rows, in the query's order) by day (columns): fever count per cell; the key
    dates (lines only) and the as-of day."""
    buildings = list(dict.fromkeys(frame["building"]))
    fever = frame.pivot(index="building", columns="day", values="fever").reindex(buildings)
    average = frame.pivot(index="building", columns="day", values="fever_ma").reindex(buildings)
    top = max(int(fever.to_numpy().max()), 2)
    fig = go.Figure(go.Heatmap(
        x=fever.columns, y=buildings, z=fever.to_numpy(), customdata=average.to_numpy(),
        zmin=0, zmax=top, xgap=1, ygap=1,
        colorscale=[[0, STATUS["open"]], [0.5 / top, STATUS["open"]],
                    [0.5 / top + 1e-6, CASE["suspected"]], [1, CASE["confirmed"]]],
        colorbar={"thickness": 8, "len": 1.0, "x": 1.0, "xpad": 4,
                  "tickformat": "d", "dtick": 1 if top <= 6 else None},
        hovertemplate=(f"%{{y}} · {day_label} %{{x|%m-%d}}<br>{value_label}: %{{z}}"
                       f"<br>{average_label}: %{{customdata:.2f}}<extra></extra>"),
    ))
    _layout(fig, title, height=min(90 + 22 * len(buildings), 500))
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(autorange="reversed", type="category", gridcolor=None, tickfont={"size": 11})
    return _add_marks(fig, marks(key_dates, "zh") if key_dates is not None else [], labels=False, as_of=as_of)
