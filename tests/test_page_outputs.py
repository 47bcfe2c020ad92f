"""What every page shows on the demo, pinned: metrics, tables and the numbers behind every chart,
for two as-of dates and two building scopes, compared with a record taken before the
refactoring of the query rules, the import paths and the package layout.

A refactor must not change a single number a leader sees. If a change of behaviour is
intended, regenerate the record with `SITREP_RECORD_PAGES=1 pytest tests/test_page_outputs.py`
and say in the commit which numbers changed and why.
"""
from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from sitrep.app.nav import PAGES

from .conftest import app

RECORD = Path(__file__).with_name("golden") / "page_outputs.json"
# Pages whose content is analysis of the data (the import page and the audit trail show import
# times and who did what, which differ on every run).
PAGE_NAMES = [spec.name for spec in PAGES if spec.name not in ("data_import", "audit")]
# The trend range is pinned, so a change of the default range does not change the record.
VIEWS = {
    "02-10_all": {"as_of": "2020-02-10", "range": ["2020-02-01", "2020-03-13"]},
    "02-10_B5": {"as_of": "2020-02-10", "range": ["2020-02-01", "2020-03-13"], "building": "B5"},
    "02-24_all": {"as_of": "2020-02-24", "range": ["2020-02-01", "2020-03-13"]},
    "02-24_B5": {"as_of": "2020-02-24", "range": ["2020-02-01", "2020-03-13"], "building": "B5"},
}


def _plain(value):
    """JSON-able and comparable: typed arrays decoded, floats rounded, NaN as None."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:   # Plotly's typed-array encoding
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return _plain(array.tolist())
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return None if value != value else round(value, 6)
    if isinstance(value, (np.floating, np.integer)):
        return _plain(value.item())
    return value


def _plotly(spec: str) -> list:
    figure = json.loads(spec)
    keep = ("type", "name", "x", "y", "z", "text", "base", "customdata", "values", "labels")
    return [{k: _plain(trace[k]) for k in keep if k in trace} for trace in figure.get("data", [])]


def _echarts(spec: str) -> list:
    option = json.loads(spec)
    axis = option.get("xAxis", {})
    axis = axis[0] if isinstance(axis, list) else axis
    return [{"x": axis.get("data")}] + [
        {"name": s.get("name"), "type": s.get("type"), "data": _plain(s.get("data"))}
        for s in option.get("series", [])]


_MIDNIGHT = ("", "T00:00:00", "T00:00:00.000000")


def _day(x):
    """A day's timestamp as its date ('2020-02-10T00:00:00.000000' → '2020-02-10'); anything
    else (a time of day, a category) unchanged."""
    if isinstance(x, str) and len(x) >= 10 and x[4:5] == "-" and x[7:8] == "-" and x[10:] in _MIDNIGHT:
        return x[:10]
    return x


def neutral(chart: dict):
    """A daily trend's numbers whatever draws it: each series as its kind (bar or line), name,
    days and values. The overview's, the district's and the medicine page's daily charts moved from
    Plotly (recorded) to ECharts (issue 13: Plotly's bundle is most of a new tab's time); their numbers are compared
    as strictly as before — every day and every value of every series, and the numbers a hover
    shows (Plotly's customdata, the extra values of an ECharts point). Anything else (a
    heatmap, hover text, bases, an ECharts category axis) is compared as recorded."""
    cells_or_spans = _seals_neutral(chart)
    if cells_or_spans is not None:
        return cells_or_spans
    if "plotly" in chart:
        out = []
        for trace in chart["plotly"]:
            if set(trace) <= {"type", "name", "x", "y", "customdata"} and trace.get("type") in ("bar", "scatter"):
                out.append({"kind": "line" if trace["type"] == "scatter" else "bar", "name": trace.get("name"),
                            "x": [_day(x) for x in trace.get("x", [])], "y": trace.get("y"),
                            **({"extra": trace["customdata"]} if "customdata" in trace else {})})
            else:
                out.append(trace)
        return out
    if "echarts" in chart and chart["echarts"] and chart["echarts"][0].get("x") is None:   # a time axis
        return [{"kind": s["type"], "name": s["name"], "x": [_day(p[0]) for p in s["data"]],
                 "y": [p[1] for p in s["data"]],
                 **({"extra": [p[2:] for p in s["data"]]} if any(len(p) > 2 for p in s["data"]) else {})}
                for s in chart["echarts"][1:]]
    return chart


def _utc_day(ms) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d")


def _seals_neutral(chart: dict) -> list | None:
    """The sealed-floors page's grid and timeline whatever draws them (recorded with Plotly,
    drawn with ECharts since issue 13), or None for any other chart.
    - The grid: per series (a seal state, the case dots) its name and every cell as
      [building, floor]: Plotly's x, y and customdata (which must agree), ECharts' points
      [building, floor as a category name, hover].
    - The timeline: per kind of seal its name and every bar as [seal, first day, length in ms]:
      Plotly's y, base and x (bars with a base), ECharts' spans [length, row, seal, hover]
      stacked on the transparent base series (name "") whose value at that row is the drawn
      first day."""
    if "plotly" in chart:
        traces = chart["plotly"]
        if traces and all(tr.get("type") == "bar" and "base" in tr for tr in traces):
            return [{"seals": "spans", "name": tr["name"],
                     "bars": [[y, _day(b), x] for y, b, x in zip(tr["y"], tr["base"], tr["x"], strict=True)]}
                    for tr in traces]
        # the grid: every trace's customdata is its [x, y] (building, floor), cell by cell
        if traces and all(tr.get("type") == "scatter" and set(tr) == {"type", "name", "x", "y", "customdata"}
                          and tr["customdata"] == [[x, y] for x, y in zip(tr["x"], tr["y"], strict=True)]
                          for tr in traces):
            return [{"seals": "cells", "name": tr["name"], "cells": tr["customdata"]}
                    for tr in traces]
        return None
    series = chart.get("echarts", [])[1:]
    if series and series[0]["name"] == "" and all(s["type"] == "bar" for s in series):
        starts = {row: _utc_day(start) for start, row in series[0]["data"]}
        return [{"seals": "spans", "name": s["name"],
                 "bars": [[p[2], starts[p[1]], p[0]] for p in s["data"] if p[0] is not None]}
                for s in series[1:]]
    if series and all(s["type"] == "scatter" for s in series):
        return [{"seals": "cells", "name": s["name"], "cells": [[p[0], int(p[1])] for p in s["data"]]}
                for s in series]
    return None


def _deck(spec: str) -> list:
    deck = json.loads(spec)
    return [_plain(layer.get("data")) for layer in deck.get("layers", [])]


def capture(at) -> dict:
    """Everything a page shows that carries a number."""
    main = at.main
    out = {
        "metrics": [[m.label, m.value, m.delta] for m in main.get("metric")],
        "tables": [],
        "charts": [],
        "markdown": [m.value for m in main.get("markdown")],
    }
    for frame in main.get("dataframe"):
        value = frame.value
        out["tables"].append({"columns": [str(c) for c in value.columns],
                              "rows": _plain(value.astype(object).where(value.notna(), None)
                                             .map(str).values.tolist())})
    for chart in main.get("plotly_chart"):
        out["charts"].append({"plotly": _plotly(chart.proto.spec)})
    for chart in main.get("echarts_chart"):
        out["charts"].append({"echarts": _echarts(chart.proto.spec)})
    for chart in main.get("deck_gl_json_chart"):
        out["charts"].append({"deck": _deck(chart.proto.json)})
    return out


def render(page: str, view: dict) -> dict:
    at = app(None, **view)
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception and not at.error, (at.exception, at.error)
    return capture(at)


@pytest.fixture(scope="module")
def record():
    if os.environ.get("SITREP_RECORD_PAGES"):
        return None
    return json.loads(RECORD.read_text(encoding="utf-8"))


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_page_shows_the_recorded_numbers(demo_env, record, view):
    got = {page: render(page, VIEWS[view]) for page in PAGE_NAMES}
    if record is None:   # recording: merge this view into the file
        data = json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {}
        data[view] = got
        RECORD.parent.mkdir(exist_ok=True)
        RECORD.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                          encoding="utf-8")
        return
    want = record[view]
    for page in PAGE_NAMES:
        for part in ("metrics", "tables", "markdown"):
            assert got[page][part] == want[page][part], f"{view} · {page} · {part} changed"
        assert ([neutral(c) for c in got[page]["charts"]] == [neutral(c) for c in want[page]["charts"]]), \
            f"{view} · {page} · charts changed"
