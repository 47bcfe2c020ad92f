"""The dashboard through Streamlit's AppTest, run through dashboard.py as a user would."""
from __future__ import annotations

import pytest

from sitrep.app.nav import PAGES as NAV

from .conftest import app, metrics, open_demo

PAGES = [spec.path for spec in NAV if spec.name != "audit"]   # audit: commanders only (test_access)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["中文", "English"])
def test_every_page_renders_on_the_demo(demo_env, page, lang):
    at = app(demo_env, lang=lang)
    at.run()
    at.switch_page(page).run()
    assert not at.exception and not at.error, (at.exception, at.error)
    assert at.title
    assert "福星城" in at.caption[0].value


def test_overview_follows_the_building_filter_and_date(fixture_env):
    at = app(fixture_env)
    at.run()
    assert not at.exception
    # default as-of: the latest day of data (02-07); all buildings
    assert at.date_input(key="as_of").value.isoformat() == "2020-02-07"
    got = metrics(at)
    assert (got["住户"], got["封控楼栋"], got["封控楼层"], got["封控住户"]) == ("9", "1", "12", "7")
    assert (got["累计确诊"], got["药品需求已超时"], got["今日出车（趟）"]) == ("2", "2", "1")
    at.multiselect(key="building").set_value(["B5"]).run()
    got = metrics(at)
    assert (got["住户"], got["封控楼层"], got["封控住户"], got["累计确诊"]) == ("5", "10", "5", "1")
    assert (got["药品需求已超时"], got["今日出车（趟）"]) == ("1", "0")
    at.date_input(key="as_of").set_value(__import__("datetime").date(2020, 2, 6)).run()
    got = metrics(at)
    assert (got["今日发热"], got["今日配送（单）"], got["今日志愿时长（小时）"]) == ("1", "2", "16.0")


def test_the_url_sets_the_filters_and_language(fixture_env):
    at = app(fixture_env, building="B5", as_of="2020-02-06", lang="English")
    at.run()
    assert not at.exception
    got = metrics(at)
    assert got["Households"] == "5" and got["Fever today"] == "1" and got["Deliveries today"] == "2"
    assert "B5" in at.caption[0].value and "2020-02-06" in at.caption[0].value


def test_no_snapshot_gives_a_clear_message(tmp_path, monkeypatch):
    open_demo(monkeypatch, tmp_path, tmp_path)
    at = app(tmp_path)
    at.run()
    assert not at.exception
    assert "python -m sitrep demo" in at.info[0].value


def test_overview_on_the_demo_opens_on_the_report_day_and_narrows_to_b5(demo_env):
    at = app(demo_env)
    at.run()
    assert not at.exception
    assert at.date_input(key="as_of").value.isoformat() == "2020-02-10"   # the day of the report
    got = metrics(at)
    assert got["住户"] == "1,288"
    assert got["累计确诊"] == "5"            # 4 by 02-04, B5's fifth on 02-08
    assert got["今日出车（趟）"] == "4"       # 08:30 to 15:20 with a 20-minute lunch
    at.multiselect(key="building").set_value(["B5"]).run()
    got = metrics(at)
    # B5: 33 floors x 4 households, sealed whole from 02-04 to 02-22, three of the cases
    assert (got["住户"], got["封控楼栋"], got["封控楼层"], got["封控住户"]) == ("132", "1", "33", "132")
    assert got["累计确诊"] == "3"
    at.date_input(key="as_of").set_value(__import__("datetime").date(2020, 3, 1)).run()
    got = metrics(at)
    assert (got["封控楼栋"], got["封控住户"]) == ("0", "0")   # lifted on 02-22
