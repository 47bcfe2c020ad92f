"""The dashboard bounds itself too (defence in depth): its dates come from the compound's window
and lockdown, never from min/max of whatever was typed; a picked range is clamped to the data's
plausible span and to a width no daily result grows beyond; tables sent to the browser are
capped. The import page never shows the generic error, and staged uploads do not linger."""
from __future__ import annotations

import os
import time
from datetime import date, timedelta

import duckdb
import pytest

from sitrep import config, store
from sitrep.app import upload
from sitrep.app.nav import PAGES
from sitrep.config import local_now

from .conftest import FIXTURE, app, clean_import, open_demo, sign_in

TODAY = local_now().date()


@pytest.fixture(scope="module")
def absurd_store(tmp_path_factory):
    """The fixture store as a snapshot imported before dates were checked: a delivery dated
    9999-12-31, one dated 1900-01-01, a screening and a case in year 9999 (reproduction 1)."""
    folder = clean_import(tmp_path_factory.mktemp("absurd"), FIXTURE)
    con = duckdb.connect(str(store.current_path(folder)))
    con.execute("insert into deliveries (compound, delivered_at, building, floor, room, category) values"
                " ('测试小区', '9999-12-31 23:59', 'B5', 3, '0301', 'vegetables'),"
                " ('测试小区', '1900-01-01 00:00', 'B5', 3, '0301', 'vegetables')")
    con.execute("insert into screenings (compound, date, building, floor, room, max_temp_c) values"
                " ('测试小区', '9999-12-31', 'B5', 3, '0301', 38.5)")
    con.execute("insert into cases (compound, case_id, building, floor, room, class, reported_on) values"
                " ('测试小区', 'C9', 'B5', 3, '0301', 'confirmed', '9999-12-30')")
    con.close()
    return folder


def shown_filters(at):
    return at.session_state["_last_filters"]


@pytest.mark.parametrize("spec", [s for s in PAGES if s.name != "audit"], ids=lambda s: s.name)
def test_absurd_dates_in_a_snapshot_disable_no_page(absurd_store, monkeypatch, tmp_path, spec):
    """Reproduction 1, the dashboard's side: with such rows every page renders (the seals page
    raised StreamlitJSNumberBoundsError; medicine, deliveries and screening MessageSizeError)."""
    open_demo(monkeypatch, absurd_store, tmp_path)   # (made-up data, served open like the demo)
    at = app()
    at.run()
    at.switch_page(spec.path).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    f = shown_filters(at)
    # the dates of the data inside the window (year 2020: from 2019-12-02), not 1900 or 9999
    assert (f.first_on, f.last_on) == (date(2020, 2, 3), date(2020, 2, 7))
    assert (f.date_from, f.date_to) == (date(2020, 2, 3), date(2020, 2, 7))


def test_the_default_range_is_the_lockdown(demo_env):
    """福星城 was sealed 2020-02-04 and reopened 2020-03-14; a case reported 2020-02-01 opens
    the data's span, not the default range."""
    at = app()
    at.run()
    assert at.date_input(key="range").value == (date(2020, 2, 4), date(2020, 3, 13))
    f = shown_filters(at)
    assert (f.first_on, f.last_on) == (date(2020, 2, 1), date(2020, 3, 13))


def test_a_picked_range_is_clamped_to_the_data_and_to_366_days(tmp_path, monkeypatch, users, browser_cookies):
    """A delivery dated the import day (inside the window) spreads the data over years: a range
    picked from the first day to the last is cut to its last 366 days, and the page says so."""
    folder = clean_import(tmp_path / "store", FIXTURE)
    (tmp_path / "today.csv").write_text(f"送达时间,地址,物资\n{TODAY.isoformat()} 08:00,B5-0301,蔬菜\n",
                                        encoding="utf-8")
    from sitrep.ingest.importer import import_files

    assert import_files([tmp_path / "today.csv"], store=folder, compound="测试小区")[0].accepted == 1
    monkeypatch.setenv("SITREP_STORE", str(folder))
    sign_in(browser_cookies, "yu")
    at = app(range=["1900-01-01", "9999-12-31"], as_of="9999-12-31")
    at.run()
    at.switch_page("pages/deliveries.py").run()
    assert not at.exception and not at.error
    f = shown_filters(at)
    assert (f.first_on, f.last_on) == (date(2020, 2, 3), TODAY)
    assert f.date_to == TODAY and f.date_from == TODAY - timedelta(days=config.MAX_RANGE_DAYS - 1)
    assert f.as_of <= TODAY
    picked = app(range=["2020-02-03", TODAY.isoformat()])
    picked.run()
    assert any("366" in c.value for c in picked.sidebar.caption)
    f = shown_filters(picked)
    assert (f.date_to - f.date_from).days + 1 == config.MAX_RANGE_DAYS


# -- the import page ---------------------------------------------------------------------------

@pytest.fixture
def own_store(tmp_path, monkeypatch, users, browser_cookies):
    """A store the import page writes to; the clerk is signed in."""
    folder = clean_import(tmp_path / "store", FIXTURE)
    monkeypatch.setenv("SITREP_STORE", str(folder))
    sign_in(browser_cookies, "wu")
    return folder


def open_import(**query):
    at = app(**query)
    at.run()
    at.switch_page("pages/data_import.py").run()
    assert not at.exception, at.exception
    return at


GOOD = "送达时间,地址,物资\n2020-02-07 09:00,B5-0301,蔬菜\n"


def test_a_file_the_reader_refuses_beside_a_good_one(own_store):
    """A quoted cell over 131,072 characters (it raised _csv.Error, the page showed the generic
    error and the good file beside it could not be imported either)."""
    before = store.current_path(own_store)
    at = open_import(lang="English")
    long = f'送达时间,地址,物资\n2020-02-07 09:00,B5-0301,"{"x" * 131_073}"\n'.encode()
    at.file_uploader[0].set_value([("long.csv", long, "text/csv"), ("good.csv", GOOD.encode(), "text/csv")]).run()
    assert not at.exception and not at.error
    summary = at.dataframe[0].value.values.tolist()
    assert summary[0][0] == "good.csv" and summary[0][3] == 1
    assert summary[1][0] == "long.csv" and "longer than 32,767 characters" in summary[1][-1]
    at.button(key="import_confirm").click().run()
    assert not at.exception and "1 rows accepted" in at.success[0].value
    assert store.current_path(own_store) != before


def test_staged_uploads_are_private_and_removed_on_confirm_and_on_cancel(own_store):
    at = open_import()
    at.file_uploader[0].upload("d.csv", GOOD.encode(), "text/csv").run()
    (folder,) = list((own_store / "uploads").iterdir())
    assert os.stat(own_store / "uploads").st_mode & 0o777 == 0o700
    assert os.stat(folder).st_mode & 0o777 == 0o700
    assert os.stat(folder / "d.csv").st_mode & 0o777 == 0o600
    at.button(key="import_confirm").click().run()
    assert list((own_store / "uploads").iterdir()) == []
    at.file_uploader[0].upload("d.csv", GOOD.encode(), "text/csv").run()
    assert len(list((own_store / "uploads").iterdir())) == 1
    at.button(key="import_cancel").click().run()
    assert list((own_store / "uploads").iterdir()) == []


def test_stale_staged_uploads_are_removed_at_start_up(own_store):
    old = upload.stage([("old.csv", GOOD.encode())])
    fresh = upload.stage([("fresh.csv", GOOD.encode())])
    long_ago = time.time() - upload.STALE_AFTER_S - 60
    os.utime(old, (long_ago, long_ago))
    from sitrep.app import ui

    ui.at_start_up.clear()
    at = app()
    at.run()
    assert not old.exists() and fresh.exists()


def test_tables_sent_to_the_browser_are_capped(own_store, monkeypatch):
    monkeypatch.setattr(config, "MAX_TABLE_ROWS", 1)
    at = open_import(lang="English")
    at.file_uploader[0].upload("d.csv", ("送达时间,地址,物资\n2020-02-07 09:00,C9-0101,蔬菜\n"
                                         "2020-02-07 10:00,B5-1101,蔬菜\n").encode(), "text/csv").run()
    at.button(key="import_confirm").click().run()
    kept = at.dataframe[-1].value
    assert len(kept) == 1
    assert any("first 1 of 2 rows" in c.value for c in at.caption)


def test_upload_gone_is_a_reason_not_an_error(own_store):
    folder = upload.stage([("d.csv", GOOD.encode())])
    upload.discard(folder)
    (result,) = upload.run(folder, "测试小区", dry_run=True, who="t", max_file_mb=20)
    assert result.refused_code == "upload_gone"
