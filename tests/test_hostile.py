"""Hostile values in the URL and in widgets give an empty result or a clear message, never an
error trace; spreadsheet text with markup stays text."""
from __future__ import annotations

import json

import pytest

from sitrep.app.nav import PAGES
from sitrep.ingest.importer import import_files

from .conftest import FIXTURE, FIXTURE_COMPOUND, app, sign_in

HOSTILE = ["' OR 1=1 --", "B5'; drop table households; --", "x" * 10_000, '"><script>alert(1)</script>',
           "Z9", "B5\x00", "../../etc/passwd"]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("spec", [s for s in PAGES if s.name != "audit"], ids=lambda s: s.name)
def test_hostile_url_values_never_raise(fixture_env, spec, value):
    at = app(building=value, as_of=value, range=[value, value], lang=value, compound=value)
    at.run()
    at.switch_page(spec.path).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title                                   # the page still renders
    assert at.multiselect(key="building").value == []  # an unknown building is dropped: all buildings


def test_hostile_widget_text_gives_an_empty_result(fixture_env, users, browser_cookies):
    sign_in(browser_cookies, "yu")
    at = app()
    at.run()
    at.switch_page("pages/audit.py").run()
    assert at.title[0].value == "审计日志"
    at.text_input(key="audit_who").input("' OR 1=1 --").run()
    assert not at.exception and not at.error
    at.text_input(key="audit_who").input("x" * 64).run()
    assert not at.exception and not at.error


def test_markup_from_a_spreadsheet_is_shown_as_text(tmp_path, monkeypatch, users, browser_cookies):
    import_files(sorted(FIXTURE.glob("*.csv")), store=tmp_path, compound=FIXTURE_COMPOUND, year=2020)
    (tmp_path / "evil.csv").write_text(
        "送达时间,地址,物资,数量,单位,来源\n"
        "2020-02-07 09:00,B5-0301,<b>粗体</b><script>window.__xss=1</script>,2,箱,捐赠\n", encoding="utf-8")
    import_files([tmp_path / "evil.csv"], store=tmp_path, compound=FIXTURE_COMPOUND, year=2020)
    monkeypatch.setenv("SITREP_STORE", str(tmp_path))      # imported data: served to users only
    sign_in(browser_cookies, "li")
    at = app(as_of="2020-02-07")
    at.run()
    at.switch_page("pages/deliveries.py").run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("echarts_chart")]
    names = {series.get("name") for spec in specs for series in spec["series"]}
    assert "＜b＞粗体＜/b＞＜script＞window.__xss=1＜/script＞" in names
    assert not any("<script>" in json.dumps(spec, ensure_ascii=False) for spec in specs)
    # every hover of the page is plain text: ECharts' default tooltip would read HTML
    assert specs and all(spec["tooltip"]["renderMode"] == "richText" for spec in specs)
