"""Figures of the deliveries and vehicle page: ECharts options (no Plotly bundle for the page to
load, issue 13). Titles are the page's captions above each chart; axis names and series names
come from the caller (the catalogs, or a source or purpose as typed in a sheet); colours only
from sitrep/app/figures/colors.py. Every tooltip is plain text (`charts.text_tooltip`): a
destination, a source or a driver's (masked) name is never read as HTML."""
from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd

from sitrep.app.figures import charts
from sitrep.app.figures.colors import SERIES, STATUS

DAILY_HEIGHT = 300
HOUR_MS = 3_600_000
AS_OF_BAND = "rgba(128, 132, 149, 0.14)"
BACKGROUND = "#ffffff"          # the page's (Streamlit's light theme)


def gap_height(buildings: int) -> int:
    return 70 + 26 * buildings


def gantt_height(trips: int) -> int:
    return 60 + 32 * trips


def _as_of(day: date | None) -> dict:
    """A grey band behind the as-of day, so the trend shows where "today" is (a markArea, added
    to a chart's first series)."""
    if day is None:
        return {}
    return {"markArea": charts.as_of_band(day, AS_OF_BAND)}


def _daily(series: list[dict], y_axis: dict, date_from: date, date_to: date, mark: date | None) -> dict:
    if series:
        series[0] = {**series[0], **_as_of(mark)}
    spec = charts.option(None, series, charts.day_axis(date_from, date_to), y_axis, legend=len(series) > 1,
                         legend_rows=2 if len(series) > 1 else 0)
    spec["grid"] = {**spec["grid"], "top": 24}            # room for the axis name (the unit) above it
    spec["tooltip"] = charts.text_tooltip()
    return spec


def _value_axis(name: str, whole: bool) -> dict:
    axis = charts.count_axis() if whole else {**charts.count_axis(), "minInterval": 0}
    return charts.named(axis, name)


@charts.cached
def stacked_by_day(frame: pd.DataFrame, value: str, series: dict[str, str], colors: dict[str, str],
                   y_title: str, date_from: date, date_to: date, whole: bool = False,
                   mark: date | None = None) -> dict:
    """Stacked daily bars: `frame` has day, code and `value`; `series` maps each code to its
    label, in stacking order. `whole`: counts of whole things (integer ticks). A point is
    [day, value]."""
    points = charts.day_points_by(frame, "code", value)
    drawn = [charts.bar(name, points[code], colors.get(code),
                        stack="day", barMaxWidth=18, tooltip={"formatter": "{@[0]} · {a}: {@[1]}"})
             for code, name in series.items() if code in points]
    return _daily(drawn, _value_axis(y_title, whole), date_from, date_to, mark)


@charts.cached
def hours_out(frame: pd.DataFrame, hover: list[str], y_title: str, date_from: date, date_to: date,
              mark: date | None = None) -> dict:
    """The vehicle's hours out per day; `hover` says trips, first departure and last return. A
    point is [day, hours, hover]."""
    points = [[day, hours, text] for (day, hours), text in
              zip(charts.day_points(frame, "hours_out"), hover, strict=True)]
    drawn = [charts.bar(None, points, SERIES["trips"], barMaxWidth=18,
                        tooltip={"formatter": "{@[0]} · {@[2]}"})]
    return _daily(drawn, _value_axis(y_title, False), date_from, date_to, mark)


@charts.cached
def gap_by_building(frame: pd.DataFrame, not_reached: str, reached: str) -> dict:
    """Per building, sealed households not reached (red) and reached (green), stacked, the
    first building (most gaps) on top. A point is [households, building]."""
    buildings = frame["building"].tolist()
    series = [charts.bar(name, [[n, b] for n, b in zip(frame[column].tolist(), buildings, strict=True)], colour,
                         stack="households", tooltip={"formatter": "{@[1]} · {a}: {@[0]}"})
              for column, name, colour in (("not_reached", not_reached, STATUS["gap"]),
                                           ("reached", reached, STATUS["covered"]))]
    return charts.hbars(series, buildings, legend=True, inverse=True)


@charts.cached
def trips_gantt(frame: pd.DataFrame, colors: dict[str, str], day: date) -> dict:
    """The day's trips as a timeline (a Gantt chart) on a clock axis, one row per trip, the
    first on top. `frame` has lane (the row label), purpose (its label, coloured), departed_at,
    ends_at and hover. The axis spans at least 08:00-18:00 of `day`, so idle hours show as idle.

    Drawn as two overlaid horizontal bars a trip on a time axis, both from the axis' left edge:
    one to the return ([end ms, lane, hover, purpose], coloured), covered up to the departure by
    one in the page's background ([start ms, lane]). ECharts takes no drawing function from
    Python, and does not stack bars on a time axis."""
    lanes = frame["lane"].tolist()
    ends = [charts.point([charts.utc_ms(end), lane, hover, purpose], colors.get(purpose))
            for end, lane, hover, purpose in zip(frame["ends_at"], lanes, frame["hover"], frame["purpose"],
                                                 strict=True)]
    spans = charts.bar(None, ends, barWidth=18, barMaxWidth=18, tooltip={"formatter": "{@[2]}"})
    # 2 px wider on each side than the trip's bar (-111%: 18 px x 1.11 = 2 px back from its
    # edge), so no anti-aliased edge of the coloured bar shows around it
    cover = {"type": "bar", "name": "", "silent": True, "tooltip": {"show": False}, "barWidth": 22,
             "barGap": "-111%", "itemStyle": {"color": BACKGROUND},
             "data": [[charts.utc_ms(start), lane] for start, lane in zip(frame["departed_at"], lanes, strict=True)]}
    start = min(charts.utc_ms(datetime.combine(day, time(8))), charts.utc_ms(frame["departed_at"].min().floor("h")))
    end = max(charts.utc_ms(datetime.combine(day, time(18))), charts.utc_ms(frame["ends_at"].max().ceil("h")))
    x_axis = {**charts.count_axis(), "type": "time", "min": start, "max": end, "interval": 2 * HOUR_MS,
              "minInterval": HOUR_MS, "axisLabel": {**charts.count_axis()["axisLabel"], "formatter": "{HH}:{mm}"}}
    spec = charts.option(None, [spans, cover], x_axis, charts.category_axis(lanes, inverse=True), legend=False)
    spec["useUTC"] = True
    spec["grid"] = {**spec["grid"], "right": 16}
    spec["tooltip"] = charts.text_tooltip()
    return spec
