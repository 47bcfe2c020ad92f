"""Generated team sheets for the property tests: rows of every kind (hypothesis strategies),
written as CSV, as UTF-16 tab-separated text or as XLSX with Excel date, date-time and time
cells, a store holding the registers they refer to, and a dump of a store's tables."""
from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sitrep import store
from sitrep.ingest import importer
from sitrep.ingest.contract import KINDS
from sitrep.ingest.importer import import_files

C = "测试小区"
# Examples per property test: few in the suite (it must stay fast), many on demand:
# SITREP_PROPERTY_EXAMPLES=200 pytest tests/test_reimport.py tests/test_import_property.py
EXAMPLES = int(os.environ.get("SITREP_PROPERTY_EXAMPLES", "6"))
DERANDOMIZE = "SITREP_PROPERTY_EXAMPLES" not in os.environ   # the suite's examples are the same every run
REGISTERS = {
    "b.csv": "楼栋,层数\nA1,11\nB5,33\n",
    "v.csv": "编号,姓名,身份,小组\nV01,张三,党员,配送组\nV02,李四,雷锋,配送组\nV03,王五,物业,安保组\nV04,王五,医生,医疗组\n",
    "h.csv": "楼栋,单元,房号,人数\nB5,1,1302,3\nA1,1,0101,2\n",
}

DAYS = [date(2020, 2, d) for d in range(3, 13)]
MOMENTS = [datetime(2020, 2, d, h, m) for d in range(5, 10) for h in (8, 13, 20) for m in (0, 30)]
TIMES = [time(8), time(12, 30), time(20), time(7, 45)]
ADDRESSES = ["B5-1302", "B5-0301", "A1-0101", "A1-1102", "A1-1201", "B5-3401", "C9-0101"]  # last three: bad
VOLUNTEERS = ["V01", "V02", "张三", "王五", "某人"]

# Candidate values per column type (and per column where the kind needs its own), mostly good.
POOLS: dict[str, list] = {
    "date": DAYS, "datetime": MOMENTS, "time": TIMES, "address": ADDRESSES, "volref": VOLUNTEERS,
    "int": [0, 1, 2, 3, 5, 60], "float": [0, 12.5, 40, -3], "temp": ["36.5", "37.3℃", "38.2", "45"],
    "quantity": ["20斤", "3", "5", "1.5"], "unit": ["斤", "箱", "公斤"], "bool": ["是", "否"],
    "floors": ["3", "2-4", "12,13"], "text": ["甲", "乙", "咸宁市中医医院"],
    "buildings.building": ["A1", "B5", "C2"], "buildings.floors": [11, 33, 6, 90],
    "households.building": ["A1", "B5"], "households.room": ["0101", "0302", "1102", "1302"],
    "volunteers.volunteer_id": ["V01", "V05", "V06"], "volunteers.name": ["张三", "赵六", "钱七"],
    "shifts.building": ["B5", "A1", ""], "seals.building": ["A1", "B5"],
    "medicine_requests.request_id": ["M1", "M2", "M3"], "cases.case_id": ["C1", "C2", "C3"],
}


def pool(kind: str, column) -> list:
    if f"{kind}.{column.name}" in POOLS:
        return POOLS[f"{kind}.{column.name}"]
    if column.type.startswith(("code:", "list:")):
        from sitrep.ingest.contract import CODES

        labels = [labels[0] for labels in CODES[column.type.split(":")[1]].values()]
        return labels[:4] + (["、".join(labels[:2])] if column.type.startswith("list:") else [])
    return POOLS.get(column.type, POOLS["text"])


def columns(kind: str):
    """The columns a sheet of this kind has (deliveries by 地址, not 楼栋 + 房号)."""
    return [c for c in KINDS[kind].columns if not (kind == "deliveries" and c.name in ("building", "room"))]


def good_rows(kind: str, max_size: int = 10):
    """Rows of mostly good values, blank cells included (more often where a column is optional;
    a row of an updatable kind with only its ID and a few cells is an update)."""
    cells = {c.name: st.sampled_from([*pool(kind, c), None] if c.required else [*pool(kind, c), None, None])
             for c in columns(kind)}
    return st.lists(st.fixed_dictionaries(cells), min_size=1, max_size=max_size)


# Cells as a hostile or careless clerk types them.
ADVERSARIAL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["2147483648", "99999999999999999999", "-1", "1e400", "nan", "inf", "9999-12-31",
                     "9999-12-31 23:59", "1900-01-01", "1900-01-01 00:00", "0000-00-00", "2020-02-30",
                     "25:61", "=1+1", "@SUM(A1)", "\x00", "B5\x00-1302", "\u202eB5-1302", "x" * 1001,
                     "a,b", 'say "hi"', "line\nbreak", "tab\there", "１２", "Ｂ５－１３０２", "—", " ", ""]),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1900, 1, 2)),
    st.datetimes(min_value=datetime(1900, 1, 2)),
    st.times(),
    st.booleans(),
)


def adversarial_rows(kind: str, max_size: int = 6):
    cells = {c.name: st.one_of(st.none(), st.sampled_from(pool(kind, c)), ADVERSARIAL) for c in columns(kind)}
    return st.lists(st.fixed_dictionaries(cells), min_size=1, max_size=max_size)


# -- writing -------------------------------------------------------------------------------

def as_text(value) -> str:
    """A cell as a clerk types it in a text file."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def write(path: Path, kind: str, rows: list[dict], form: str) -> Path:
    """A sheet of these rows: `csv` (UTF-8, quoted only where needed), `text` (UTF-16,
    tab-separated: Excel's "Unicode text") or `xlsx` (dates, date-times and times as Excel cells)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = columns(kind)
    header = [c.zh for c in cols]
    if form == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = KINDS[kind].zh
        sheet.append(header)
        for row in rows:
            sheet.append([_xlsx_cell(row.get(c.name)) for c in cols])
        book.save(path)
        return path
    out = io.StringIO(newline="")
    # (Excel's line ends: a cell holding \r or \n is quoted)
    writer = csv.writer(out, delimiter="\t" if form == "text" else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([as_text(row.get(c.name)) for c in cols])
    path.write_bytes(out.getvalue().encode("utf-16" if form == "text" else "utf-8", "surrogatepass"))
    return path


def _xlsx_cell(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)   # what Excel itself cannot hold
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
        return str(value)                               # beyond a double: Excel keeps it as text
    return value


# -- stores --------------------------------------------------------------------------------

def register_store(folder: Path) -> Path:
    """A store with the registers the generated rows refer to (buildings A1 and B5, volunteers
    V01-V04, two households), compound year 2020."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in REGISTERS.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    results = import_files(paths, store=folder / "store", compound=C, year=2020)
    assert all(r.refused is None and r.rejected == 0 for r in results)
    return folder / "store"


def copy_store(template: Path, to: Path) -> Path:
    shutil.copytree(template, to)
    return to


TABLES = ["buildings", "households", "volunteers", "shifts", "deliveries", "medicine_requests",
          "medicine_request_events", "screenings", "cases", "case_events", "seals", "seal_events",
          "vehicle_trips", "rejected_rows"]


def dump(folder: Path) -> dict[str, list]:
    """Every table's rows (without import_id, which says which import loaded a row), in a fixed
    order: events in their order, other tables sorted."""
    con = store.connect_readonly(store.current_path(folder))
    try:
        out = {}
        for table in TABLES:
            rows = con.execute(f"select * exclude (import_id) from {table}").fetchall()
            out[table] = rows if table.endswith("_events") else sorted(rows, key=repr)
        return out
    finally:
        con.close()


@contextlib.contextmanager
def fast_path(on: bool):
    """The importer's column-at-a-time path on or off (for the kinds that have one)."""
    before = importer.FAST_PATH
    importer.FAST_PATH = on
    try:
        yield
    finally:
        importer.FAST_PATH = before
