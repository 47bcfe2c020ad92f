"""Known-answer tests: every queries/*.sql on the hand-built fixture (tests/fixture/*.csv).
The expected rows were worked out by hand from the fixture files, not by running the query."""
from __future__ import annotations

from datetime import date

import pytest

from sitrep import config
from sitrep.ingest.contract import window_params
from sitrep.store.queries import names, run

C = "测试小区"
WINDOW = {"date_from": date(2020, 2, 5), "date_to": date(2020, 2, 8)}


def overview(con, buildings):
    frame = run(con, "overview_daily", compound=C, buildings=buildings, **WINDOW,
                fever_c=config.FEVER_C, urgent_hours=2, normal_hours=24)
    assert [d.date() for d in frame["day"]] == [date(2020, 2, d) for d in (5, 6, 7, 8)]
    return {col: frame[col].tolist() for col in frame.columns if col != "day"}


def assert_same(got: dict, expected: dict):
    assert set(got) == set(expected)
    for column, values in expected.items():
        assert got[column] == pytest.approx(values), column


def test_overview_daily_all_buildings(fixture_con):
    got = overview(fixture_con, [])
    expected = {
        "households": [9, 9, 9, 9],
        # B5 sealed whole 02-04 until 02-08 (open that day); A1 floors 2-3 from 02-06 to 02-09
        "sealed_buildings": [1, 1, 1, 0],
        "sealed_floors": [10, 12, 12, 2],
        "sealed_households": [5, 7, 7, 2],          # B5's 5; + A1-201, A1-301
        "confirmed_total": [1, 1, 2, 2],            # C1; C2 suspected 02-06, confirmed 02-07
        "confirmed_new": [0, 0, 1, 0],
        "suspected": [1, 2, 0, 0],                  # C3 02-05..02-06 (ruled out 02-07), C2 02-06
        "fever": [0, 2, 0, 0],                      # 37.3 counts, 37.8 counts
        "households_screened": [0, 4, 2, 0],
        "deliveries": [0, 3, 1, 0],
        "kg": [0, 15, 5, 0],                        # 20斤=10 + 2箱=none + 5公斤; 10斤
        "volunteers_on_duty": [0, 4, 1, 0],
        "volunteer_hours": [0, 26.5, 3.5, 0],       # 4 + 2.5 + 12 (past midnight) + 8; 3.5
        "medicine_open": [0, 1, 2, 2],              # M2; M2 + M3 (M1 delivered, M4 cancelled)
        "medicine_overdue": [0, 0, 2, 2],           # M2 past 24 h on 02-07; M3 past 2 h
        "trips": [0, 2, 1, 0],
    }
    assert_same(got, expected)


def test_overview_daily_building_b5(fixture_con):
    got = overview(fixture_con, ["B5"])
    expected = {
        "households": [5, 5, 5, 5],
        "sealed_buildings": [1, 1, 1, 0],
        "sealed_floors": [10, 10, 10, 0],
        "sealed_households": [5, 5, 5, 0],
        "confirmed_total": [1, 1, 1, 1],
        "confirmed_new": [0, 0, 0, 0],
        "suspected": [1, 1, 0, 0],
        "fever": [0, 1, 0, 0],
        "households_screened": [0, 2, 1, 0],
        "deliveries": [0, 2, 0, 0],
        "kg": [0, 10, 0, 0],
        "volunteers_on_duty": [0, 2, 1, 0],         # shifts naming B5: V01, 王五
        "volunteer_hours": [0, 16, 3.5, 0],
        "medicine_open": [0, 0, 1, 1],
        "medicine_overdue": [0, 0, 1, 1],
        "trips": [0, 1, 0, 0],
    }
    assert_same(got, expected)


def test_compounds(fixture_con):
    frame = run(fixture_con, "compounds", **window_params(date(2026, 11, 30)))
    assert frame["compound"].tolist() == [C]
    row = frame.iloc[0]
    assert row["year"] == 2020
    assert row["first_on"].date() == date(2020, 2, 3)     # case C1's report
    assert row["last_on"].date() == date(2020, 2, 7)      # M3, shifts, trips on 02-07
    assert row["default_as_of"].date() == date(2020, 2, 7)  # no default set: the latest day
    # no lockdown set: the default trend range is the data's span
    assert (row["range_from"].date(), row["range_to"].date()) == (date(2020, 2, 3), date(2020, 2, 7))


def test_buildings(fixture_con):
    frame = run(fixture_con, "buildings", compound=C)
    assert frame.to_dict("records") == [
        {"building": "A1", "floors": 6, "households": 4},
        {"building": "B5", "floors": 10, "households": 5},
    ]


def test_data_freshness(fixture_con):
    from datetime import timedelta

    imported_at = fixture_con.execute("select max(imported_at) from import_history").fetchall()[0][0]
    frame = run(fixture_con, "data_freshness", compound=C, now=imported_at + timedelta(hours=1),
                stale_hours=24).set_index("kind")
    assert list(frame.index) == ["buildings", "households", "volunteers", "seals", "shifts", "deliveries",
                                 "medicine_requests", "screenings", "cases", "vehicle_trips"]
    newest = {k: (v.date() if v == v else None) for k, v in frame["newest_on"].items()}
    assert newest == {
        "buildings": None, "households": None, "volunteers": None,
        "cases": date(2020, 2, 7), "deliveries": date(2020, 2, 7),
        "medicine_requests": date(2020, 2, 7), "screenings": date(2020, 2, 7),
        "seals": date(2020, 2, 6), "shifts": date(2020, 2, 7), "vehicle_trips": date(2020, 2, 7),
    }
    assert not frame["is_stale"].any()
    later = run(fixture_con, "data_freshness", compound=C, now=imported_at + timedelta(hours=25),
                stale_hours=24)
    assert later["is_stale"].all()
    other = run(fixture_con, "data_freshness", compound="另一个小区", now=imported_at, stale_hours=24)
    assert other["is_stale"].all() and other["last_import_at"].isna().all()   # never imported


def test_rejected_rows_recent(tmp_path):
    from sitrep import store
    from sitrep.ingest.importer import import_files

    (tmp_path / "b.csv").write_text("楼栋,层数\nB5,10\n", encoding="utf-8")
    (tmp_path / "s.csv").write_text("日期,地址\n2020-02-10,B5-0101\n2020-02-10,B5-1101\nx,B5-0102\n",
                                    encoding="utf-8")
    import_files([tmp_path / "b.csv", tmp_path / "s.csv"], store=tmp_path, compound=C, year=2020)
    con = store.connect_readonly(store.current_path(tmp_path))
    frame = run(con, "rejected_rows_recent", compound=C, kinds=[], limit=10)
    assert frame[["kind", "file", "row_number", "column", "value"]].values.tolist() == [
        ["screenings", "s.csv", 3, "地址", "B5-1101"],     # floor 11 of 10
        ["screenings", "s.csv", 4, "日期", "x"]]
    assert run(con, "rejected_rows_recent", compound=C, kinds=["deliveries"], limit=10).empty
    assert len(run(con, "rejected_rows_recent", compound=C, kinds=[], limit=1)) == 1
    con.close()


def test_pages_get_every_query_parameter_from_one_function():
    from sitrep.app.filters import Filters

    f = Filters(compound=C, buildings=["B5"], as_of=date(2020, 2, 10), date_from=date(2020, 2, 1),
                date_to=date(2020, 3, 13), lang="zh", first_on=date(2020, 2, 3), last_on=date(2020, 3, 14))
    scope = {"compound": C, "buildings": ["B5"]}
    assert f.params() == scope
    assert f.params(as_of=True) == {**scope, "as_of": date(2020, 2, 10)}
    # the sidebar's range; the 14 days ending on the as-of date (02-10 - 13 days = 01-28, but
    # the data start on 02-03); the as-of date and the day before, for a card's change
    assert f.params(window="range") == {**scope, "date_from": date(2020, 2, 1), "date_to": date(2020, 3, 13)}
    assert f.params(window="recent") == {**scope, "date_from": date(2020, 2, 3), "date_to": date(2020, 2, 10)}
    assert f.params(window="change") == {**scope, "date_from": date(2020, 2, 9), "date_to": date(2020, 2, 10)}
    # a page that replays another day (the seals slider) passes it in place of the as-of date
    assert f.params(as_of=True, window="change", day=date(2020, 2, 20)) == {
        **scope, "as_of": date(2020, 2, 20), "date_from": date(2020, 2, 19), "date_to": date(2020, 2, 20)}
    # on the first day of data the recent window still has the day before, for the change
    first = Filters(**{**f.__dict__, "as_of": date(2020, 2, 3)})
    assert first.params(window="recent")["date_from"] == date(2020, 2, 2)
    with pytest.raises(ValueError):
        f.params(window="week")


def test_every_query_names_its_parameters_one_way():
    """The as-of date is $as_of, the trend window $date_from/$date_to, the scope $compound and
    $buildings: no $day, $on, $from or $to under another name."""
    import re

    from sitrep.store.queries import sql

    used = {p for n in names() for p in re.findall(r"\$(\w+)", sql(n))}
    assert not used & {"day", "on", "from", "to", "date", "start", "end", "building_filter"}
    assert {"as_of", "date_from", "date_to", "compound", "buildings"} <= used


def test_every_query_has_a_known_answer_test():
    from pathlib import Path

    source = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    untested = [n for n in names() if f'"{n}"' not in source]
    assert not untested, f"queries without a known-answer test: {untested}"
