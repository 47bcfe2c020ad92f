"""The demo scenario: the spreadsheets the Fuxing City (福星城) command team would have kept.

Fuxing City, Xianning, was the first fully sealed compound in the city: closed on 2020-02-04
after four confirmed COVID-19 cases, reopened on 2020-03-14. `generate` writes what its team
logged in between (2020-02-04 .. 2020-03-13), in the data contract's format, one kind per file
or sheet, with a few values typed the way people type them. The facts of the news report of
11 Feb 2020 (the product brief, BRIEF.md) hold on REPORT_DAY; tests/test_demo_facts.py checks
them on the imported snapshot. Every name, phone number and room is synthetic.

Deterministic: every choice comes from `random.Random` seeded with the seed (one stream per
part of the story, so changing one part leaves the others alone), iteration is ordered and
the XLSX timestamps are fixed, so two runs write byte-identical files.
"""
from __future__ import annotations

import csv
import random
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from sitrep.ingest.contract import CODES, KINDS

COMPOUND = "福星城"
YEAR = 2020
LOCKDOWN_FROM = date(2020, 2, 4)     # the compound gate closed
LOCKDOWN_UNTIL = date(2020, 3, 14)   # the compound reopened that day; the logs end the day before
REPORT_DAY = date(2020, 2, 10)       # the day the reporter visited
SEED = 20200204

LAST_DAY = LOCKDOWN_UNTIL - timedelta(days=1)
TASK_FORCE_ON = date(2020, 2, 5)     # the task force (工作专班) was formed
CALL_ON = date(2020, 2, 6)           # the call for volunteers; deliveries, screenings, trips start
TWO_GUARD_SHIFTS_FROM = date(2020, 2, 8)  # before: one 12-hour door shift per building, after: two
LAST_CALL_DAY = REPORT_DAY           # 58 Party-member and 15 Lei Feng volunteers had joined by then
VARIANT_RATE = 0.02                  # share of log rows with a value typed another accepted way
_FIXED_STAMP = datetime(2020, 3, 14, 0, 0, 0)  # XLSX created/modified and zip entry times

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
VOLUNTEERS_TITLE = "福星城抗疫志愿者名册"

# Real names from the news report: the synthetic roster must never produce them.
_REAL_NAMES = frozenset({"余为民", "杨奇", "吴燕春", "徐伟", "曾鸿雁", "丁炜", "胡燕", "卢娟", "刘娇",
                         "党严鹏", "程文敏", "周老"})
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
             "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃")
_GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞建文辉斌宇浩凯倩婷雪琳晶慧颖佳欣"
          "怡嘉俊峰亮波志勤春燕琴云莉翠海鑫鸿瑞锋琪晨阳昊岚诗梦思雨博"
          "丹宁松柏新荣")


# ---------------------------------------------------------------------------------------------
# The compound


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


def _buildings() -> tuple[Building, ...]:
    # A row: eight 11-storey slabs of three units along the south side; B row: towers behind.
    a_row = [Building(f"A{i + 1}", 11, 3, 6, 25.0 + 40 * i, 25.0, 30.0, 12.0) for i in range(8)]
    b_floors = (18, 18, 18, 18, 33, 33, 26, 26)
    b_row = [Building(f"B{i + 1}", f, 2, 4, 25.0 + 40 * i, 80.0, 20.0, 16.0)
             for i, f in enumerate(b_floors)]
    return tuple(a_row + b_row)


BUILDINGS = _buildings()


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


# The case log as the clerk typed it, in order: (case id, class, reported on, outcome, outcome on).
# C001-C004 were why the compound was sealed; C005 (B5, 13th floor) and C006 (B7) were confirmed
# after being suspected; the other suspected cases were ruled out 2-4 days later.
_CASE_HOMES = {  # case id: (building, floor, shares the home of)
    "C001": ("B5", 9, None), "C002": ("B5", 21, None), "C003": ("B2", 7, None),
    "C004": ("A6", 4, None), "C005": ("B5", 13, None), "C006": ("B7", 17, None),
    "C007": ("B7", 17, "C006"), "C008": ("A3", 7, None), "C009": ("B3", 12, None),
    "C010": ("A8", 6, None), "C011": ("A8", 10, None), "C012": ("B6", 24, None),
    "C013": ("A1", 11, None), "C014": ("A1", 11, "C013"),
}
_CASE_LOG = (
    ("C001", "确诊", (2, 1), "住院", (2, 1)),
    ("C002", "确诊", (2, 3), "住院", (2, 3)),
    ("C003", "确诊", (2, 4), "住院", (2, 4)),
    ("C004", "确诊", (2, 4), "住院", (2, 4)),
    ("C005", "疑似", (2, 7), "隔离", (2, 7)),
    ("C005", "确诊", (2, 8), "住院", (2, 8)),
    ("C006", "疑似", (2, 11), "隔离", (2, 11)),
    ("C006", "确诊", (2, 12), "住院", (2, 12)),
    ("C007", "密接", (2, 12), "隔离", (2, 12)),
    ("C008", "疑似", (2, 13), "隔离", (2, 13)),
    ("C008", "疑似", (2, 13), "排除", (2, 16)),
    ("C009", "疑似", (2, 17), "隔离", (2, 17)),
    ("C009", "疑似", (2, 17), "排除", (2, 20)),
    ("C010", "疑似", (2, 21), "隔离", (2, 21)),
    ("C011", "密接", (2, 21), "隔离", (2, 21)),
    ("C010", "疑似", (2, 21), "排除", (2, 24)),
    ("C012", "疑似", (2, 27), "隔离", (2, 27)),
    ("C012", "疑似", (2, 27), "排除", (3, 1)),
    ("C001", "确诊", (2, 1), "治愈", (3, 3)),
    ("C013", "疑似", (3, 4), "隔离", (3, 4)),
    ("C014", "密接", (3, 4), "隔离", (3, 4)),
    ("C003", "确诊", (2, 4), "治愈", (3, 5)),
    ("C013", "疑似", (3, 4), "排除", (3, 7)),
    ("C004", "确诊", (2, 4), "治愈", (3, 10)),
)
# Screening dispositions on the day a suspected case was reported.
_SUSPECT_DISPOSITION = {"C005": "送医", "C006": "送医"}
# Suspected cases that had a mild fever, watched at home, the day before.
_FEVER_DAY_BEFORE = ("C008", "C012")
# Seals lifted by a second row (same 楼栋, 楼层, 开始; 结束 filled) rather than typed whole.
_LIFTED_BY_UPDATE = ("A6", "B3", "B5", "B6", "B7")

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
_TIBIA = ("胫骨坏死", "仙灵骨葆胶囊", "咸宁市中医医院", "陈某某（65岁）")

_TRIP_PURPOSES = {  # purpose: (weight, minutes min-max, destinations)
    "产检": (18, (90, 150), ("咸安区妇幼保健院", "咸宁市妇幼保健院")),
    "急诊": (18, (60, 150), ("咸宁市中心医院", "咸宁市第一人民医院")),
    "手术": (8, (60, 120), ("咸宁市中心医院", "咸宁市第一人民医院")),
    "透析": (16, (60, 110), ("咸宁市中心医院", "咸宁市中医医院")),
    "复诊": (22, (70, 130), ("咸宁市中医医院", "咸宁市中心医院", "咸安区人民医院")),
    "取药": (18, (40, 90), ("咸宁市中医医院", "咸宁市中心医院", "咸安区人民医院")),
}
# On REPORT_DAY the car ran from 08:30 to after 15:00 with one 20-minute lunch break.
_REPORT_DAY_TRIPS = (("08:30", "10:10", "产检", "咸安区妇幼保健院"),
                     ("10:10", "11:55", "透析", "咸宁市中心医院"),
                     ("12:15", "13:40", "急诊", "咸宁市中心医院"),
                     ("13:40", "15:20", "手术", "咸宁市中心医院"))


# ---------------------------------------------------------------------------------------------
# Small helpers


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _at(day: date, hhmm: str) -> datetime:
    hour, minute = hhmm.split(":")
    return datetime.combine(day, time(int(hour), int(minute)))


def _pick(rng: random.Random, weighted: dict):
    keys = list(weighted)
    return rng.choices(keys, weights=[weighted[k] for k in keys])[0]


def _headers(kind: str, names: tuple[str, ...]) -> list[str]:
    zh = {c.name: c.zh for c in KINDS[kind].columns}
    return [zh[n] for n in names]


def _group_label(code: str) -> str:
    return CODES["group"][code][0]


def _fmt_date(day: date) -> str:
    return day.isoformat()


def _fmt_time(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _fmt_datetime(moment: datetime) -> str:
    return f"{_fmt_date(moment.date())} {_fmt_time(moment)}"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _vary_date(rng: random.Random, day: date) -> str:
    return rng.choice((f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
                       f"{day.month}月{day.day}日"))


def _vary_time(rng: random.Random, moment: datetime) -> str:
    h, m = moment.hour, moment.minute
    forms = [f"{h}:{m:02d}" if h < 10 else f"{h}点{m:02d}", f"{h}点{m:02d}" if m else f"{h}点"]
    if m == 30:
        forms.append(f"{h}点半")
    if 13 <= h <= 18 and m in (0, 30):
        forms.append(f"下午{h - 12}点" + ("半" if m == 30 else ""))
    return rng.choice(forms)


def _vary_datetime(rng: random.Random, moment: datetime) -> str:
    which = rng.randrange(3)  # 0: the date, 1: the time, 2: both
    day = _vary_date(rng, moment.date()) if which != 1 else _fmt_date(moment.date())
    clock = _vary_time(rng, moment) if which != 0 else _fmt_time(moment)
    return f"{day} {clock}"


def _vary_address(rng: random.Random, hh: Household) -> str:
    b, r = hh.building, hh.room
    return rng.choice((f"{b}栋{r}", f"{b}栋{hh.unit}单元{r}", f"{b}栋{r}室", f"{b.lower()} {r}",
                       _fullwidth(f"{b}-{r}")))


def _varied_rows(rng: random.Random, n: int) -> set[int]:
    """Which rows of a log get a value typed another accepted way: ~2%, at least two."""
    if n == 0:
        return set()
    return set(rng.sample(range(n), min(n, max(2, round(n * VARIANT_RATE)))))


# ---------------------------------------------------------------------------------------------
# The scenario


class _Scenario:
    def __init__(self, seed: int):
        self.seed = seed
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
        return random.Random(f"{self.seed}/{stream}")

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

    # -- the register ----------------------------------------------------------------------

    def _households(self) -> list[Household]:
        rng = self.rng("households")
        mixes = {("老人",): 34, ("慢性病",): 14, ("老人", "慢性病"): 16, ("儿童",): 20, ("孕妇",): 5,
                 ("残疾",): 3, ("老人", "残疾"): 3, ("儿童", "孕妇"): 3, ("儿童", "慢性病"): 2}
        out = []
        for b in BUILDINGS:
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
        rng = self.rng("volunteers")
        case_homes = {hh.index for hh in self.case_homes.values()}
        residents = rng.sample([hh for hh in self.households if hh.index not in case_homes], 90)
        homes = iter(residents)
        # The task force, formed on 2020-02-05: stationed city cadres, city-managed cadres living
        # in the compound and the property-management head. Six are the branch committee
        # members who lead the six groups.
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
            people.append((kind, group, True, TASK_FORCE_ON, role, kind == "市管干部"))
        # Two doctors of the district TCM hospital and two doctors living in the compound.
        for lives_here in (False, False, True, True):
            people.append(("医生", "medical", False, TASK_FORCE_ON, "doctor", lives_here))
        # Answering the call of 2020-02-06: 58 Party members and 15 Lei Feng volunteers by
        # 2020-02-10, and three counsellors of the vocational college from 2020-02-07.
        slots = (["security"] * 34 + ["supply"] * 16 + ["liaison"] * 10 + ["cleaning"] * 5
                 + ["coordination"] * 4 + ["medical"] * 4)
        roles = {"liaison": "driver", "coordination": "data_entry", "medical": "handler"}
        called = []
        for group in sorted(set(slots)):
            members = [group] * slots.count(group)
            for i, g in enumerate(members):
                called.append((g, roles.get(g, "") if i == 0 else ""))
        plain = [i for i, (_, role) in enumerate(called) if not role]
        lei_feng = set(rng.sample(plain, 15))
        joined_weights = {CALL_ON + timedelta(days=i): w for i, w in enumerate((35, 25, 18, 12, 10))}
        batch = []
        for i, (group, role) in enumerate(called):
            kind = "雷锋志愿者" if i in lei_feng else "党员志愿者"
            joined = CALL_ON if role else _pick(rng, joined_weights)
            batch.append((kind, group, False, joined, role, True))
        for _ in range(3):
            batch.append(("心理咨询师", "liaison", False, date(2020, 2, 7), "counsellor", False))
        keyed = [(p[3], rng.random(), p) for p in batch]
        people += [p for _, _, p in sorted(keyed)]
        # Six more Party members joined the door guards later.
        for i in range(6):
            people.append(("党员志愿者", "security", False, date(2020, 2, 15) + timedelta(days=i), "", True))

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
        for case_id, (building, floor, shares) in _CASE_HOMES.items():
            homes[case_id] = homes[shares] if shares else rng.choice(self.by_floor[(building, floor)])
        return homes

    def case_events(self) -> list[tuple[str, str, date, str, date]]:
        return [(cid, cls, date(YEAR, *rep), outcome, date(YEAR, *on))
                for cid, cls, rep, outcome, on in _CASE_LOG]

    def _seals(self) -> list[Seal]:
        events = self.case_events()
        floors_of = {b.name: b.floors for b in BUILDINGS}
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
            seals.append(Seal(building, None, "", max(LOCKDOWN_FROM, min(confirmed[building])),
                              last + timedelta(days=14), "确诊", building in _LIFTED_BY_UPDATE))
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
                              home.building in _LIFTED_BY_UPDATE))
        return seals

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
        rng = self.rng("trips")
        chronic = [hh for hh in self.households if "慢性病" in hh.vulnerable]
        dialysis = sorted(rng.sample(chronic, 3), key=lambda hh: hh.index)
        weights = {p: w for p, (w, _, _) in _TRIP_PURPOSES.items()}
        trips = []
        for day in _days(CALL_ON, LAST_DAY):
            if day == REPORT_DAY:
                for dep, ret, purpose, destination in _REPORT_DAY_TRIPS:
                    trips.append(Trip(_at(day, dep), _at(day, ret),
                                      self._trip_household(rng, purpose, dialysis), purpose, destination))
                continue
            n = rng.choices((1, 2, 3, 4), weights=(20, 35, 30, 15))[0]
            clock = _at(day, "07:30") + timedelta(minutes=rng.randrange(0, 125, 5))
            for _ in range(n):
                purpose = _pick(rng, weights)
                _, (lo, hi), destinations = _TRIP_PURPOSES[purpose]
                returned = clock + timedelta(minutes=rng.randrange(lo, hi + 1, 5))
                if returned > _at(day, "18:30"):
                    break
                trips.append(Trip(clock, returned, self._trip_household(rng, purpose, dialysis),
                                  purpose, rng.choice(destinations)))
                clock = returned + timedelta(minutes=rng.choice((0, 0, 10, 15, 20, 30, 45, 60, 90, 120)))
            today = [t for t in trips if t.departed.date() == day]
            if len(today) < 4 and rng.random() < 0.06:  # a child's fever at night
                departed = _at(day, "19:30") + timedelta(minutes=rng.randrange(0, 60, 5))
                if not today or today[-1].returned <= departed:
                    trips.append(Trip(departed, departed + timedelta(minutes=rng.randrange(70, 120, 5)),
                                      self._trip_household(rng, "急诊", dialysis), "急诊", "咸宁市中心医院"))
        return trips

    # -- shifts ----------------------------------------------------------------------------

    def _shifts(self):
        rng = self.rng("shifts")
        vols = self.volunteers
        hours: dict[str, float] = defaultdict(float)
        shifts: list[Shift] = []
        on_duty: dict[tuple[date, str], list[Volunteer]] = defaultdict(list)

        def add(day, v, start, end, task, building=""):
            s, e = _at(day, start), _at(day, end)
            if e <= s:
                e += timedelta(days=1)  # past midnight
            shifts.append(Shift(day, v, s, e, task, building))
            hours[v.vid] += (e - s).total_seconds() / 3600

        doctors = [v for v in vols if v.role == "doctor"]
        driver = self.volunteer("driver")
        # The data-entry volunteer used her lunch hour to carry vegetables into B5.
        b5_sealed = [d for d in _days(CALL_ON, LAST_DAY) if self.sealed("B5", 1, d)]
        noon_days = {d for d in b5_sealed if d == REPORT_DAY or rng.random() < 0.4}
        never_guard = ("secretary", "driver", "data_entry", "doctor", "counsellor", "handler")

        for day in _days(LOCKDOWN_FROM, LAST_DAY):
            working = [v for v in vols if v.joined <= day and not v.rests(day)]
            busy: set[str] = set()

            # Door guards: every building, every day. Until volunteers came, the task force
            # stood at the doors itself.
            if day < CALL_ON:
                for b, v in zip(BUILDINGS, [v for v in vols if v.task_force], strict=True):
                    add(day, v, "07:00", "19:00", "值守", b.name)
                    busy.add(v.vid)
            else:
                if day < TWO_GUARD_SHIFTS_FROM:
                    slots = [(b.name, "07:00", "19:00") for b in BUILDINGS]
                else:
                    slots = [(b.name, s, e) for b in BUILDINGS for s, e in (("07:00", "15:00"), ("15:00", "23:00"))]
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
            if day >= TASK_FORCE_ON:
                for s, (start, end) in enumerate((("00:00", "08:00"), ("08:00", "16:00"), ("16:00", "00:00"))):
                    slot = (day - TASK_FORCE_ON).days * 3 + s - 1
                    if slot >= 0:
                        add(day, doctors[slot % len(doctors)], start, end, "医疗值班")

            if day < CALL_ON:
                continue

            for trip in (t for t in self.trips if t.departed.date() == day):
                add(day, driver, _fmt_time(trip.departed), _fmt_time(trip.returned), "出车")

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
        rng = self.rng("medicine")
        candidates = [hh for hh in self.households if "慢性病" in hh.vulnerable or "老人" in hh.vulnerable]
        weights = {c: w for c, (w, _) in _CONDITIONS.items()}
        patients = []
        for hh in sorted(rng.sample(candidates, 70), key=lambda hh: hh.index):
            condition = _pick(rng, weights)
            age = rng.randint(58, 88) if "老人" in hh.vulnerable else rng.randint(38, 64)
            patients.append((hh, condition, rng.choice(_CONDITIONS[condition][1]), rng.choice(_HOSPITALS),
                             f"{rng.choice(_SURNAMES)}{rng.choice(('某某', '某'))}（{age}岁）"))
        elderly = [hh for hh in candidates if "老人" in hh.vulnerable and hh not in [p[0] for p in patients]]
        tibia_home = rng.choice(elderly)
        handler = self.volunteer("handler")
        medical = [v for v in self.volunteers if v.group == "medical"]
        requests: list[Request] = []
        for day in _days(TASK_FORCE_ON, LAST_DAY):
            handlers = [v for v in medical if v.joined <= day]
            regular = day.toordinal() % 12 == 0 and day > date(2020, 2, 9)  # the tibia patient's prescription
            n = rng.randint(3, 6) - (day == date(2020, 2, 9) or regular)
            times = sorted(_at(day, "07:30") + timedelta(minutes=rng.randrange(0, 13 * 60)) for _ in range(n))
            for t in times:
                hh, condition, medicine, hospital, patient = rng.choice(patients)
                if rng.random() < 0.3:
                    hospital = rng.choice(_HOSPITALS)
                urgent = rng.random() < 0.2
                requests.append(Request("", t, hh, medicine, condition, urgent, hospital, patient,
                                        rng.choice(handlers), urgent or rng.random() < 0.8))
            if day == date(2020, 2, 9):
                condition, medicine, hospital, patient = _TIBIA
                requests.append(Request("", _at(day, "09:10"), tibia_home, medicine, condition, True,
                                        hospital, patient, handler))
            elif regular:
                condition, medicine, hospital, patient = _TIBIA
                requests.append(Request("", _at(day, "08:40") + timedelta(minutes=rng.randrange(0, 300, 5)),
                                        tibia_home, medicine, condition, False, hospital, patient,
                                        rng.choice(handlers), rng.random() < 0.5))
        requests.sort(key=lambda r: r.requested)
        for i, r in enumerate(requests):
            r.request_id = f"M{i + 1:04d}"
        return requests

    # -- the logs as rows ------------------------------------------------------------------

    def volunteer_ref(self, rng: random.Random, v: Volunteer) -> str:
        return v.name if rng.random() < 0.05 else v.vid

    def building_rows(self):
        return [[b.name, b.floors, b.units, b.per_floor, b.x_m, b.y_m, b.width_m, b.depth_m] for b in BUILDINGS]

    def household_rows(self):
        return [[hh.building, hh.unit, hh.room, hh.residents, "、".join(hh.vulnerable), hh.phone]
                for hh in self.households]

    def volunteer_rows(self):
        rng = self.rng("volunteer_rows")
        rows = []
        called = [v for v in self.volunteers if v.kind in ("党员志愿者", "雷锋志愿者")]
        typed_dates = {called[20].vid: "{d.year}/{d.month}/{d.day}", called[40].vid: "{d.year}年{d.month}月{d.day}日"}
        report_spelling = next(v.vid for v in called if v.group == "security")
        for v in self.volunteers:
            group = _group_label(v.group)
            if v.group in ("supply", "security", "liaison") and rng.random() < 0.25:
                group = CODES["group"][v.group][1]  # 配送组, 安保组, 排查组
            if v.vid == report_spelling:
                group = "安保维稳"  # as the news report spells it
            joined = typed_dates[v.vid].format(d=v.joined) if v.vid in typed_dates else v.joined
            rows.append([v.vid, v.name, v.kind, group, "是" if v.task_force else "否", joined, v.phone, v.home])
        return rows

    def shift_rows(self):
        rng = self.rng("shift_rows")
        ordered = sorted(self.shifts, key=lambda s: (s.day, s.start, s.volunteer.vid, s.task))
        varied = _varied_rows(rng, len(ordered))
        rows = []
        for i, s in enumerate(ordered):
            day, start, end = _fmt_date(s.day), _fmt_time(s.start), _fmt_time(s.end)
            if i in varied:
                which = rng.randrange(3)
                if which == 0:
                    day = _vary_date(rng, s.day)
                elif which == 1:
                    start = _vary_time(rng, s.start)
                else:
                    end = _vary_time(rng, s.end)
            rows.append([day, self.volunteer_ref(rng, s.volunteer), start, end, s.task, s.building])
        return rows

    def delivery_rows(self):
        rng = self.rng("deliveries")
        next_due = {hh.index: CALL_ON + timedelta(days=rng.randrange(3)) for hh in self.households}
        data_entry = self.volunteer("data_entry")
        b_index = {b.name: i for i, b in enumerate(BUILDINGS)}
        records = []
        for day in _days(CALL_ON, LAST_DAY):
            am, pm = self.on_duty[(day, "am")], self.on_duty[(day, "pm")]
            for hh in self.households:
                sealed = self.sealed(hh.building, hh.floor, day)
                if sealed:
                    if rng.random() < 0.015:  # a door nobody answered
                        continue
                elif day < next_due[hh.index]:
                    continue
                next_due[hh.index] = day + timedelta(days=rng.choices((1, 2, 3), weights=(3, 22, 75))[0])
                if day in self.noon_days and hh.building == "B5" and sealed and rng.random() < 0.2:
                    at = _at(day, "12:05") + timedelta(minutes=rng.randrange(50))
                    by = data_entry
                else:
                    session = rng.choices(("am", "pm"), weights=(83, 17))[0]
                    crew = am if session == "am" else pm
                    first = "08:00" if session == "am" else "14:00"
                    at = _at(day, first) + timedelta(minutes=rng.randrange(210))
                    by = crew[(b_index[hh.building] * 3 + hh.unit) % len(crew)]
                for category in self._categories(rng, hh, sealed):
                    quantity, unit, source = self._quantity(rng, category, sealed)
                    records.append((at, hh, category, quantity, unit, source, by))
        records.sort(key=lambda r: (r[0], r[1].index, r[2]))
        varied = _varied_rows(rng, len(records))
        rows = []
        for i, (at, hh, category, quantity, unit, source, by) in enumerate(records):
            when, address = _fmt_datetime(at), hh.address
            if i in varied:
                which = rng.randrange(3)
                if which == 0:
                    when = _vary_datetime(rng, at)
                elif which == 1:
                    address = _vary_address(rng, hh)
                elif unit in ("斤", "kg"):
                    quantity, unit = f"{quantity}{unit}", ""
                else:
                    address = _vary_address(rng, hh)
            rows.append([when, address, category, quantity, unit, source, self.volunteer_ref(rng, by)])
        return rows

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

    def medicine_rows(self):
        rng = self.rng("medicine_rows")
        end = datetime.combine(LAST_DAY, time(23, 59))
        # (typed at, request, 0 registered / 1 in progress / 2 closed, request, status, fulfilled_at,
        #  handler, whole row retyped)
        events = []
        for n, r in enumerate(self.requests):
            first_handler = r.handler if (r.urgent or rng.random() < 0.5) else None
            events.append((r.requested, n, 0, r, "待处理", None, first_handler, True))
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
                    done = _at(next_morning, "08:30") + timedelta(minutes=rng.randrange(150))
                status = "已送达"
                progress = (r.requested + timedelta(minutes=rng.randrange(5, max(6, min(60, delay // 2))))
                            if rng.random() < (0.8 if r.urgent else 0.55) else None)
            if progress and progress <= end:
                events.append((progress, n, 1, r, "处理中", None, r.handler, special or rng.random() < 0.7))
            if done <= end:
                events.append((done, n, 2, r, status, done if status == "已送达" else None, r.handler,
                               special or rng.random() < 0.7))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        varied = _varied_rows(rng, len(events))
        rows = []
        for i, (_, _, seq, r, status, fulfilled, handler, full) in enumerate(events):
            requested, address = _fmt_datetime(r.requested), r.household.address
            fulfilled_s = _fmt_datetime(fulfilled) if fulfilled else ""
            if i in varied:
                if seq == 0 or full:
                    which = rng.randrange(2)
                    if which == 0:
                        requested = _vary_datetime(rng, r.requested)
                    else:
                        address = _vary_address(rng, r.household)
                elif fulfilled:
                    fulfilled_s = _vary_datetime(rng, fulfilled)
            handler_s = self.volunteer_ref(rng, handler) if handler else ""
            urgency = ("紧急" if r.urgent else "一般") if r.urgency_typed else ""
            if seq == 0 or full:
                rows.append([r.request_id, requested, address, r.medicine, r.condition, urgency, r.hospital,
                             status, fulfilled_s, handler_s, r.patient])
            else:  # an update needs only the ID; a blank cell keeps the old value
                rows.append([r.request_id, "", "", "", "", "", "", status, fulfilled_s, handler_s, ""])
        return rows

    def screening_rows(self):
        rng = self.rng("screenings")
        marks: dict[tuple[date, str], tuple[str, str]] = {}  # (day, address): (kind of row, disposition)
        for cid, cls, rep, _, _ in self.case_events():
            home = self.case_homes[cid]
            if cls == "疑似" and (rep, home.address) not in marks:
                marks[(rep, home.address)] = ("fever", _SUSPECT_DISPOSITION.get(cid, "上报"))
                if cid in _FEVER_DAY_BEFORE:
                    marks[(rep - timedelta(days=1), home.address)] = ("mild", "居家观察")
            elif cls == "密接" and (rep, home.address) not in marks:
                marks[(rep, home.address)] = ("contact", "隔离")
        in_hospital: dict[int, list[tuple[date, date]]] = defaultdict(list)  # household: stays
        for cid in sorted({cid for cid, *_ in self.case_events()}):
            stay = [on for c, _, _, outcome, on in self.case_events() if c == cid and outcome == "住院"]
            back = [on for c, _, _, outcome, on in self.case_events() if c == cid and outcome == "治愈"]
            if stay:
                in_hospital[self.case_homes[cid].index].append((stay[0], back[0] if back else LOCKDOWN_UNTIL))
        b_index = {b.name: i for i, b in enumerate(BUILDINGS)}
        records = []
        for day in _days(CALL_ON, LAST_DAY):
            screeners = self.on_duty[(day, "screen")]
            for hh in self.households:
                mark = marks.get((day, hh.address))
                at_home = hh.residents - sum(start <= day < end for start, end in in_hospital[hh.index])
                if at_home <= 0:
                    continue
                if not mark:
                    if day.month == 2:
                        chance = 1.0 if self.sealed(hh.building, hh.floor, day) else 0.985
                    else:  # every other day in March
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
                records.append((day, hh, persons, temp, symptoms, disposition, screener))
        varied = _varied_rows(rng, len(records))
        rows = []
        for i, (day, hh, persons, temp, symptoms, disposition, screener) in enumerate(records):
            day_s, address, temp_s = _fmt_date(day), hh.address, f"{temp:.1f}"
            if i in varied:
                which = rng.randrange(3)
                if which == 0:
                    day_s = _vary_date(rng, day)
                elif which == 1:
                    address = _vary_address(rng, hh)
                else:
                    temp_s += rng.choice(("℃", "度"))
            rows.append([day_s, address, persons, temp_s, symptoms, disposition, screener.vid])
        return rows

    def case_rows(self):
        rng = self.rng("case_rows")
        events = self.case_events()
        varied = _varied_rows(rng, len(events))
        rows = []
        for i, (cid, cls, rep, outcome, on) in enumerate(events):
            home = self.case_homes[cid]
            address, rep_s, on_s = home.address, _fmt_date(rep), _fmt_date(on)
            if i in varied:
                if i % 2:
                    address = _vary_address(rng, home)
                else:
                    rep_s = _vary_date(rng, rep)
            rows.append([cid, address, cls, rep_s, outcome, on_s])
        return rows

    def seal_rows(self):
        rng = self.rng("seal_rows")
        events = []  # (day, order, row)
        for n, s in enumerate(self.seals):
            if s.lift_as_update:
                events.append((s.start, n, 0, s, False))
                events.append((s.until, n, 1, s, True))
            else:
                events.append((s.start, n, 0, s, True))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        varied = _varied_rows(rng, len(events))
        rows = []
        for i, (_, _, _, s, with_end) in enumerate(events):
            start_s = _vary_date(rng, s.start) if i in varied else _fmt_date(s.start)
            rows.append([s.building, s.floors_text, start_s, _fmt_date(s.until) if with_end else "", s.reason])
        return rows

    def trip_rows(self):
        rng = self.rng("trip_rows")
        driver = self.volunteer("driver")
        varied = _varied_rows(rng, len(self.trips))
        rows = []
        for i, t in enumerate(self.trips):
            departed, returned = _fmt_datetime(t.departed), _fmt_datetime(t.returned)
            address = t.household.address if t.household else ""
            if i in varied:
                if i % 2 or not t.household:
                    departed = _vary_datetime(rng, t.departed)
                else:
                    address = _vary_address(rng, t.household)
            rows.append([departed, returned, address, t.purpose, t.destination,
                         self.volunteer_ref(rng, driver)])
        return rows


# ---------------------------------------------------------------------------------------------
# Writing


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries carry a fixed time, so the same workbook gives the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_FIXED_STAMP.timetuple()[:6])
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl streams worksheets through temporary files, whose mtime would leak in
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes(), compress_type, compresslevel)


def _write_xlsx(path: Path, sheets: list[tuple[str, list[str], list[list], str | None]]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows, banner in sheets:
        ws = wb.create_sheet(title)
        first = 1
        if banner:  # a title row, a blank row, then the header
            ws.cell(row=1, column=1, value=banner).font = Font(bold=True, size=14)
            ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
            first = 3
        for c, value in enumerate(header, 1):
            ws.cell(row=first, column=c, value=value).font = Font(bold=True)
        for r, row in enumerate(rows, first + 1):
            for c, value in enumerate(row, 1):
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
        for c in range(1, len(header) + 1):
            ws.column_dimensions[chr(ord("A") + c - 1)].width = 14
    wb.properties.creator = COMPOUND
    wb.properties.created = _FIXED_STAMP
    wb.properties.modified = _FIXED_STAMP
    with _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()


def _write_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def generate(out_dir: Path, seed: int = SEED) -> list[Path]:
    """Write the demo spreadsheets into out_dir (created if need be) and return their paths.

    Only the files listed in FILES are replaced; anything else in out_dir is left alone.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (out_dir / name).unlink(missing_ok=True)
    s = _Scenario(seed)
    paths = {name: out_dir / name for name in FILES}
    _write_xlsx(paths[BUILDINGS_FILE], [
        ("楼栋", _headers("buildings", ("building", "floors", "units", "households_per_floor",
                                       "x_m", "y_m", "width_m", "depth_m")), s.building_rows(), None),
        ("住户", _headers("households", ("building", "unit", "room", "residents", "vulnerable", "phone")),
         s.household_rows(), None),
    ])
    _write_xlsx(paths[VOLUNTEERS_FILE], [
        ("志愿者", _headers("volunteers", ("volunteer_id", "name", "kind", "group", "task_force",
                                         "joined_on", "phone", "home")), s.volunteer_rows(), VOLUNTEERS_TITLE),
    ])
    csvs = (
        (SEALS_FILE, "seals", ("building", "floors", "sealed_from", "sealed_until", "reason"), s.seal_rows(),
         "utf-8"),
        (SHIFTS_FILE, "shifts", ("date", "volunteer", "start", "end", "task", "building"), s.shift_rows(),
         "utf-8"),
        (DELIVERIES_FILE, "deliveries", ("delivered_at", "address", "category", "quantity", "qty_unit",
                                         "source", "volunteer"), s.delivery_rows(), "utf-8-sig"),
        (MEDICINE_FILE, "medicine_requests", ("request_id", "requested_at", "address", "medicine", "condition",
                                              "urgency", "hospital", "status", "fulfilled_at", "handler",
                                              "patient"), s.medicine_rows(), "utf-8"),
        (SCREENINGS_FILE, "screenings", ("date", "address", "persons_checked", "max_temp_c", "symptoms",
                                         "disposition", "screener"), s.screening_rows(), "utf-8"),
        (CASES_FILE, "cases", ("case_id", "address", "class", "reported_on", "outcome", "outcome_on"),
         s.case_rows(), "utf-8"),
        (TRIPS_FILE, "vehicle_trips", ("departed_at", "returned_at", "address", "purpose", "destination",
                                       "driver"), s.trip_rows(), "utf-8"),
    )
    for name, kind, columns, rows, encoding in csvs:
        _write_csv(paths[name], _headers(kind, columns), rows, encoding)
    return [paths[name] for name in FILES]


if __name__ == "__main__":
    for written in generate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/demo")):
        print(written)
