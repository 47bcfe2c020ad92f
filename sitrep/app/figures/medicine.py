"""Figures for the medicine page (药品需求): ECharts options (charts.option: daily series on a
time axis, no Plotly bundle for the page to load). Titles and labels come from the caller
(catalogs); colours from colors.py."""
from __future__ import annotations

import pandas as pd

from sitrep.app.figures import charts
from sitrep.app.figures.colors import PALETTE, REQUEST_STATUS, SERIES, STATUS

FLOW_HEIGHT = 280
MET_HEIGHT = 260


@charts.cached
def daily_flow(frame: pd.DataFrame, labels: dict[str, str], days: tuple) -> dict:
    """Requests registered and delivered per day (bars), unfinished and overdue at 24:00 (lines),
    over `days` = (first, last) day, the trend range (the title is the page's, above it). `labels` maps requested, delivered,
    unfinished, overdue to their labels."""
    series = [
        charts.bar(labels["requested"], charts.day_points(frame, "requested"), PALETTE[3]),
        charts.bar(labels["delivered"], charts.day_points(frame, "delivered"), REQUEST_STATUS["delivered"]),
        charts.line(labels["unfinished"], charts.day_points(frame, "unfinished"), SERIES["medicine_open"]),
        charts.line(labels["overdue"], charts.day_points(frame, "overdue"), SERIES["medicine_overdue"],
                    dashed=True),
    ]
    # four legend entries: one line on a laptop, two on a phone
    return charts.option(None, series, charts.day_axis(*days), charts.count_axis(), legend=True,
                         legend_rows=2, pointer="shadow")


@charts.cached
def met_share(frame: pd.DataFrame, labels: dict[str, str], days: tuple) -> dict:
    """Per day delivered, the share of each urgency's deliveries within its target (%, the axis
    0–100), with the counts behind it in the tooltip. `labels` maps urgency codes to their labels (with the target)."""
    series = []
    points = charts.day_points_by(frame, "urgency", "met_pct", ("delivered", "met"))
    for urgency, label in labels.items():
        if urgency not in points:
            continue
        # [day, share %, delivered, met]: the tooltip reads "02-14 · 100% (1/1)"
        series.append(charts.line(label, points[urgency],
                                  STATUS[urgency],
                                  tooltip={"formatter": "{a}<br/>{@[0]} · {@[1]}% ({@[3]}/{@[2]})"}))
    y_axis = charts.count_axis(max=100, interval=25,
                               axisLabel={**charts.count_axis()["axisLabel"], "formatter": "{value}%"})
    spec = charts.option(None, series, charts.day_axis(*days), y_axis, legend=True, legend_rows=1)
    spec["tooltip"] = {"trigger": "item"}
    return spec
