"""The demo district: Fuxing City and synthetic compounds around it (`demo --compounds N`).

Fuxing City is the real story (fuxing.py, its files in data/demo/, unchanged). The others are
made up, drawn with the same Scenario machinery, and say so everywhere: their names start with
SYNTHETIC_PREFIX (模拟·), their settings carry `is_synthetic` (every page shows a banner), and
like the demo they are `is_demo` (the open demo may serve them). Their files are written to a
folder of their own outside data/demo/ and imported through the same importer.

What varies, by a compound's place in the list (so `--compounds 4` already has each kind):
size (5–16 buildings of 6–18 floors, 300–1,200 households), the day its gate closed (1–8 Feb,
so every compound has data on the district's report day, 10 Feb), and its story, in turn:
an early outbreak (confirmed cases around the closure, a suspected case confirmed, one ruled
out), a quiet compound (no case) whose data is stale (its logs stop STALE_DAYS before the others
and its import is dated STALE_DAYS back, so the freshness rule flags it), a late outbreak
(suspected cases from 16 Feb, one confirmed), quiet. Only the second compound is stale.

The limits a Scenario has (sitrep/demo/story.py): at most 16 buildings (the task force of 16
guards the doors before the call for volunteers), about 100 households or more (the roster
takes 90 volunteers' homes from the register), call_slots["security"] at least twice the
buildings (two door shifts a day), medicine_patients at most the households with elderly or
chronically ill members; building codes C1, C2 … (the story names none of Fuxing City's).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sitrep.demo.fuxing import FUXING_CITY
from sitrep.demo.story import Building, CaseEntry, CaseHome, Scenario, Story

MAX_COMPOUNDS = 24             # Fuxing City and 23 synthetic compounds: as many names as below
SYNTHETIC_PREFIX = "模拟·"
_NAMES = ("东方花园", "桂花苑", "温泉新村", "淦河小区", "金叶名苑", "滨河湾", "银泉小区", "学府佳园",
          "丹桂苑", "向阳小区", "月亮湾", "翠竹园", "鸿宇花园", "龙潭新村", "青龙山庄", "书香门第",
          "阳光家园", "锦绣华城", "杨下小区", "凤凰城", "和平新村", "长江花苑", "星月湾")
assert len(_NAMES) == MAX_COMPOUNDS - 1

DISTRICT = "咸安区"            # where Fuxing City is; the synthetic compounds around it
STREET = "温泉街道"
CENTRE = (29.8400, 114.3200)   # Fuxing City's place on the district plan (Xianning; approximate)
STALE_DAYS = 3                 # the stale compound: logs end, and its import is dated, this much earlier
REPORT_DAY = FUXING_CITY.report_day
STORIES = ("early_outbreak", "quiet_stale", "late_outbreak", "quiet")


@dataclass(frozen=True)
class Synthetic:
    """A synthetic compound: its scenario, what kind of story it is, and where it lies."""
    scenario: Scenario
    story: str                 # one of STORIES
    lat: float
    lon: float

    @property
    def stale(self) -> bool:
        return self.story == "quiet_stale"

    @property
    def households(self) -> int:
        return sum(b.floors * b.per_floor for b in self.scenario.buildings)


def synthetic(n: int) -> list[Synthetic]:
    """The first n synthetic compounds (deterministic: the same n gives the same compounds)."""
    if not 0 <= n <= MAX_COMPOUNDS - 1:
        raise ValueError(f"the demo district has 1 to {MAX_COMPOUNDS} compounds, not {n + 1}")
    return [_compound(i) for i in range(1, n + 1)]


def _compound(i: int) -> Synthetic:
    rng = random.Random(f"district/{i}")
    story = STORIES[(i - 1) % len(STORIES)]
    if story == "quiet_stale" and i != 2:
        story = "quiet"                                     # one stale compound is enough
    buildings = _buildings(rng)
    closed = date(2020, 2, 1) + timedelta(days=(3 * i) % 8)            # 1–8 Feb
    until = FUXING_CITY.lockdown_until
    last_day = until - timedelta(days=1 + (STALE_DAYS if story == "quiet_stale" else 0))
    homes, log = _cases(rng, story, buildings, closed)
    households = sum(b.floors * b.per_floor for b in buildings)
    guards = 2 * len(buildings) + 2
    scenario = _drawable(Scenario(
        compound=SYNTHETIC_PREFIX + _NAMES[i - 1],
        seed=20200204 + 1000 * i,
        buildings=buildings,
        lockdown_from=closed,
        lockdown_until=until,
        report_day=REPORT_DAY,
        last_day=last_day,
        case_homes=homes,
        case_log=log,
        call_slots={"security": guards, "supply": max(4, len(buildings)), "liaison": 4, "cleaning": 3,
                    "coordination": 2, "medical": 2},
        lei_feng=max(3, guards // 4),
        medicine_patients=max(8, households // 20),   # ~5%; the elderly or chronically ill are ~13%
    ))
    # a golden-angle spiral around Fuxing City, 0.6–2.5 km out
    angle, radius = i * 2.39996, 0.006 + 0.004 * math.sqrt(i)
    return Synthetic(scenario, story, round(CENTRE[0] + radius * math.sin(angle), 5),
                     round(CENTRE[1] + radius * math.cos(angle) / math.cos(math.radians(CENTRE[0])), 5))


def _drawable(scenario: Scenario, tries: int = 20) -> Scenario:
    """The scenario, or the first of the next seeds whose story can be drawn: a small register
    may, by its seed, hold no household the story needs (no pregnant woman for the car)."""
    for k in range(tries):
        candidate = replace(scenario, seed=scenario.seed + k)
        try:
            Story(candidate)
        except (IndexError, RuntimeError):
            continue
        return candidate
    raise RuntimeError(f"no story can be drawn for {scenario.compound} in {tries} seeds")


def _buildings(rng: random.Random) -> tuple[Building, ...]:
    count = rng.randint(5, 16)
    floors = rng.choice((6, 7, 11, 18))
    per_floor, units = rng.choice(((2, 1), (4, 2), (6, 2), (6, 3)))
    while count * floors * per_floor < 300:   # the roster takes 90 homes; the car needs a pregnant woman
        if count < 16:                        # the task force guards at most 16 doors
            count += 1
        else:
            floors += 1
    out = []
    for k in range(count):
        row, col = divmod(k, 8)
        out.append(Building(f"C{k + 1}", floors, units, per_floor, 25.0 + 40 * col, 25.0 + 55 * row,
                            10.0 * units + 5, 12.0))
    return tuple(out)


def _cases(rng: random.Random, story: str, buildings, closed: date):
    """The case homes and the case log (in the order typed) of a story."""
    if story.startswith("quiet"):
        return {}, ()

    def home(case_id: str, shares: str | None = None):
        b = rng.choice(buildings)
        return CaseHome(b.name, rng.randint(1, b.floors), shares)

    log: list[CaseEntry] = []
    homes: dict[str, CaseHome] = {}
    if story == "early_outbreak":
        # two confirmed cases the day before the closure and on it; a suspected case confirmed the
        # next day, with a close contact at home; another suspected case ruled out three days later
        start = closed - timedelta(days=1)
        homes.update({"M01": home("M01"), "M02": home("M02"), "M03": home("M03")})
        homes["M04"] = homes["M03"]._replace(shares="M03")
        homes["M05"] = home("M05")
        log += [CaseEntry("M01", "确诊", start, "住院", start),
                CaseEntry("M02", "确诊", closed, "住院", closed),
                CaseEntry("M03", "疑似", closed + timedelta(days=3), "隔离", closed + timedelta(days=3)),
                CaseEntry("M03", "确诊", closed + timedelta(days=4), "住院", closed + timedelta(days=4)),
                CaseEntry("M04", "密接", closed + timedelta(days=4), "隔离", closed + timedelta(days=4)),
                CaseEntry("M05", "疑似", closed + timedelta(days=6), "隔离", closed + timedelta(days=6)),
                CaseEntry("M05", "疑似", closed + timedelta(days=6), "排除", closed + timedelta(days=9)),
                CaseEntry("M01", "确诊", start, "治愈", start + timedelta(days=24))]
    else:   # late_outbreak: quiet until mid-February
        first = date(2020, 2, 16) + timedelta(days=rng.randrange(4))
        homes.update({"M01": home("M01"), "M02": home("M02"), "M03": home("M03")})
        homes["M04"] = homes["M02"]._replace(shares="M02")
        log += [CaseEntry("M01", "疑似", first, "隔离", first),
                CaseEntry("M01", "疑似", first, "排除", first + timedelta(days=3)),
                CaseEntry("M02", "疑似", first + timedelta(days=4), "隔离", first + timedelta(days=4)),
                CaseEntry("M02", "确诊", first + timedelta(days=5), "住院", first + timedelta(days=5)),
                CaseEntry("M04", "密接", first + timedelta(days=5), "隔离", first + timedelta(days=5)),
                CaseEntry("M03", "疑似", first + timedelta(days=8), "隔离", first + timedelta(days=8)),
                CaseEntry("M03", "疑似", first + timedelta(days=8), "排除", first + timedelta(days=10))]
    return homes, tuple(log)


# ---------------------------------------------------------------------------------------------
# Building the district into a store


def folder_name(i: int) -> str:
    """The folder of the i-th synthetic compound's files (ASCII: a name, not a path, is typed)."""
    return f"synthetic-{i:02d}"


def build(store, out_dir, n: int, *, skip_present: bool = False) -> list[tuple[Synthetic, list]]:
    """Generate the first n−1 synthetic compounds' files into out_dir/synthetic-NN/ and import
    each through the importer as the demo (`is_demo`), then set what an import does not:
    its district, street and position, `is_synthetic`, and for the stale compound its imports
    dated STALE_DAYS back. Fuxing City gets its district and position too. `skip_present`
    leaves a compound the store holds alone. Returns each compound with its import's results."""
    from pathlib import Path

    from sitrep import store as store_mod
    from sitrep.demo import generate
    from sitrep.ingest.importer import import_files

    done = []
    for i, compound in enumerate(synthetic(n - 1), 1):
        sc = compound.scenario
        if skip_present and store_mod.find(store, sc.compound) is not None:
            continue
        files = generate(Path(out_dir) / folder_name(i), sc)
        results = import_files(files, store=store, compound=sc.compound, year=sc.year, command="demo",
                               settings={"lockdown_from": sc.lockdown_from,
                                         "lockdown_until": sc.lockdown_until,
                                         "default_as_of": sc.report_day, "is_demo": True})
        if not any(r.refused for r in results):
            mark(store, sc.compound, {"district": DISTRICT, "street": STREET, "lat": compound.lat,
                                      "lon": compound.lon, "is_synthetic": True},
                 backdate_days=STALE_DAYS if compound.stale else 0)
        done.append((compound, results))
    if done and store_mod.find(store, FUXING_CITY.compound) is not None:   # (nothing new: as it was)
        mark(store, FUXING_CITY.compound, {"district": DISTRICT, "street": STREET, "lat": CENTRE[0],
                                           "lon": CENTRE[1]})
    return done


def mark(store, compound: str, values: dict, *, backdate_days: int = 0) -> None:
    """Set these settings of a compound in one new snapshot; with `backdate_days`, the imports
    of the last day are dated that many days earlier (the stale compound: its data arrived
    days before the others')."""
    from sitrep.config import local_now
    from sitrep.store import _writing, settings

    parsed = {name: settings.parse(name, value) for name, value in values.items()}
    with _writing(store, compound, commit=True) as con:
        settings.write(con, compound, parsed)
        if backdate_days:
            con.execute("update import_history set imported_at = imported_at - to_days($d::integer)"
                        " where compound = $c and imported_at > $recent",
                        {"c": compound, "d": backdate_days, "recent": local_now() - timedelta(days=1)})
