"""The story of a sealed compound: who lives where, who volunteered, what happened each day.

`Story(scenario)` draws a compound's month from its `Scenario` (the compound, its buildings,
the lockdown's dates, the case log, a seed): the household register, the volunteer roster,
seals, door and delivery shifts, the car's trips, medicine requests, and the records the logs
are made of (deliveries, screenings, the steps of each medicine request). It holds values, not
text: how a clerk typed them is sitrep/demo/variants.py and sitrep/demo/logs.py.

Deterministic: every choice comes from `random.Random` seeded with the scenario's seed, one
stream per part of the story (`Story.rng(name)`), so changing one part leaves the others alone.
Every name, phone number and room is synthetic.
"""
from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

# Real names from the news report: the synthetic roster must never produce them.
_REAL_NAMES = frozenset({"余为民", "杨奇", "吴燕春", "徐伟", "曾鸿雁", "丁炜", "胡燕", "卢娟", "刘娇",
                         "党严鹏", "程文敏", "周老"})
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
             "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃")
_GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞建文辉斌宇浩凯倩婷雪琳晶慧颖佳欣"
          "怡嘉俊峰亮波志勤春燕琴云莉翠海鑫鸿瑞锋琪晨阳昊岚诗梦思雨博"
          "丹宁松柏新荣")

_CONDITIONS = {  # condition: (weight, medicines)
    "高血压": (30, ("苯磺酸氨氯地平片", "硝苯地平控释片", "厄贝沙坦片")),
    "糖尿病": (25, ("二甲双胍缓释片", "门冬胰岛素注射液", "阿卡波糖片")),
    "冠心病": (15, ("阿司匹林肠溶片", "单硝酸异山梨酯片", "阿托伐他汀钙片")),
    "慢阻肺": (8, ("噻托溴铵粉吸入剂", "沙美特罗替卡松粉吸入剂")),
    "哮喘": (6, ("布地奈德福莫特罗吸入剂",)),
    "甲状腺功能减退": (6, ("左甲状腺素钠片",)),
    "帕金森病": (4, ("多巴丝肼片",)),
    "癫痫": (4, ("丙戊酸钠缓释片",)),
}
_HOSPITALS = ("咸宁市中医医院", "咸宁市中心医院", "咸安区人民医院", "咸宁市第一人民医院", "咸安区中医医院")
_TIBIA = ("胫骨坏死", "仙灵骨葆胶囊", "咸宁市中医医院", "陈某某（65岁）")  # condition, medicine, hospital, patient

_TRIP_PURPOSES = {  # purpose: (weight, minutes min-max, destinations)
    "产检": (18, (90, 150), ("咸安区妇幼保健院", "咸宁市妇幼保健院")),
    "急诊": (18, (60, 150), ("咸宁市中心医院", "咸宁市第一人民医院")),
    "手术": (8, (60, 120), ("咸宁市中心医院", "咸宁市第一人民医院")),
    "透析": (16, (60, 110), ("咸宁市中心医院", "咸宁市中医医院")),
    "复诊": (22, (70, 130), ("咸宁市中医医院", "咸宁市中心医院", "咸安区人民医院")),
    "取药": (18, (40, 90), ("咸宁市中医医院", "咸宁市中心医院", "咸安区人民医院")),
}


# ---------------------------------------------------------------------------------------------
# The scenario: what a story is drawn from


@dataclass(frozen=True)
class Building:
    name: str
    floors: int
    units: int
    per_floor: int
    x_m: float   # footprint centre, metres east of the compound's south-west corner
    y_m: float   # footprint centre, metres north of it
    width_m: float
    depth_m: float


class CaseHome(NamedTuple):
    building: str
    floor: int
    shares: str | None = None   # the case id whose home this case shares (a close contact at home)


class CaseEntry(NamedTuple):
    """One row of the case log as the clerk typed it (a case has a row per change of outcome)."""
    case_id: str
    cls: str            # 确诊, 疑似, 密接
    reported_on: date
    outcome: str        # 住院, 隔离, 排除, 治愈
    outcome_on: date


@dataclass(frozen=True)
class Scenario:
    """One compound's lockdown, as the parameters its story is drawn from.

    The dates left out follow the lockdown's first day as they did in Fuxing City.
    """
    compound: str
    seed: int
    buildings: tuple[Building, ...]
    lockdown_from: date              # the compound gate closed
    lockdown_until: date             # it reopened that day
    report_day: date                 # the day the compound's story is told of (the default as-of day)
    case_homes: Mapping[str, CaseHome]
    case_log: tuple[CaseEntry, ...]  # in the order the clerk typed it
    call_slots: Mapping[str, int]    # volunteers answering the call, per group
    lei_feng: int                    # how many of them are Lei Feng volunteers (the rest Party members)
    medicine_patients: int           # households that ask for medicine (chronic illness or elderly)
    last_day: date | None = None     # the last day logged; None: the day before the compound reopened
    task_force_on: date | None = None           # None: the day after the closure
    call_on: date | None = None                 # the call for volunteers; deliveries, screenings, trips start
    counsellors_from: date | None = None
    two_guard_shifts_from: date | None = None   # before: one 12-hour door shift per building, after: two
    late_guards_from: date | None = None        # six more door guards join, one a day
    daily_screening_until: date | None = None   # every household daily before, every other day from it
    suspect_disposition: Mapping[str, str] = field(default_factory=dict)  # case id: disposition when screened
    fever_day_before: tuple[str, ...] = ()      # suspected cases with a mild fever the day before
    lifted_by_update: tuple[str, ...] = ()      # buildings whose seals are lifted by a second row
    report_day_trips: tuple[tuple[str, str, str, str], ...] = ()  # (out, back, purpose, destination)
    lunch_carry_building: str | None = None     # the data-entry volunteer carries vegetables there at noon
    tibia_from: date | None = None              # the tibia-necrosis patient's first, urgent request

    def __post_init__(self):
        defaults = {"last_day": self.lockdown_until - timedelta(days=1)}
        for name, days in (("task_force_on", 1), ("call_on", 2), ("counsellors_from", 3),
                           ("two_guard_shifts_from", 4), ("late_guards_from", 11),
                           ("daily_screening_until", 26)):
            defaults[name] = self.lockdown_from + timedelta(days=days)
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)

    @property
    def year(self) -> int:
        return self.lockdown_from.year


# ---------------------------------------------------------------------------------------------
# The people, the seals, the days


@dataclass(frozen=True)
class Household:
    index: int       # position in the register, for stable ordering
    building: str
    unit: int
    floor: int
    room: str        # floor + two-digit room index: floor 13 room 2 -> "1302"
    residents: int
    vulnerable: tuple[str, ...]
    phone: str

    @property
    def address(self) -> str:
        return f"{self.building}-{self.room}"


@dataclass
class Volunteer:
    vid: str
    name: str
    kind: str            # Chinese label (身份)
    group: str           # group code (contract.CODES["group"])
    task_force: bool
    joined: date
    phone: str
    home: str
    role: str = ""       # lead, secretary, driver, data_entry, handler, doctor, counsellor
    cycle: int = 5       # a rest day every `cycle` days
    phase: int = 0

    def rests(self, day: date) -> bool:
        if self.role in ("secretary", "driver", "data_entry", "doctor"):
            return False
        since = (day - self.joined).days
        return since >= 1 and (since + self.phase) % self.cycle == self.cycle - 1


@dataclass(frozen=True)
class Shift:
    day: date
    volunteer: Volunteer
    start: datetime
    end: datetime
    task: str
    building: str = ""


@dataclass(frozen=True)
class Seal:
    building: str
    floors: tuple[int, ...] | None   # None: the whole building
    floors_text: str
    start: date
    until: date
    reason: str
    lift_as_update: bool

    def covers(self, building: str, floor: int, day: date) -> bool:
        return (self.building == building and (self.floors is None or floor in self.floors)
                and self.start <= day < self.until)


@dataclass(frozen=True)
class Trip:
    departed: datetime
    returned: datetime
    household: Household | None
    purpose: str
    destination: str


@dataclass
class Request:
    request_id: str
    requested: datetime
    household: Household
    medicine: str
    condition: str
    urgent: bool
    hospital: str
    patient: str
    handler: Volunteer
    urgency_typed: bool = True


@dataclass(frozen=True)
class Delivery:
    at: datetime
    household: Household
    category: str
    quantity: str
    unit: str
    source: str
    by: Volunteer


@dataclass(frozen=True)
class Screening:
    day: date
    household: Household
    persons: int
    temp_c: float
    symptoms: str
    disposition: str
    screener: Volunteer


@dataclass(frozen=True)
class RequestStep:
    """One row of the medicine log: a request registered, taken in hand, or closed."""
    at: datetime
    order: int                  # the request's place in the list, to order steps of one moment
    step: int                   # 0 registered, 1 in progress, 2 closed
    request: Request
    status: str
    fulfilled_at: datetime | None
    handler: Volunteer | None   # None: nobody noted yet
    whole_row: bool             # every column typed again, not only the ID and what changed


# ---------------------------------------------------------------------------------------------
# Small helpers


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def at(day: date, hhmm: str) -> datetime:
    hour, minute = hhmm.split(":")
    return datetime.combine(day, time(int(hour), int(minute)))


def _pick(rng: random.Random, weighted: dict):
    keys = list(weighted)
    return rng.choices(keys, weights=[weighted[k] for k in keys])[0]


# ---------------------------------------------------------------------------------------------
# The story


class Story:
    """A compound's month drawn from its scenario; the register, roster, seals, trips, shifts
    and requests on construction, each log's records on request (with that log's stream)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self._phones: set[str] = set()
        self._phone_rng = self.rng("phones")
        self.households = self._households()
        self.by_floor: dict[tuple[str, int], list[Household]] = defaultdict(list)
        for hh in self.households:
            self.by_floor[(hh.building, hh.floor)].append(hh)
        self.case_homes = self._case_homes()
        self.volunteers = self._volunteers()
        self.seals = self._seals()
        self.trips = self._trips()
        self.shifts, self.on_duty, self.noon_days = self._shifts()
        self.requests = self._requests()

    def rng(self, stream: str) -> random.Random:
        return random.Random(f"{self.scenario.seed}/{stream}")

    def phone(self) -> str:
        while True:
            number = f"13{self._phone_rng.randrange(10)}{self._phone_rng.randrange(10 ** 8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def volunteer(self, role: str) -> Volunteer:
        return next(v for v in self.volunteers if v.role == role)

    def sealed(self, building: str, floor: int, day: date) -> bool:
        return any(s.covers(building, floor, day) for s in self.seals)

    @property
    def cases(self) -> tuple[CaseEntry, ...]:
        return self.scenario.case_log

    # -- the register ----------------------------------------------------------------------

    def _households(self) -> list[Household]:
        rng = self.rng("households")
        mixes = {("老人",): 34, ("慢性病",): 14, ("老人", "慢性病"): 16, ("儿童",): 20, ("孕妇",): 5,
                 ("残疾",): 3, ("老人", "残疾"): 3, ("儿童", "孕妇"): 3, ("儿童", "慢性病"): 2}
        out = []
        for b in self.scenario.buildings:
            per_unit = b.per_floor // b.units
            for floor in range(1, b.floors + 1):
                for i in range(1, b.per_floor + 1):
                    vulnerable = _pick(rng, mixes) if rng.random() < 0.21 else ()
                    residents = rng.choices((1, 2, 3, 4, 5), weights=(10, 28, 30, 21, 11))[0]
                    if "儿童" in vulnerable or "孕妇" in vulnerable:
                        residents = max(residents, 3)
                    elif vulnerable and vulnerable[0] == "老人":
                        residents = min(residents, rng.choice((1, 2, 2, 3)))
                    out.append(Household(len(out), b.name, (i - 1) // per_unit + 1, floor,
                                         f"{floor}{i:02d}", residents, vulnerable, self.phone()))
        return out

    def _names(self, n: int) -> list[str]:
        rng = self.rng("names")
        names: list[str] = []
        while len(names) < n:
            given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
            name = rng.choice(_SURNAMES) + given
            if name not in names and name not in _REAL_NAMES:
                names.append(name)
        return names

    def _volunteers(self) -> list[Volunteer]:
        sc = self.scenario
        rng = self.rng("volunteers")
        case_homes = {hh.index for hh in self.case_homes.values()}
        residents = rng.sample([hh for hh in self.households if hh.index not in case_homes], 90)
        homes = iter(residents)
        # The task force, formed the day after the closure: stationed city cadres, city-managed
        # cadres living in the compound and the property-management head. Six are the branch
        # committee members who lead the six groups.
        task_force = (
            ("驻点干部", "coordination", "secretary"), ("市管干部", "supply", "lead"),
            ("驻点干部", "medical", "lead"), ("市管干部", "liaison", "lead"),
            ("驻点干部", "cleaning", "lead"), ("市管干部", "security", "lead"),
            ("驻点干部", "coordination", ""), ("驻点干部", "security", ""),
            ("市管干部", "security", ""), ("物业", "cleaning", ""),
            ("驻点干部", "security", ""), ("市管干部", "supply", ""),
            ("驻点干部", "liaison", ""), ("市管干部", "security", ""),
            ("驻点干部", "security", ""), ("市管干部", "coordination", ""),
        )
        people: list[tuple[str, str, bool, date, str, bool]] = []  # kind, group, tf, joined, role, lives here
        for kind, group, role in task_force:
            people.append((kind, group, True, sc.task_force_on, role, kind == "市管干部"))
        # Two doctors of the district TCM hospital and two doctors living in the compound.
        for lives_here in (False, False, True, True):
            people.append(("医生", "medical", False, sc.task_force_on, "doctor", lives_here))
        # Answering the call: Party members and Lei Feng volunteers over five days (in Fuxing
        # City 58 and 15 by the report day), and three counsellors of the vocational college.
        roles = {"liaison": "driver", "coordination": "data_entry", "medical": "handler"}
        called = []
        for group in sorted(sc.call_slots):
            for i in range(sc.call_slots[group]):
                called.append((group, roles.get(group, "") if i == 0 else ""))
        plain = [i for i, (_, role) in enumerate(called) if not role]
        lei_feng = set(rng.sample(plain, sc.lei_feng))
        joined_weights = {sc.call_on + timedelta(days=i): w for i, w in enumerate((35, 25, 18, 12, 10))}
        batch = []
        for i, (group, role) in enumerate(called):
            kind = "雷锋志愿者" if i in lei_feng else "党员志愿者"
            joined = sc.call_on if role else _pick(rng, joined_weights)
            batch.append((kind, group, False, joined, role, True))
        for _ in range(3):
            batch.append(("心理咨询师", "liaison", False, sc.counsellors_from, "counsellor", False))
        keyed = [(p[3], rng.random(), p) for p in batch]
        people += [p for _, _, p in sorted(keyed)]
        # Six more Party members joined the door guards later.
        for i in range(6):
            people.append(("党员志愿者", "security", False, sc.late_guards_from + timedelta(days=i), "", True))

        names = self._names(len(people))
        out = []
        for i, (kind, group, tf, joined, role, lives_here) in enumerate(people):
            cycle = rng.choice((4, 5, 6))
            out.append(Volunteer(f"V{i + 1:03d}", names[i], kind, group, tf, joined, self.phone(),
                                 next(homes).address if lives_here else "", role, cycle,
                                 rng.randrange(cycle)))
        return out

    # -- cases and seals -------------------------------------------------------------------

    def _case_homes(self) -> dict[str, Household]:
        rng = self.rng("cases")
        homes: dict[str, Household] = {}
        for case_id, (building, floor, shares) in self.scenario.case_homes.items():
            homes[case_id] = homes[shares] if shares else rng.choice(self.by_floor[(building, floor)])
        return homes

    def _seals(self) -> list[Seal]:
        sc = self.scenario
        events = self.cases
        floors_of = {b.name: b.floors for b in sc.buildings}
        seals = []
        # A building with a confirmed case is sealed whole from the day of the confirmation
        # (at the earliest the compound's closure) until 14 days after its last case.
        confirmed = defaultdict(list)
        for cid, cls, rep, _, _ in events:
            if cls == "确诊":
                confirmed[self.case_homes[cid].building].append(rep)
        for building in sorted(confirmed):
            last = max(rep for cid, cls, rep, _, _ in events
                       if cls in ("确诊", "疑似") and self.case_homes[cid].building == building)
            seals.append(Seal(building, None, "", max(sc.lockdown_from, min(confirmed[building])),
                              last + timedelta(days=14), "确诊", building in sc.lifted_by_update))
        # A suspected case elsewhere seals its floor and the floors next to it (and the floor of
        # a close contact reported the same day) until it is ruled out.
        ruled_out = {cid: on for cid, _, _, outcome, on in events if outcome == "排除"}
        for cid, cls, rep, _, _ in events:
            home = self.case_homes[cid]
            if cls != "疑似" or home.building in confirmed or cid not in ruled_out:
                continue
            if any(s.building == home.building and s.start == rep for s in seals):
                continue
            top = floors_of[home.building]
            floors = {f for f in (home.floor - 1, home.floor, home.floor + 1) if 1 <= f <= top}
            floors |= {self.case_homes[c].floor for c, k, r, _, _ in events
                       if k == "密接" and r == rep and self.case_homes[c].building == home.building}
            ordered = tuple(sorted(floors))
            contiguous = ordered == tuple(range(ordered[0], ordered[-1] + 1))
            text = f"{ordered[0]}-{ordered[-1]}" if contiguous else ",".join(map(str, ordered))
            seals.append(Seal(home.building, ordered, text, rep, ruled_out[cid], "疑似",
                              home.building in sc.lifted_by_update))
        return seals

    def seal_log(self) -> list[tuple[Seal, bool]]:
        """The seal log's rows in the order typed: (seal, with its end). A seal lifted by a second
        row is typed twice, without its end and then again with it on the day it was lifted."""
        events = []  # (day, seal's place, row's place, seal, with its end)
        for n, s in enumerate(self.seals):
            if s.lift_as_update:
                events.append((s.start, n, 0, s, False))
                events.append((s.until, n, 1, s, True))
            else:
                events.append((s.start, n, 0, s, True))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        return [(s, with_end) for _, _, _, s, with_end in events]

    # -- the car ---------------------------------------------------------------------------

    def _trip_household(self, rng: random.Random, purpose: str, dialysis: list[Household]):
        def having(*tags):
            return [hh for hh in self.households if any(t in hh.vulnerable for t in tags)]
        if purpose == "产检":
            return rng.choice(having("孕妇"))
        if purpose == "急诊":
            return rng.choice(having("儿童") if rng.random() < 0.6 else having("老人"))
        if purpose == "手术":
            return rng.choice(having("老人", "慢性病"))
        if purpose == "透析":
            return rng.choice(dialysis)
        if purpose == "取药" and rng.random() < 0.5:
            return None
        return rng.choice(having("慢性病", "老人"))

    def _trips(self) -> list[Trip]:
        sc = self.scenario
        rng = self.rng("trips")
        chronic = [hh for hh in self.households if "慢性病" in hh.vulnerable]
        dialysis = sorted(rng.sample(chronic, 3), key=lambda hh: hh.index)
        weights = {p: w for p, (w, _, _) in _TRIP_PURPOSES.items()}
        trips = []
        for day in days(sc.call_on, sc.last_day):
            if day == sc.report_day and sc.report_day_trips:
                for dep, ret, purpose, destination in sc.report_day_trips:
                    trips.append(Trip(at(day, dep), at(day, ret),
                                      self._trip_household(rng, purpose, dialysis), purpose, destination))
                continue
            n = rng.choices((1, 2, 3, 4), weights=(20, 35, 30, 15))[0]
            clock = at(day, "07:30") + timedelta(minutes=rng.randrange(0, 125, 5))
            for _ in range(n):
                purpose = _pick(rng, weights)
                _, (lo, hi), destinations = _TRIP_PURPOSES[purpose]
                returned = clock + timedelta(minutes=rng.randrange(lo, hi + 1, 5))
                if returned > at(day, "18:30"):
                    break
                trips.append(Trip(clock, returned, self._trip_household(rng, purpose, dialysis),
                                  purpose, rng.choice(destinations)))
                clock = returned + timedelta(minutes=rng.choice((0, 0, 10, 15, 20, 30, 45, 60, 90, 120)))
            today = [t for t in trips if t.departed.date() == day]
            if len(today) < 4 and rng.random() < 0.06:  # a child's fever at night
                departed = at(day, "19:30") + timedelta(minutes=rng.randrange(0, 60, 5))
                if not today or today[-1].returned <= departed:
                    trips.append(Trip(departed, departed + timedelta(minutes=rng.randrange(70, 120, 5)),
                                      self._trip_household(rng, "急诊", dialysis), "急诊", "咸宁市中心医院"))
        return trips

    # -- shifts ----------------------------------------------------------------------------

    def _shifts(self):
        sc = self.scenario
        rng = self.rng("shifts")
        vols = self.volunteers
        hours: dict[str, float] = defaultdict(float)
        shifts: list[Shift] = []
        on_duty: dict[tuple[date, str], list[Volunteer]] = defaultdict(list)

        def record(day, v, s, e, task, building=""):
            shifts.append(Shift(day, v, s, e, task, building))
            hours[v.vid] += (e - s).total_seconds() / 3600

        def add(day, v, start, end, task, building=""):
            s, e = at(day, start), at(day, end)
            if e <= s:
                e += timedelta(days=1)  # past midnight
            record(day, v, s, e, task, building)

        doctors = [v for v in vols if v.role == "doctor"]
        driver = self.volunteer("driver")
        noon_days: set[date] = set()
        if sc.lunch_carry_building:  # on the days its building is sealed, and on the report day
            carried = [d for d in days(sc.call_on, sc.last_day) if self.sealed(sc.lunch_carry_building, 1, d)]
            noon_days = {d for d in carried if d == sc.report_day or rng.random() < 0.4}
        never_guard = ("secretary", "driver", "data_entry", "doctor", "counsellor", "handler")
        task_force = [v for v in vols if v.task_force]
        if len(task_force) < len(sc.buildings):
            raise RuntimeError(f"{len(task_force)} task force members cannot guard {len(sc.buildings)} doors")

        for day in days(sc.lockdown_from, sc.last_day):
            working = [v for v in vols if v.joined <= day and not v.rests(day)]
            busy: set[str] = set()

            # Door guards: every building, every day. Until volunteers came, the task force
            # stood at the doors itself.
            if day < sc.call_on:
                for b, v in zip(sc.buildings, task_force, strict=False):
                    add(day, v, "07:00", "19:00", "值守", b.name)
                    busy.add(v.vid)
            else:
                if day < sc.two_guard_shifts_from:
                    slots = [(b.name, "07:00", "19:00") for b in sc.buildings]
                else:
                    slots = [(b.name, s, e) for b in sc.buildings
                             for s, e in (("07:00", "15:00"), ("15:00", "23:00"))]
                tiers = [
                    [v for v in working if v.group == "security"],
                    [v for v in working if v.task_force and v.group not in ("security", "medical")
                     and v.role not in never_guard],
                    [v for v in working if not v.task_force and v.group in ("supply", "cleaning", "liaison",
                                                                             "coordination")
                     and v.role not in never_guard],
                    [v for v in vols if v.joined <= day and v.group == "security" and v.rests(day)],
                ]
                order: list[Volunteer] = []
                for tier in tiers:  # the least-worked first
                    order += sorted(tier, key=lambda v: (hours[v.vid], rng.random()))
                chosen: list[Volunteer] = []
                for v in order:
                    if v.vid not in busy and len(chosen) < len(slots):
                        chosen.append(v)
                        busy.add(v.vid)
                if len(chosen) < len(slots):
                    raise RuntimeError(f"not enough door guards on {day}")
                for (building, start, end), v in zip(slots, chosen, strict=True):
                    add(day, v, start, end, "值守", building)

            # The medical rota, 24 hours from the morning the doctors arrived.
            if day >= sc.task_force_on:
                for s, (start, end) in enumerate((("00:00", "08:00"), ("08:00", "16:00"), ("16:00", "00:00"))):
                    slot = (day - sc.task_force_on).days * 3 + s - 1
                    if slot >= 0:
                        add(day, doctors[slot % len(doctors)], start, end, "医疗值班")

            if day < sc.call_on:
                continue

            for trip in (t for t in self.trips if t.departed.date() == day):
                record(day, driver, trip.departed, trip.returned, "出车")

            screeners: list[Volunteer] = []
            for v in working:
                if v.vid in busy or v.role in ("doctor", "driver"):
                    continue
                busy.add(v.vid)
                if v.role == "secretary":  # patrols the buildings every day
                    add(day, v, "08:00", "10:30", "巡查")
                    add(day, v, "14:30", "17:00", "巡查")
                elif v.role == "data_entry":
                    if day in noon_days:
                        add(day, v, "07:30", "12:00", "录入")
                        add(day, v, "12:00", "13:00", "配送")
                        add(day, v, "13:00", "19:30", "录入")
                    else:
                        add(day, v, "08:00", "19:30", "录入")
                elif v.role == "counsellor":
                    start, end = rng.choice((("19:00", "23:00"), ("14:00", "18:00")))
                    add(day, v, start, end, "心理疏导")
                elif v.group == "supply":
                    add(day, v, "07:30", "12:00", "配送")
                    on_duty[(day, "am")].append(v)
                    if rng.random() < 0.3:
                        add(day, v, "14:00", "17:30", "配送")
                        on_duty[(day, "pm")].append(v)
                elif v.group == "security":  # not needed at a door today: night patrol
                    add(day, v, "19:00", "23:00", "巡查")
                elif v.group == "liaison":
                    start, end = rng.choice((("08:00", "13:00"), ("08:30", "14:00"), ("09:00", "15:00")))
                    add(day, v, start, end, "排查")
                    screeners.append(v)
                elif v.group == "cleaning":
                    add(day, v, "06:30", "11:00", "消杀")
                    if rng.random() < 0.5:
                        add(day, v, "14:30", "17:00", "消杀")
                elif v.group == "medical":
                    start, end = rng.choice((("08:30", "16:30"), ("09:00", "17:00")))
                    add(day, v, start, end, "医疗值班")
                elif v.task_force:  # coordination
                    add(day, v, "09:00", "11:30", "巡查")
                    add(day, v, "14:00", "17:30", "录入")
                else:
                    start, end, task = rng.choice((("08:30", "12:30", "录入"), ("14:00", "18:00", "巡查")))
                    add(day, v, start, end, task)
            if not screeners:  # nobody free to screen: someone of the group gives up a rest day
                stand_in = next(v for v in vols if v.group == "liaison" and v.joined <= day
                                and v.vid not in busy and v.role not in ("driver", "counsellor"))
                add(day, stand_in, "08:00", "13:00", "排查")
                screeners.append(stand_in)
            on_duty[(day, "screen")] = screeners
            if len(on_duty[(day, "pm")]) < 2:
                for v in on_duty[(day, "am")]:
                    if v not in on_duty[(day, "pm")] and len(on_duty[(day, "pm")]) < 2:
                        add(day, v, "14:00", "17:30", "配送")
                        on_duty[(day, "pm")].append(v)
            if not on_duty[(day, "am")]:
                raise RuntimeError(f"no deliveries on {day}")
        return shifts, on_duty, noon_days

    # -- medicine --------------------------------------------------------------------------

    def _requests(self) -> list[Request]:
        sc = self.scenario
        rng = self.rng("medicine")
        candidates = [hh for hh in self.households if "慢性病" in hh.vulnerable or "老人" in hh.vulnerable]
        weights = {c: w for c, (w, _) in _CONDITIONS.items()}
        patients = []
        for hh in sorted(rng.sample(candidates, sc.medicine_patients), key=lambda hh: hh.index):
            condition = _pick(rng, weights)
            age = rng.randint(58, 88) if "老人" in hh.vulnerable else rng.randint(38, 64)
            patients.append((hh, condition, rng.choice(_CONDITIONS[condition][1]), rng.choice(_HOSPITALS),
                             f"{rng.choice(_SURNAMES)}{rng.choice(('某某', '某'))}（{age}岁）"))
        elderly = [hh for hh in candidates if "老人" in hh.vulnerable and hh not in [p[0] for p in patients]]
        tibia_home = rng.choice(elderly)
        handler = self.volunteer("handler")
        medical = [v for v in self.volunteers if v.group == "medical"]
        requests: list[Request] = []
        for day in days(sc.task_force_on, sc.last_day):
            handlers = [v for v in medical if v.joined <= day]
            # The tibia patient: an urgent first request, then her prescription every twelve days.
            tibia_first = sc.tibia_from is not None and day == sc.tibia_from
            tibia_regular = sc.tibia_from is not None and day.toordinal() % 12 == 0 and day > sc.tibia_from
            n = rng.randint(3, 6) - (tibia_first or tibia_regular)
            times = sorted(at(day, "07:30") + timedelta(minutes=rng.randrange(0, 13 * 60)) for _ in range(n))
            for t in times:
                hh, condition, medicine, hospital, patient = rng.choice(patients)
                if rng.random() < 0.3:
                    hospital = rng.choice(_HOSPITALS)
                urgent = rng.random() < 0.2
                requests.append(Request("", t, hh, medicine, condition, urgent, hospital, patient,
                                        rng.choice(handlers), urgent or rng.random() < 0.8))
            if tibia_first:
                condition, medicine, hospital, patient = _TIBIA
                requests.append(Request("", at(day, "09:10"), tibia_home, medicine, condition, True,
                                        hospital, patient, handler))
            elif tibia_regular:
                condition, medicine, hospital, patient = _TIBIA
                requests.append(Request("", at(day, "08:40") + timedelta(minutes=rng.randrange(0, 300, 5)),
                                        tibia_home, medicine, condition, False, hospital, patient,
                                        rng.choice(handlers), rng.random() < 0.5))
        requests.sort(key=lambda r: r.requested)
        for i, r in enumerate(requests):
            r.request_id = f"M{i + 1:04d}"
        return requests

    def request_steps(self, rng: random.Random) -> list[RequestStep]:
        """Every request's rows in the order typed: registered, in progress (often), closed (if
        by the last day), with how long each took."""
        end = datetime.combine(self.scenario.last_day, time(23, 59))
        steps = []
        for n, r in enumerate(self.requests):
            first_handler = r.handler if (r.urgent or rng.random() < 0.5) else None
            steps.append(RequestStep(r.requested, n, 0, r, "待处理", None, first_handler, True))
            special = r.condition == _TIBIA[0] and r.urgent
            if special:
                progress, done, status = r.requested + timedelta(minutes=8), r.requested + timedelta(minutes=100), "已送达"
            elif rng.random() < 0.03:
                progress, done, status = None, r.requested + timedelta(minutes=rng.randrange(60, 600)), "已取消"
            else:
                if r.urgent:
                    delay = rng.randrange(40, 116) if rng.random() < 0.9 else rng.randrange(125, 300)
                else:
                    roll = rng.random()
                    delay = (rng.randrange(180, 1200) if roll < 0.85 else rng.randrange(1440, 2400) if roll < 0.95
                             else rng.randrange(30, 170))
                done = r.requested + timedelta(minutes=delay)
                if not r.urgent and (done.hour >= 21 or done.hour < 8):  # delivered next morning
                    next_morning = done.date() + timedelta(days=1 if done.hour >= 21 else 0)
                    done = at(next_morning, "08:30") + timedelta(minutes=rng.randrange(150))
                status = "已送达"
                progress = (r.requested + timedelta(minutes=rng.randrange(5, max(6, min(60, delay // 2))))
                            if rng.random() < (0.8 if r.urgent else 0.55) else None)
            if progress and progress <= end:
                steps.append(RequestStep(progress, n, 1, r, "处理中", None, r.handler,
                                         special or rng.random() < 0.7))
            if done <= end:
                steps.append(RequestStep(done, n, 2, r, status, done if status == "已送达" else None, r.handler,
                                         special or rng.random() < 0.7))
        steps.sort(key=lambda s: (s.at, s.order, s.step))
        return steps

    # -- deliveries ------------------------------------------------------------------------

    def deliveries(self, rng: random.Random) -> list[Delivery]:
        """Every delivery to every door, in the order typed: sealed floors every day, the others
        every few days."""
        sc = self.scenario
        next_due = {hh.index: sc.call_on + timedelta(days=rng.randrange(3)) for hh in self.households}
        data_entry = self.volunteer("data_entry")
        b_index = {b.name: i for i, b in enumerate(sc.buildings)}
        records = []
        for day in days(sc.call_on, sc.last_day):
            am, pm = self.on_duty[(day, "am")], self.on_duty[(day, "pm")]
            for hh in self.households:
                sealed = self.sealed(hh.building, hh.floor, day)
                if sealed:
                    if rng.random() < 0.015:  # a door nobody answered
                        continue
                elif day < next_due[hh.index]:
                    continue
                next_due[hh.index] = day + timedelta(days=rng.choices((1, 2, 3), weights=(3, 22, 75))[0])
                if (day in self.noon_days and hh.building == sc.lunch_carry_building and sealed
                        and rng.random() < 0.2):
                    moment = at(day, "12:05") + timedelta(minutes=rng.randrange(50))
                    by = data_entry
                else:
                    session = rng.choices(("am", "pm"), weights=(83, 17))[0]
                    crew = am if session == "am" else pm
                    first = "08:00" if session == "am" else "14:00"
                    moment = at(day, first) + timedelta(minutes=rng.randrange(210))
                    by = crew[(b_index[hh.building] * 3 + hh.unit) % len(crew)]
                for category in self._categories(rng, hh, sealed):
                    quantity, unit, source = self._quantity(rng, category, sealed)
                    records.append(Delivery(moment, hh, category, quantity, unit, source, by))
        records.sort(key=lambda d: (d.at, d.household.index, d.category))
        return records

    @staticmethod
    def _categories(rng: random.Random, hh: Household, sealed: bool) -> list[str]:
        first = rng.choices(("蔬菜", "水果", "米面油"), weights=(92, 4, 4))[0]
        out = [first]
        if first != "水果" and rng.random() < (0.2 if sealed else 0.05):
            out.append("水果")
        if first != "米面油" and rng.random() < 0.02:
            out.append("米面油")
        if rng.random() < 0.02:
            out.append("生活用品")
        if "儿童" in hh.vulnerable and rng.random() < 0.2:
            out.append("母婴用品")
        if rng.random() < 0.008:
            out.append("药品")
        return out

    @staticmethod
    def _quantity(rng: random.Random, category: str, sealed: bool) -> tuple[str, str, str]:
        kg = rng.choices(("kg", "公斤", "千克"), weights=(5, 4, 1))[0]
        if category == "蔬菜":
            source = rng.choices(("捐赠", "团购", "网购", "政府调配"), weights=(50, 30, 12, 8))[0]
            if sealed:  # a bag of donated vegetables at every sealed door, every day
                return str(rng.randint(3, 7)), "斤", source
            if source == "捐赠":
                return (("1", "份", source) if rng.random() < 0.08 else (str(rng.randint(3, 8)), "斤", source))
            if source == "团购":
                return str(rng.choice((5, 8, 10, 15, 20))), "斤", source
            if source == "网购":
                return ((str(rng.choice((2, 2.5, 3))), kg, source) if rng.random() < 0.25
                        else (str(rng.randint(3, 8)), "斤", source))
            return ("1", "袋", source) if rng.random() < 0.5 else ("5", "斤", source)
        if category == "水果":
            source = rng.choices(("捐赠", "团购", "网购"), weights=(55, 25, 20))[0]
            return ("1", "箱", source) if rng.random() < 0.2 else (str(rng.randint(3, 8)), "斤", source)
        if category == "米面油":
            source = rng.choices(("政府调配", "团购", "网购"), weights=(40, 35, 25))[0]
            return rng.choice((("10", kg, source), ("5", kg, source), ("1", "袋", source), ("20", "斤", source)))
        if category == "生活用品":
            source = rng.choices(("网购", "团购"), weights=(60, 40))[0]
            return rng.choice((("1", "份", source), ("1", "袋", source), ("2", "袋", source)))
        if category == "母婴用品":
            source = rng.choices(("网购", "团购"), weights=(80, 20))[0]
            return rng.choice((("1", "箱", source), ("1", "份", source)))
        source = rng.choice(("政府调配", "网购"))  # 药品
        return rng.choice((("1", "份", source), ("1", "袋", source)))

    # -- screenings ------------------------------------------------------------------------

    def screenings(self, rng: random.Random) -> list[Screening]:
        """Every household screened, in the order typed: daily, then every other day; fevers on
        the days the case log says, and a few others."""
        sc = self.scenario
        marks: dict[tuple[date, str], tuple[str, str]] = {}  # (day, address): (kind of row, disposition)
        for cid, cls, rep, _, _ in self.cases:
            home = self.case_homes[cid]
            if cls == "疑似" and (rep, home.address) not in marks:
                marks[(rep, home.address)] = ("fever", sc.suspect_disposition.get(cid, "上报"))
                if cid in sc.fever_day_before:
                    marks[(rep - timedelta(days=1), home.address)] = ("mild", "居家观察")
            elif cls == "密接" and (rep, home.address) not in marks:
                marks[(rep, home.address)] = ("contact", "隔离")
        in_hospital: dict[int, list[tuple[date, date]]] = defaultdict(list)  # household: stays
        for cid in sorted({cid for cid, *_ in self.cases}):
            stay = [on for c, _, _, outcome, on in self.cases if c == cid and outcome == "住院"]
            back = [on for c, _, _, outcome, on in self.cases if c == cid and outcome == "治愈"]
            if stay:
                in_hospital[self.case_homes[cid].index].append((stay[0], back[0] if back else sc.lockdown_until))
        b_index = {b.name: i for i, b in enumerate(sc.buildings)}
        records = []
        for day in days(sc.call_on, sc.last_day):
            screeners = self.on_duty[(day, "screen")]
            for hh in self.households:
                mark = marks.get((day, hh.address))
                at_home = hh.residents - sum(start <= day < end for start, end in in_hospital[hh.index])
                if at_home <= 0:
                    continue
                if not mark:
                    if day < sc.daily_screening_until:
                        chance = 1.0 if self.sealed(hh.building, hh.floor, day) else 0.985
                    else:  # every other day
                        chance = 0.985 if (hh.index + day.toordinal()) % 2 == 0 else 0.0
                    if rng.random() >= chance:
                        continue
                persons = at_home - 1 if at_home > 1 and rng.random() < 0.06 else at_home
                kind, disposition = mark or ("normal", "")
                if kind == "normal" and rng.random() < 0.0018:
                    kind, disposition = "mild", rng.choices(("居家观察", "上报"), weights=(65, 35))[0]
                if kind == "fever":
                    temp, symptoms = rng.randint(378, 386) / 10, "发热、咳嗽"
                elif kind == "mild":
                    temp = rng.randint(373, 380) / 10
                    symptoms = "发热" + rng.choices(("", "、咳嗽", "、乏力"), weights=(60, 25, 15))[0]
                else:
                    temp = min(372, max(360, round(rng.gauss(365, 2.6)))) / 10
                    symptoms = "无" if rng.random() < 0.004 else ""
                screener = screeners[(b_index[hh.building] * 2 + hh.floor // 10) % len(screeners)]
                records.append(Screening(day, hh, persons, temp, symptoms, disposition, screener))
        return records
