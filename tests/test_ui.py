"""The shared UI shell: CSV downloads safe for Excel, the stale-data warning, table display."""
from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd

from sitrep import config
from sitrep.app import ui

from .conftest import app


def test_csv_downloads_neutralise_formulas_and_open_in_excel():
    frame = pd.DataFrame({"物资": ["=1+1", "+86 138", "-5", "@SUM(A1)", "蔬菜", None], "n": [1, 2, 3, 4, 5, 6]})
    data = ui.csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")                       # UTF-8 with BOM: Excel reads Chinese
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert back["物资"].tolist() == ["'=1+1", "'+86 138", "'-5", "'@SUM(A1)", "蔬菜", ""]
    assert back["n"].tolist() == [1, 2, 3, 4, 5, 6]                 # numbers untouched


def test_tables_show_dates_without_midnight_and_blanks_as_a_dash():
    frame = pd.DataFrame({"day": pd.to_datetime(["2020-02-10", "2020-02-11"]),
                          "at": pd.to_datetime(["2020-02-10 08:30", None]), "who": ["a", None]})
    shown = ui.display(frame)
    assert shown.values.tolist() == [["2020-02-10", "2020-02-10 08:30", "a"], ["2020-02-11", "—", "—"]]


def test_markup_becomes_text():
    frame = pd.DataFrame({"x": ["<b>a</b> & <script>"], "n": [1]})
    assert ui.as_text(frame)["x"].tolist() == ["＜b＞a＜/b＞ ＆ ＜script＞"]


def test_the_overview_warns_when_a_log_is_more_than_24_hours_stale(fixture_env, monkeypatch):
    at = app()
    at.run()
    assert not at.warning                                        # just imported: fresh
    later = config.local_now() + timedelta(hours=config.STALE_HOURS + 1)
    monkeypatch.setattr(config, "local_now", lambda: later)
    at.run()
    assert "超过 24 小时未导入" in at.warning[0].value and "配送记录" in at.warning[0].value
