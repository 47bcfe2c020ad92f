"""What the pages keep between reruns instead of doing again (issue 13): figures keyed by their
inputs, a snapshot's pooled cursors with their rules, the seals grid's hover built a column at a
time. Speed itself is measured by `python -m sitrep bench`, never here."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from sitrep.app import ui
from sitrep.app.figures import charts
from sitrep.app.figures import seals as seal_figures
from sitrep.store import queries


def _daily(n: int) -> pd.DataFrame:
    return pd.DataFrame({"day": pd.date_range("2020-02-01", periods=3), "n": [n, 2, 3]})


def test_a_trend_option_is_kept_per_distinct_input_and_holds_every_day_and_value():
    first = charts.trend(_daily(1), {"n": "数量"}, "近 3 日")
    assert charts.trend(_daily(1), {"n": "数量"}, "近 3 日") is first
    assert first == charts.build_echarts_trend(_daily(1), {"n": "数量"}, "近 3 日")
    assert first["series"][0]["data"] == [["2020-02-01", 1], ["2020-02-02", 2], ["2020-02-03", 3]]
    assert first["series"][0]["name"] == "数量" and first["title"]["text"] == "近 3 日"
    # half a day of room at each end of the time axis, in the browser's time zone as the days are
    assert first["xAxis"]["min"] == "2020-01-31 12:00" and first["xAxis"]["max"] == "2020-02-03 12:00"
    other = charts.trend(_daily(9), {"n": "数量"}, "近 3 日")
    assert other is not first and other["series"][0]["data"][0] == ["2020-02-01", 9]
    gap = _daily(1).astype({"n": "float"})
    gap.loc[1, "n"] = float("nan")                                   # a day without a number: a gap
    assert charts.build_echarts_trend(gap, {"n": "x"}, "t")["series"][0]["data"][1] == ["2020-02-02", None]


def test_frames_differing_in_one_row_of_many_never_share_a_key():
    # Streamlit's own hash samples 10,000 of 50,000+ rows; the key reads every row
    big = pd.DataFrame({"x": range(60_000)})
    changed = big.copy()
    changed.loc[31_337, "x"] = -1
    assert ui.frame_key(big) != ui.frame_key(changed)
    assert ui.frame_key(big) == ui.frame_key(big.copy())
    assert ui.frame_key(big) != ui.frame_key(big.rename(columns={"x": "y"}))
    # text columns (most tables'), one cell apart, and a dtype apart
    names = pd.DataFrame({"name": [f"志愿者{i}" for i in range(60_000)], "hours": 1.5})
    renamed = names.copy()
    renamed.loc[59_999, "name"] = "志愿者0"
    assert ui.frame_key(names) == ui.frame_key(names.copy())
    assert ui.frame_key(names) != ui.frame_key(renamed)
    assert ui.frame_key(names) != ui.frame_key(names.astype({"hours": "float32"}))


def _registers(path, households: int) -> None:
    """A snapshot with only the registers buildings.sql reads: B1 with `households` households."""
    con = duckdb.connect(str(path))
    con.execute(
        "create table buildings (compound varchar, building varchar, floors integer, units integer);"
        "create table households (compound varchar, building varchar, unit varchar, floor integer,"
        " room varchar, residents integer, vulnerable varchar[]);"
        "insert into buildings values ('x', 'B1', 3, null)")
    for i in range(households):
        con.execute("insert into households values ('x', 'B1', null, 1, $room, 2, [])", {"room": f"10{i}"})
    con.close()


def test_a_snapshot_lends_one_cursor_at_a_time_with_every_rule_made_once_per_process(tmp_path):
    _registers(tmp_path / "one.duckdb", 1)
    _registers(tmp_path / "two.duckdb", 2)
    before = (tmp_path / "one.duckdb").read_bytes()
    one, two = ui._Snapshot(str(tmp_path / "one.duckdb")), ui._Snapshot(str(tmp_path / "two.duckdb"))
    assert one.reader is two.reader is queries.reader()   # one instance: the rules made once per process
    limit = one.reader.instance.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit.endswith("MiB") and float(limit.split()[0]) <= 256      # bounded (config.READ_DUCKDB_MEMORY)
    with one.cursor() as first:
        # the same macros read each cursor's own snapshot: 1 household in one, 2 in two
        assert queries.run(first, "buildings", compound="x").values.tolist() == [["B1", 3, 1]]
        with two.cursor() as other:
            assert queries.run(other, "buildings", compound="x").values.tolist() == [["B1", 3, 2]]
        with one.cursor() as second:                     # a query running at the same time
            assert second is not first
    with one.cursor() as again:
        assert again is first                             # back from the pool (last in, first out)
        assert queries._created[again] == set(queries.rules())   # every rule there, none created on it
    catalog = one.catalog
    del one, first, again, second                         # the cache lets it go: detached
    attached = queries.reader().instance.execute("select database_name from duckdb_databases()").fetchall()
    assert (catalog,) not in attached and (two.catalog,) in attached
    with pytest.raises(duckdb.CatalogException), two.cursor() as failed:
        failed.execute("select * from no_such_table")
    assert failed not in two.idle                         # a cursor whose query failed is not lent again
    # without a snapshot nothing resolves: the schema the rules were bound against is gone
    bare = queries.reader().instance.cursor()
    with pytest.raises(duckdb.CatalogException):
        bare.execute("select * from scoped_buildings('x', [])")
    bare.close()
    assert (tmp_path / "one.duckdb").read_bytes() == before   # read-only: nothing written


def test_a_query_past_the_readers_memory_bound_fails_alone_and_the_reader_reads_on():
    # one value of 1,000,000 × 300 'x' + the numbers 0..999,999 (5,888,890 digits) + 999,999
    # commas = 306,888,889 characters: more than the reader's 256 MB (config.READ_DUCKDB_MEMORY)
    big = "select length(string_agg(repeat('x', 300) || range::varchar, ',')) from range(1000000)"
    assert duckdb.connect().execute(big).fetchone() == (306_888_889,)    # unbounded, it runs
    cursor = queries.reader().instance.cursor()
    with pytest.raises(duckdb.OutOfMemoryException):
        cursor.execute(big)
    assert cursor.execute("select 41 + 1").fetchone() == (42,)            # the instance reads on
    cursor.close()


def test_the_seals_grid_hover_reads_each_floor():
    floors = pd.DataFrame({
        "building": ["B5", "A1"], "floor": [12, 3], "seal_state": ["sealed_floor", "open"],
        "sealed_since": pd.to_datetime(["2020-02-09 00:00", None]),
        "households": [4, 6], "sealed_households": [4, 0], "cases": [2, 0], "confirmed": [1, 0],
        "suspected": [1, 0], "asymptomatic": [0, 0],
        "last_delivery_at": pd.to_datetime(["2020-02-10 18:05", None])})
    # plain text in lines (the grid's tooltip is drawn as text, never HTML)
    assert seal_figures.hover_text(floors, "zh") == [
        "B5 · 12层\n楼层封控（自 02-09 起）\n封控住户 4 / 住户 4\n病例 2（确诊 1，疑似 1）"
        "\n最近配送 02-10 18:05",
        "A1 · 3层\n未封控\n封控住户 0 / 住户 6\n病例 0\n最近配送 无"]
    assert seal_figures.hover_text(floors, "en")[0] == (
        "B5 · floor 12\nFloor sealed (since 02-09)\nSealed households 4 of 4"
        "\nCases 2 (Confirmed 1, Suspected 1)\nLast delivery 02-10 18:05")


# -- the browser bench's floor page ------------------------------------------------------------

def test_the_floor_page_exists_only_for_the_bench(fixture_env, monkeypatch):
    from sitrep.ops import floor

    from .conftest import app

    monkeypatch.delenv(floor.ENV, raising=False)
    at = app(bench="floor")
    at.run()
    assert at.title[0].value != "floor" and len(at.sidebar.multiselect) == 1   # the dashboard, as ever
    monkeypatch.setenv(floor.ENV, "1")
    at = app(bench="floor")
    at.run()
    assert [t.value for t in at.title] == ["floor"]      # a plain page: one title, one chart, nothing else
    assert len(at.get("plotly_chart")) == 1 and not at.sidebar.multiselect and not at.metric
    at = app()                                           # bench mode without asking: the dashboard
    at.run()
    assert at.title[0].value != "floor"
    at = app(bench="repaint")                            # the repaint's floor: a picker redraws the chart
    at.run()
    before = at.get("plotly_chart")[0].proto.spec
    assert [t.value for t in at.title] == ["floor"] and len(at.sidebar.multiselect) == 1
    at.sidebar.multiselect[0].select("B5").run()
    assert at.get("plotly_chart")[0].proto.spec != before and not at.metric


def test_every_kept_thing_has_a_bound():
    """Every Streamlit cache of the app keeps a bounded number of entries (max_entries), or takes
    no argument (one entry); cache_data also has a byte bound for all its entries together."""
    import ast
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    unbounded, seen = [], 0
    for path in [root / "dashboard.py", *sorted((root / "pages").glob("*.py")),
                 *sorted((root / "sitrep").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for deco in node.decorator_list:
                    call = deco if isinstance(deco, ast.Call) else None
                    target = call.func if call else deco
                    if isinstance(target, ast.Attribute) and target.attr in ("cache_data", "cache_resource"):
                        seen += 1
                        keywords = {k.arg for k in call.keywords} if call else set()
                        if "max_entries" not in keywords and node.args.args:
                            unbounded.append(f"{path.name}:{node.name}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("cache_data", "cache_resource") \
                    and not any(k.arg == "max_entries" for k in node.keywords) and node.keywords:
                unbounded.append(f"{path.name}:{node.lineno}")
    assert seen >= 10 and unbounded == []
    server = tomllib.loads((root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]
    assert server["maxCacheDataSize"] == "128mb"


def test_sessions_attach_and_read_snapshots_from_their_own_threads(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    for n in range(1, 5):
        _registers(tmp_path / f"{n}.duckdb", n)

    def read(n: int) -> int:      # a session's thread: attach, query, let go
        snapshot = ui._Snapshot(str(tmp_path / f"{n % 4 + 1}.duckdb"))
        with snapshot.cursor() as cursor:
            return int(queries.run(cursor, "buildings", compound="x")["households"].iloc[0])

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(read, range(32))) == [n % 4 + 1 for n in range(32)]
    paths = {path for (path,) in queries.reader().instance.execute("select path from duckdb_databases()").fetchall()}
    assert not {str(tmp_path / f"{n}.duckdb") for n in range(1, 5)} & paths     # every one detached again
