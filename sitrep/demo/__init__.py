"""The demo: the spreadsheets the Fuxing City (福星城) command team would have kept.

Fuxing City, Xianning, was the first fully sealed compound in the city: closed on 2020-02-04
after four confirmed COVID-19 cases, reopened on 2020-03-14. `generate` writes what its team
logged in between (2020-02-04 .. 2020-03-13), in the data contract's format, one kind per file
or sheet, with a few values typed the way people type them. The facts of the news report of
11 Feb 2020 (the product brief, BRIEF.md) hold on REPORT_DAY; tests/test_demo_facts.py checks
them on the imported snapshot. Every name, phone number and room is synthetic.

The parts, in the order they work:
- story.py: `Scenario` (a compound's parameters) and `Story` (its month, drawn from them);
- fuxing.py: Fuxing City's facts as the scenario `FUXING_CITY`;
- variants.py: how a clerk types a value (plain, or now and then another accepted way);
- logs.py: the story's records as the rows of each sheet, typed;
- writers.py: CSV and XLSX files, byte-stable.

Deterministic: seeded streams, ordered iteration and fixed XLSX timestamps, so two runs write
byte-identical files.
"""
from __future__ import annotations

from pathlib import Path

from sitrep.demo import logs
from sitrep.demo.fuxing import FUXING_CITY
from sitrep.demo.story import Scenario, Story
from sitrep.demo.writers import write_csv, write_xlsx

COMPOUND = FUXING_CITY.compound
YEAR = FUXING_CITY.year
SEED = FUXING_CITY.seed
LOCKDOWN_FROM = FUXING_CITY.lockdown_from      # the compound gate closed
LOCKDOWN_UNTIL = FUXING_CITY.lockdown_until    # the compound reopened that day; the logs end the day before
REPORT_DAY = FUXING_CITY.report_day            # the day the reporter visited
LAST_DAY = FUXING_CITY.last_day
TASK_FORCE_ON = FUXING_CITY.task_force_on      # the task force (工作专班) was formed
CALL_ON = FUXING_CITY.call_on                  # the call for volunteers; deliveries, screenings, trips start

BUILDINGS_FILE = "楼栋与住户.xlsx"
VOLUNTEERS_FILE = "志愿者名册.xlsx"
SEALS_FILE = "封控记录.csv"
SHIFTS_FILE = "值班记录.csv"
DELIVERIES_FILE = "配送记录.csv"
MEDICINE_FILE = "药品需求.csv"
SCREENINGS_FILE = "健康排查.csv"
CASES_FILE = "病例.csv"
TRIPS_FILE = "出车记录.csv"
FILES = (BUILDINGS_FILE, VOLUNTEERS_FILE, SEALS_FILE, SHIFTS_FILE, DELIVERIES_FILE, MEDICINE_FILE,
         SCREENINGS_FILE, CASES_FILE, TRIPS_FILE)

# The logs kept as CSV, and the encoding each was saved in (the deliveries came out of Excel,
# with a byte-order mark).
_CSV_LOGS = (
    (SEALS_FILE, logs.seals, "utf-8"),
    (SHIFTS_FILE, logs.shifts, "utf-8"),
    (DELIVERIES_FILE, logs.deliveries, "utf-8-sig"),
    (MEDICINE_FILE, logs.medicine_requests, "utf-8"),
    (SCREENINGS_FILE, logs.screenings, "utf-8"),
    (CASES_FILE, logs.cases, "utf-8"),
    (TRIPS_FILE, logs.vehicle_trips, "utf-8"),
)


def generate(out_dir: Path, scenario: Scenario = FUXING_CITY) -> list[Path]:
    """Write the scenario's spreadsheets into out_dir (created if need be) and return their paths.

    Only the files listed in FILES are replaced; anything else in out_dir is left alone.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (out_dir / name).unlink(missing_ok=True)
    story = Story(scenario)
    paths = {name: out_dir / name for name in FILES}
    write_xlsx(paths[BUILDINGS_FILE], [("楼栋", logs.buildings(story), None),
                                       ("住户", logs.households(story), None)], creator=scenario.compound)
    write_xlsx(paths[VOLUNTEERS_FILE], [("志愿者", logs.volunteers(story), f"{scenario.compound}抗疫志愿者名册")],
               creator=scenario.compound)
    for name, log, encoding in _CSV_LOGS:
        write_csv(paths[name], log(story), encoding)
    return [paths[name] for name in FILES]
