"""The importer's column-at-a-time path (sitrep/ingest/fastparse.py) against the per-row path:
the same tables, row hashes, duplicates and rejections, whichever path parsed a row."""
from __future__ import annotations

import csv
import io
import random
from datetime import datetime

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep import store
from sitrep.ingest import fastparse, importer
from sitrep.ingest import parse as P
from sitrep.ingest.importer import import_files
from sitrep.ingest.read import Limits, read_file
from sitrep.ingest.rules import RULES

C = "测试小区"
REGISTERS = {
    "b.csv": "楼栋,层数\nA1,11\nB5,33\n",
    "v.csv": "编号,姓名,身份,小组\nV01,张三,党员,配送组\nV02,李四,雷锋,配送组\nV03,王五,物业,安保组\nV04,王五,医生,医疗组\n",
}
LOGS = ("deliveries", "screenings", "shifts", "vehicle_trips")
# (every kind the fast path reads; the others are read row by row: test_import_rules)
assert set(LOGS) == {kind for kind, rules in RULES.items() if rules.columnwise}
TABLES = (*LOGS, "rejected_rows", "import_history")


def write(folder, name, text, encoding="utf-8"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))
    return folder / name


def dump(folder) -> dict[str, list]:
    """Every log table (all columns but import_id, in the table's own order), the rejected
    rows and the import history (without the time and the file's hash)."""
    con = store.connect_readonly(store.current_path(folder))
    try:
        out = {t: con.execute(f"select * exclude (import_id) from {t}").fetchall() for t in LOGS}
        out["rejected_rows"] = con.execute("select * exclude (import_id) from rejected_rows").fetchall()
        out["import_history"] = con.execute(
            "select * exclude (imported_at, file_hash) from import_history").fetchall()
        return out
    finally:
        con.close()


def load(folder, files, **kw):
    return [(r.kind, r.rows_read, r.accepted, r.rejected, r.duplicates, r.refused)
            for r in import_files(files, store=folder, compound=C, year=2020, **kw)]


@pytest.fixture
def spy(monkeypatch):
    """Counts the rows the fast path parsed, per kind."""
    seen: dict[str, list[int]] = {}
    original = fastparse.parse

    def parse(rules, ctx, compound, raw, types):
        staged = original(rules, ctx, compound, raw, types)
        counts = seen.setdefault(rules.kind.name, [0, 0])
        counts[0] += raw.n
        counts[1] += int(staged.ok.sum())
        return staged

    monkeypatch.setattr(fastparse, "parse", parse)
    return seen


# -- the same logical rows, typed canonically and typed the way people type -------------

CANONICAL = {
    "d.csv": "送达时间,地址,物资,数量,单位,来源,配送人\n"
             "2020-02-10 08:30,B5-1302,蔬菜,20斤,,捐赠,V01\n"
             "2020-02-10 15:00:00,B5-0301,水果,2,箱,团购,张三\n"
             "2020-02-11 09:00,A1-0101,米面油,5,公斤,政府调配,王五\n"
             "2020-02-11T10:00,A1-0201,其他东西,,,,某人\n",
    "s.csv": "日期,地址,测温人数,最高体温,症状,处置,排查人\n"
             "2020-02-10,B5-1302,3,37.3,发热,上报,V02\n"
             "2020-02-10,A1-0101,2,36.8,,,\n"
             "2020-02-11,B5-1303,1,36.5,无,居家观察,李四\n",
    "sh.csv": "日期,志愿者,开始,结束,任务,楼栋\n"
              "2020-02-10,V01,08:00,12:30,配送,B5\n"
              "2020-02-10,王五,20:00,08:00,值守,\n",
    "vt.csv": "出车时间,返回时间,地址,事由,目的地,司机\n"
              "2020-02-10 08:30,2020-02-10 10:10,B5-0301,产检,咸宁市中心医院,V03\n"
              "2020-02-10 12:00,,,取药,,\n",
}
VARIANTS = {
    "d.csv": "福星城配送登记表\n送达时间,地址,物资,数量,单位,来源,配送人\n"
             "2020/2/10 8点半,B5栋1302室,蔬菜,20 斤,,捐赠,V01\n"
             "2月10日 下午3点,b5 0301,fruit,2,箱,团购, 张三\n"
             ",,,,,,\n"
             "2020年2月11日 9:00,Ｂ５－...,米面油,5,公斤,政府调配,王五\n"  # bad address: rejected
             "2020年2月11日 9:00,Ａ１－０１０１,米面油,5,公斤,政府调配,王五\n"
             "2020-02-11 10:00:00,A1栋0201,其他东西,,,,某人\n",
    "s.csv": "日期,地址,测温人数,最高体温,症状,处置,排查人\n"
             "2020/2/10,B5-1302,3,37.3℃,发热,上报,V02\n"
             "2020年2月10日,a1 0101,2,36.8度,,,\n"
             "2月11日,B5栋1303,1,36.5,无,居家观察,李四\n",
    "sh.csv": "日期,志愿者,开始,结束,任务,楼栋\n"
              "2020/2/10,V01,8:00,12点半,配送,b5\n"
              "2月10日,王五,晚上8点,8点,值守,\n",
    "vt.csv": "出车时间,返回时间,地址,事由,目的地,司机\n"
              "2020年2月10日 8点半,2020/2/10 10:10,B5栋0301,产检,咸宁市中心医院,V03\n"
              "2020-02-10T12:00:00,,,取药,,\n",
}


def test_canonical_and_typed_variants_give_identical_tables(tmp_path, monkeypatch, spy):
    """The same rows typed canonically (fast path, vectorised date-times) and as people type
    them (per-row path; and fast path, date-times through the importer's parser): the same
    tables, row hashes included; and each store takes the other's files as duplicates."""
    stores = {}
    for name, files, fast in (("canonical", CANONICAL, True), ("typed", VARIANTS, False),
                              ("typed-fast", VARIANTS, True)):
        monkeypatch.setattr(importer, "FAST_PATH", fast)
        paths = [write(tmp_path / name, n, t) for n, t in {**REGISTERS, **files}.items()]
        load(tmp_path / name / "store", paths)
        stores[name] = dump(tmp_path / name / "store")
    assert spy["deliveries"] == [4 + 5, 4 + 4]  # all but the rejected row
    for table in LOGS:
        assert stores["canonical"][table] == stores["typed"][table] == stores["typed-fast"][table], table
    assert len(stores["canonical"]["deliveries"]) == 4 and len(stores["canonical"]["shifts"]) == 2
    assert stores["canonical"]["rejected_rows"] == []
    assert [r[3] for r in stores["typed"]["rejected_rows"]] == [6]  # row 6 of d.csv
    assert stores["typed"]["rejected_rows"] == stores["typed-fast"]["rejected_rows"]
    logs = ["d.csv", "s.csv", "sh.csv", "vt.csv"]
    monkeypatch.setattr(importer, "FAST_PATH", False)  # per-row path against fast-path hashes
    again = load(tmp_path / "canonical" / "store", [tmp_path / "typed" / f for f in logs])
    assert [(k, acc, dup) for k, _, acc, _, dup, _ in again] == [
        ("deliveries", 0, 4), ("screenings", 0, 3), ("shifts", 0, 2), ("vehicle_trips", 0, 2)]
    monkeypatch.setattr(importer, "FAST_PATH", True)  # fast path against per-row hashes
    again = load(tmp_path / "typed" / "store", [tmp_path / "canonical" / f for f in logs])
    assert [(k, acc, dup) for k, _, acc, _, dup, _ in again] == [
        ("deliveries", 0, 4), ("screenings", 0, 3), ("shifts", 0, 2), ("vehicle_trips", 0, 2)]


def test_a_file_with_both_forms_counts_duplicates_across_forms(tmp_path, monkeypatch, spy):
    write(tmp_path, "b.csv", REGISTERS["b.csv"])
    write(tmp_path, "d.csv", "送达时间,地址,物资,数量,单位\n"
                             "2020-02-10 08:30,B5-1302,蔬菜,20,斤\n"       # vectorised
                             "2020/2/10 8点半,B5栋1302,蔬菜,20斤,\n"        # the same row, typed
                             "2020-02-10 08:30:00,B5-1302,蔬菜,20,斤\n"    # the same row again
                             "2020-02-10 08:31,B5-1302,蔬菜,20,斤\n"       # another
                             "2月10日 8点31分,B5-1302,蔬菜,20,斤\n"          # that one again, typed
                             "2020-02-10 08:32,B5-1302,蔬菜,20,斤\n")
    write(tmp_path, "v.csv", "送达时间,地址,物资,数量,单位\n2020/2/10 8点32分,B5栋1302室,蔬菜,20斤,斤\n")
    out = []
    for fast in (True, False):
        monkeypatch.setattr(importer, "FAST_PATH", fast)
        folder = tmp_path / f"s-{fast}"
        results = load(folder, [tmp_path / "b.csv", tmp_path / "d.csv"])
        assert results[1] == ("deliveries", 6, 3, 0, 3, None)
        # a later import of the typed row alone: a duplicate
        assert load(folder, [tmp_path / "v.csv"]) == [("deliveries", 1, 0, 0, 1, None)]
        out.append(dump(folder))
    assert spy["deliveries"] == [6 + 1, 6 + 1]
    assert out[0] == out[1]
    assert [(r[1], r[9]) for r in out[0]["deliveries"]] == [
        (datetime(2020, 2, 10, 8, 30), 10.0), (datetime(2020, 2, 10, 8, 31), 10.0),
        (datetime(2020, 2, 10, 8, 32), 10.0)]


# -- the fast path on and off, on messy files -----------------------------------------------

def messy_files(folder, seed: int, rows: int, quoted: bool = False) -> list:
    """Log files mixing canonical cells, typed variants, bad cells, blank and ragged rows,
    repeated rows, in UTF-8 (with or without BOM) or GB18030, with \\n, \\r\\n or \\r."""
    rnd = random.Random(seed)

    def pick(*options):  # mostly the first (canonical) option
        return options[0] if rnd.random() < 0.75 else rnd.choice(options)

    def dt():
        d, h, m, s = rnd.randint(1, 29), rnd.randint(0, 24), rnd.randint(0, 60), rnd.randint(0, 59)
        return pick(f"2020-02-{d:02d} {h:02d}:{m:02d}", f"2020-02-{d:02d} {h:02d}:{m:02d}:{s:02d}",
                    f"2020-02-{d:02d}T{h:02d}:{m:02d}", f"2020/2/{d} {h}:{m:02d}", f"2月{d}日 {h}点半",
                    f"2020年2月{d}日 下午{h % 12}点", f"2020-02-{d:02d}", " 2020-02-10 08:30",
                    "２０２０-02-10 08:30", "not a time", "", f"2020-02-{d:02d} {h:02d}:{m:02d}:{s:02d}.5",
                    f"1899-02-{d:02d} 08:00", f"2020-02-{d:02d}  {h:02d}:{m:02d}", "2020-02-10 24:00",
                    "2019-02-29 10:00", "2020-02-29 10:00", "2020-02-30 10:00")

    def addr():
        b = pick("B5", "A1", "C9", "b5", "Ｂ５")
        r = f"{rnd.randint(0, 35)}{rnd.randint(1, 4):02d}"
        return pick(f"{b}-{r}", f"{b}栋{r}", f"{b}栋1单元{r}", f"{b}栋{r}室", f"{b} {r}", "", "B5-13", "B5-0001")

    def vol():
        return pick("V01", "V02", "张三", "王五", "某人", "", " V01", "V0１", "李四")

    def blank_row(cols):
        return rnd.choice((",".join([""] * cols), "", " , ,", "\u3000," + "," * (cols - 2), "-,,", "\u3000",
                           *([None] * 14)))

    kinds = {
        "d.csv": ("送达时间,地址,物资,数量,单位,来源,配送人", 7, lambda: [
            dt(), addr(), pick("蔬菜", "水果", "vegetables", "其他东西", "", "乱码"),
            pick("20斤", "10kg", "3", "", "x", "-1", "20 斤", "1.5", "100001", "２０"),
            pick("斤", "公斤", "箱", "", "KG", "份"), pick("捐赠", "团购", "", "乱码"), vol()]),
        "d2.csv": ("送达时间,楼栋,房号,物资,数量", 5, lambda: [
            dt(), pick("B5", "A1", "b5", "C9", "", "B5栋"), pick("1302", "0101", "3501", "", "13", "1302室"),
            pick("蔬菜", ""), pick("3", "")]),
        "d3.csv": ("送达时间,地址,楼栋,房号,物资", 5, lambda: [
            dt(), addr(), pick("", "B5", "A1"), pick("", "1302", "0101"), pick("蔬菜", "")]),
        "s.csv": ("日期,地址,测温人数,最高体温,症状,处置,排查人", 7, lambda: [
            pick("2020-02-10", "2020/2/10", "2020年2月10日", "2月11日", "", "2020-02-31"), addr(),
            pick("1", "2", "", "x", "-1", "2.5"), pick("36.5", "37.3℃", "36.8度", "45", "", "abc", "３６.６"),
            pick("发热", "发热、咳嗽", "", "无", "怪"), pick("上报", "隔离", "", "乱码"), vol()]),
        "sh.csv": ("日期,志愿者,开始,结束,任务,楼栋", 6, lambda: [
            pick("2020-02-10", "2020/2/10", "2月11日", "", "2020-02-31"), vol(),
            pick("08:00", "8:30", "8点半", "下午3点", "24:00", "25:00", ""),
            pick("12:00", "20:00", "8点", "", "99:00"), pick("配送", "值守", "巡逻", ""),
            pick("B5", "", "C9", "a1", "A1栋")]),
        "vt.csv": ("出车时间,返回时间,地址,事由,目的地,司机", 6, lambda: [
            dt(), dt(), addr(), pick("产检", "急诊", "", "乱码"), pick("医院", "", "咸宁市中心医院"), vol()]),
    }
    paths = [write(folder, n, t) for n, t in REGISTERS.items()]
    for name, (header, cols, make) in kinds.items():
        lines, earlier = ["福星城登记表", header], []
        for _ in range(rows):
            blank = blank_row(cols)
            if blank is not None:
                lines.append(blank)
                continue
            if earlier and rnd.random() < 0.08:
                lines.append(rnd.choice(earlier))
                continue
            cells = make()
            if rnd.random() < 0.03:
                cells = cells[:rnd.randint(1, len(cells))]
            if rnd.random() < 0.02:
                cells = [*cells, "extra"]
            line = ",".join(f'"{c}"' if quoted and rnd.random() < 0.3 else c for c in cells)
            earlier.append(line)
            lines.append(line)
        newline = rnd.choice(["\n", "\r\n", "\r"])
        text = newline.join(lines) + rnd.choice([newline, ""])
        encoding = rnd.choice(["utf-8", "utf-8-sig", "gb18030"])
        try:
            paths.append(write(folder, name, text, encoding))
        except UnicodeEncodeError:
            paths.append(write(folder, name, text))
    return paths


@pytest.mark.parametrize("seed, quoted", [(1, False), (2, False), (3, True)])
def test_the_fast_path_and_the_per_row_path_give_identical_imports(tmp_path, monkeypatch, spy, seed, quoted):
    """Same results, same tables (same order, same row hashes) and the same rejected rows
    (row number, column, value, reason) with the fast path on and off; a second import and
    a re-import of some files as well (duplicates against earlier imports)."""
    paths = messy_files(tmp_path / "files", seed, 400, quoted)
    dumps, results = [], []
    for fast in (True, False):
        monkeypatch.setattr(importer, "FAST_PATH", fast)
        folder = tmp_path / f"store-{fast}"
        results.append([load(folder, paths), load(folder, paths[2:]), load(folder, paths[2:4])])
        dumps.append(dump(folder))
    assert results[0] == results[1]
    for table in TABLES:
        assert dumps[0][table] == dumps[1][table], table
    assert len(dumps[0]["rejected_rows"]) > 100 and all(len(dumps[0][t]) > 20 for t in LOGS)
    for kind in LOGS:  # the fast path took part of each kind, and not all of it
        read, fast = spy[kind]
        assert 0 < fast < read, kind


@pytest.mark.parametrize("seed, quoted", [(4, False), (5, True)])
def test_a_sheet_read_in_parts_imports_as_one_read_whole(tmp_path, monkeypatch, spy, seed, quoted):
    """The column-at-a-time path takes a sheet COLUMN_PART_ROWS rows at a time (to bound its
    memory): parts of 37 rows, with duplicates and rejected rows on both sides of the parts'
    borders, give the results, tables and rejected rows of one part and of the per-row path."""
    paths = messy_files(tmp_path / "files", seed, 400, quoted)
    parts = []
    original = fastparse.raw_columns

    def raw_columns(*args, **kw):
        parts.append(args[1])
        return original(*args, **kw)

    monkeypatch.setattr(fastparse, "raw_columns", raw_columns)
    runs = []
    for fast, part in ((True, 37), (True, 1_000_000), (False, 37)):
        monkeypatch.setattr(importer, "FAST_PATH", fast)
        monkeypatch.setattr(importer, "COLUMN_PART_ROWS", part)
        parts.clear()
        folder = tmp_path / f"store-{fast}-{part}"
        runs.append(([load(folder, paths), load(folder, paths[2:])], dump(folder)))
        if fast:  # 6 logs of 400 rows (+ title and header) read again: 11 parts each, or 1
            assert len(parts) == 12 * (11 if part == 37 else 1), part
    assert runs[0] == runs[1] == runs[2]
    assert len(runs[0][1]["rejected_rows"]) > 100 and all(r[0][4] > 0 for r in runs[0][0][1:])


def test_a_workbook_part_mixing_types_in_a_column_goes_row_by_row(tmp_path, monkeypatch, spy):
    """An XLSX part whose columns each hold one type of cell takes the column path; a part
    with date-time cells and a text cell in one column the per-row path; together they
    import what the per-row path imports."""
    import openpyxl

    write(tmp_path, "b.csv", REGISTERS["b.csv"])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["送达时间", "地址", "物资", "数量"])
    for i in range(6):  # rows 2-7 text; rows 8-13 Excel date-time cells but one; a duplicate
        sheet.append([f"2020-02-10 08:{i:02d}", f"B5-{1301 + i}", "蔬菜", str(i + 1)])
    for i in range(6):
        sheet.append([datetime(2020, 2, 10, 9, i) if i != 2 else "2020-02-10 09:02", f"B5-{1301 + i}", "蔬菜",
                      str(i + 1)])
    sheet.append(["2020-02-10 08:01", "B5-1302", "蔬菜", "2"])
    book.save(tmp_path / "d.xlsx")
    out = []
    for fast in (True, False):
        monkeypatch.setattr(importer, "FAST_PATH", fast)
        monkeypatch.setattr(importer, "COLUMN_PART_ROWS", 6)
        out.append((load(tmp_path / f"s-{fast}", [tmp_path / "b.csv", tmp_path / "d.xlsx"]),
                    dump(tmp_path / f"s-{fast}")))
    assert out[0] == out[1]
    assert out[0][0][1] == ("deliveries", 13, 12, 0, 1, None)  # 13 rows read: 12 new, 1 duplicate
    assert spy["deliveries"] == [7, 7]  # parts 1 (rows 2-7) and 3 (row 14) column-wise; 2 by row
    monkeypatch.setattr(importer, "FAST_PATH", True)  # all date-time cells: every part column-wise
    spy.clear()
    sheet.cell(10, 1).value = datetime(2020, 2, 10, 9, 2)
    book.save(tmp_path / "d.xlsx")
    assert load(tmp_path / "s-again", [tmp_path / "b.csv", tmp_path / "d.xlsx"])[1] == out[0][0][1]
    assert spy["deliveries"] == [13, 13]


@pytest.mark.parametrize("seed", [6, 7])
def test_workbook_cells_of_every_type_import_alike_on_both_paths(tmp_path, monkeypatch, spy, seed):
    """XLSX cells as the reader gives them (date-times, with and without microseconds and out
    of range, dates, times, numbers, booleans, text, and columns mixing them) through the
    column path give the per-row path's results, tables and rejected rows."""
    import openpyxl

    rnd = random.Random(seed)
    folder = tmp_path / "files"
    paths = [write(folder, n, t) for n, t in REGISTERS.items()]

    def when():
        return rnd.choice([datetime(2020, 2, 10, 8, rnd.randint(0, 59), rnd.randint(0, 59)),
                           datetime(2020, 2, 11, 9, 30, 5, 700_000), datetime(1900, 3, 1, 8), datetime(2100, 1, 1),
                           datetime(2020, 3, 1, 23, 59, 59, 999_000)])

    def pick(*options):
        return rnd.choice(options)

    kinds = {  # per kind: header, a row, whether a column mixes types (then every part goes row by row)
        "d": (["送达时间", "地址", "物资", "数量", "单位", "配送人"], lambda: [
            when(), pick("B5-1302", "A1-0101", "C9-0101", "B5-3401"), pick("蔬菜", "水果", ""),
            pick(1, 2, 20, -1, 100001), pick("斤", "箱", ""), pick("V01", "张三", "王五", None)]),
        "d_mixed": (["送达时间", "地址", "物资", "数量"], lambda: [
            pick(when(), "2020-02-10 08:30"), "B5-1302", "蔬菜", pick(3, "3", "20斤", 2.5)]),
        "s": (["日期", "地址", "测温人数", "最高体温", "症状", "排查人"], lambda: [
            pick(datetime(2020, 2, 10), datetime(2020, 2, 11, 15, 0), datetime(2030, 1, 1)),
            pick("B5-1302", "A1-0101"), pick(1, 2, 0), pick(36.5, 37.3, 45.5, 36.1), pick("发热", "", "无"),
            pick("V01", "V02")]),
        "sh": (["日期", "志愿者", "开始", "结束", "任务"], lambda: [
            pick(datetime(2020, 2, 10), datetime(2020, 2, 12)), pick("V01", "V03"),
            pick(datetime(2020, 2, 10, 8, 0).time(), datetime(2020, 2, 10, 14, 30).time()),
            pick(datetime(2020, 2, 10, 12, 0).time(), datetime(2020, 2, 10, 7, 0).time()), pick("配送", "值守")]),
        "vt": (["出车时间", "返回时间", "地址", "事由"], lambda: [when(), when(), "B5-1302", pick("产检", "急诊")]),
    }
    for name, (header, make) in kinds.items():
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["福星城登记表"])
        sheet.append(header)
        for _ in range(150):
            sheet.append(make() if rnd.random() > 0.05 else [None] * len(header))
        book.save(folder / f"{name}.xlsx")
        paths.append(folder / f"{name}.xlsx")
    runs = []
    for fast in (True, False):
        monkeypatch.setattr(importer, "FAST_PATH", fast)
        monkeypatch.setattr(importer, "COLUMN_PART_ROWS", 40)
        store_dir = tmp_path / f"store-{fast}"
        runs.append(([load(store_dir, paths), load(store_dir, paths[3:])], dump(store_dir)))
    assert runs[0] == runs[1]
    assert len(runs[0][1]["rejected_rows"]) > 50 and all(len(runs[0][1][t]) > 20 for t in LOGS)
    for kind in LOGS:  # every log kind took the column path for some of its rows
        assert spy[kind][1] > 0, kind


def test_rejections_are_the_same_whichever_path(tmp_path, monkeypatch):
    write(tmp_path, "b.csv", REGISTERS["b.csv"])
    write(tmp_path, "d.csv", "送达时间,地址,物资,数量,单位\n"
                             "2020-02-10 08:30,B5-1302,蔬菜,20,斤\n"
                             "2020-02-10 08:31,C9-0101,蔬菜,20,斤\n"      # unknown building
                             "2020-02-10 08:32,B5-3401,蔬菜,20,斤\n"      # floor 34 of 33
                             "2020-02-31 08:33,B5-1302,蔬菜,20,斤\n"      # no such date
                             "2020-02-10 08:34,B5-0001,蔬菜,20,斤\n"      # floor 0
                             "2020-02-10 08:35,,蔬菜,20,斤\n"             # missing address
                             "2020-02-10 08:36,B5-1302,,20,斤\n"          # missing category
                             "2020-02-10 08:37,B5-1302,蔬菜,x,斤\n"       # bad quantity
                             "2020-02-10 25:00,B5-1302,蔬菜,20,斤\n"      # bad time
                             "2020-02-10 08:39,B5-1302,蔬菜\n"            # a short row: fine
                             "2020-02-10 08:40,B5-1302,蔬菜,20,斤,extra\n")
    write(tmp_path, "vt.csv", "出车时间,返回时间,地址,事由\n"
                              "2020-02-10 08:30,2020-02-10 08:00,B5-1302,产检\n"  # back before leaving
                              "2020-02-10 08:30,2020-02-10 09:00,B5-1302,产检\n")
    out = []
    for fast in (True, False):
        monkeypatch.setattr(importer, "FAST_PATH", fast)
        folder = tmp_path / f"s-{fast}"
        out.append((load(folder, [tmp_path / "b.csv", tmp_path / "d.csv", tmp_path / "vt.csv"]), dump(folder)))
    assert out[0] == out[1]
    rejected = out[0][1]["rejected_rows"]
    assert [(r[1], r[3], r[5], r[6]) for r in rejected] == [
        ("d.csv", 3, "地址", "C9-0101"), ("d.csv", 4, "地址", "B5-3401"), ("d.csv", 5, "送达时间", "2020-02-31 08:33"),
        ("d.csv", 6, "地址", "B5-0001"), ("d.csv", 7, "地址", ""), ("d.csv", 8, "物资", ""),
        ("d.csv", 9, "数量", "x"), ("d.csv", 10, "送达时间", "2020-02-10 25:00"),
        ("vt.csv", 2, "返回时间", "2020-02-10 08:00")]
    assert [r[7] for r in rejected] == [
        "unknown_building", "floor_too_high", "bad_datetime", "bad_address", "missing", "missing",
        "bad_quantity", "bad_datetime", "return_before_departure"]


# -- the pieces -----------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.from_regex(r"(19|20|21|00)\d\d-[01]\d-[0-3]\d[ T][0-2]\d:[0-6]\d(:[0-6]\d)?", fullmatch=True),
    st.from_regex(r"\d{4}.\d\d.\d\d.\d\d.\d\d(.\d\d)?", fullmatch=True),
    st.text(max_size=20)))
def test_date_times_taken_vectorised_are_what_parse_datetime_makes_of_them(text):
    stamps, fast = fastparse.canonical_datetimes(pa.array([text, None, text], pa.string()))
    assert not fast[1] and fast[0] == fast[2]
    if fast[0]:
        assert stamps[0].astype(datetime) == P.parse_datetime(text, 2020)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2099, 12, 31, 23, 59, 59)),
       st.sampled_from(["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]))
def test_canonical_date_times_are_taken_vectorised(value, form):
    text = value.strftime(form)
    stamps, fast = fastparse.canonical_datetimes(pa.array([text], pa.string()))
    assert fast[0] and stamps[0].astype(datetime) == P.parse_datetime(text, 2020)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=["a", ",", "\n", "\r", " ", "中", "\x0b", "\x0c", "\x1c", "\u2028", "\x85",
                         "'", "\t", "ｂ", "\u3000"], max_size=30))
def test_a_csv_without_quotes_reads_as_the_csv_module_reads_it(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    path.write_bytes(text.encode("utf-8"))
    (sheet,) = read_file(path, Limits())
    assert sheet.lines is not None
    assert sheet.delimiter == ("\t" if text.count("\t") > text.count(",") else ",")  # Excel's "Unicode text"
    expected = list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sheet.delimiter), start=1))
    assert list(sheet.iter_rows()) == expected
    assert [sheet.row(i) for i in range(len(sheet))] == expected
    assert sheet.rows == expected
