"""Every named query's answer about one compound, and every table's rows of it: what must not
change when the store around a compound changes (another compound imported, a migration)."""
from __future__ import annotations

import re
from datetime import date, datetime

from sitrep import config
from sitrep.ingest.contract import window_params
from sitrep.store import TABLES
from sitrep.store.queries import names, run, sql

# audit_log reads the audit file; district_* the district view (every compound's summary), not a snapshot
NOT_ABOUT_A_COMPOUND = {"audit_log", "district_span", "district_compounds_on_day", "district_days_total"}


IMPORT_TIMES = ("last_import_at", "imported_at")   # when the rows came: another import, another time


def every_answer(con, compound: str, *, as_of: date, date_from: date, date_to: date,
                 building: str = "B5", floor: int = 9, import_times: bool = True) -> dict:
    values = {
        "compound": compound, "buildings": [], "as_of": as_of, "date_from": date_from, "date_to": date_to,
        "fever_c": config.FEVER_C, **config.medicine_params(), **config.FATIGUE, **config.FEVER_ALERT,
        "gap_hours": config.DELIVERY_GAP_HOURS, "ma_days": 7, **window_params(date(2026, 11, 30)),
        "now": datetime(2026, 11, 30, 12, 0), "stale_hours": config.STALE_HOURS, "kinds": [], "limit": 500,
        "top": 10, "building": building, "floor": floor,
    }
    answers = {}
    for name in names():
        if name in NOT_ABOUT_A_COMPOUND:
            continue
        wanted = set(re.findall(r"\$(\w+)\b", sql(name)))
        frame = run(con, name, **{k: values[k] for k in wanted})
        if "compound" in frame.columns:        # compounds.sql lists every compound of the snapshot
            frame = frame[frame["compound"] == compound].reset_index(drop=True)
        if not import_times:
            frame = frame.drop(columns=[c for c in IMPORT_TIMES if c in frame.columns])
        answers[name] = frame
    return answers


def every_row(con, compound: str, columns_of: dict[str, list[str]] | None = None) -> dict:
    """Each table's rows of the compound, sorted (the columns given per table, else all)."""
    rows = {}
    for table in sorted(TABLES):
        listed = ", ".join(f'"{c}"' for c in columns_of[table]) if columns_of else "*"
        rows[table] = con.execute(f"select {listed} from {table} where compound = $c order by all",
                                  {"c": compound}).fetchall()
    return rows


def assert_same(before: dict, after: dict) -> None:
    import pandas as pd

    assert before.keys() == after.keys()
    for name in before:
        if isinstance(before[name], pd.DataFrame):
            pd.testing.assert_frame_equal(before[name], after[name], obj=name)
        else:
            assert before[name] == after[name], name
