"""Figures of the briefing page (pages/briefing.py): small 14-day trends sized for a phone screenshot (one column,
short, large enough type). Titles and labels come from the caller; colours from colors.py.

ECharts (`st.echarts_chart`), as every page draws (charts.py says why): the briefing is also
exported through a headless browser against a time budget. Its charts are static pictures (no
animation, no hover). The spec is plain JSON, checked by the tests.
"""
from __future__ import annotations

import pandas as pd

from sitrep.app.figures.charts import AXIS_COLOR, FONT, GRID_COLOR, Series


def trend(frame: pd.DataFrame, series: list[Series], title: str) -> dict:
    """A compact daily trend (an ECharts option) over the frame's `day` column; a legend under
    the axis only for two series or more."""
    legend = len(series) > 1
    days = [pd.Timestamp(day).strftime("%m-%d") for day in frame["day"]]
    drawn = []
    for s in series:
        data = [round(float(v), 1) for v in frame[s.column]]
        if s.kind == "bar":
            drawn.append({"type": "bar", "name": s.label, "data": data, "barMaxWidth": 18,
                          "itemStyle": {"color": s.color}})
        else:
            drawn.append({"type": "line", "name": s.label, "data": data, "symbol": "circle",
                          "symbolSize": 5, "itemStyle": {"color": s.color},
                          "lineStyle": {"color": s.color, "width": 2.5}, "z": 3})
    axis_label = {"color": AXIS_COLOR, "fontSize": 12, "fontFamily": FONT}
    return {
        "animation": False,
        "textStyle": {"fontFamily": FONT},
        "title": {"text": title, "left": 0, "top": 0,
                  "textStyle": {"fontSize": 15, "fontWeight": "bold", "color": "#31333f",
                                "fontFamily": FONT}},
        "legend": {"show": legend, "left": 0, "bottom": 0, "itemGap": 18, "itemWidth": 14,
                   "itemHeight": 10, "textStyle": {"fontSize": 12, "color": "#31333f",
                                                   "fontFamily": FONT}},
        "grid": {"left": 2, "right": 6, "top": 34, "bottom": 28 if legend else 2,
                 "containLabel": True},
        "xAxis": {"type": "category", "data": days, "axisTick": {"show": False},
                  "axisLine": {"lineStyle": {"color": GRID_COLOR}}, "axisLabel": axis_label},
        # whole-number ticks: no half a case
        "yAxis": {"type": "value", "minInterval": 1, "splitNumber": 3, "axisLabel": axis_label,
                  "splitLine": {"lineStyle": {"color": GRID_COLOR}}},
        "series": drawn,
    }


def height(series: list[Series]) -> int:
    """The chart's height in CSS px: the plot, plus a legend's line."""
    return 170 + (22 if len(series) > 1 else 0)
