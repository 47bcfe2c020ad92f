"""The team's sheets as the clerks typed them: a story's records as rows, one function per kind.

Each function returns a `Log`: the contract kind, the contract columns in the order the sheet
has them, and the rows (values typed per sitrep/demo/variants.py). A log draws its typing from
its own stream; the logs whose records the story draws per log (deliveries, screenings,
medicine) continue that same stream after the records, which keeps the files as they were.
"""
from __future__ import annotations

from dataclasses import dataclass

from sitrep.demo.story import Story
from sitrep.demo.variants import (
    plain_date,
    plain_datetime,
    plain_time,
    varied_rows,
    vary_address,
    vary_date,
    vary_datetime,
    vary_time,
    volunteer_ref,
)
from sitrep.ingest.contract import CODES, KINDS


@dataclass(frozen=True)
class Log:
    kind: str                  # a contract kind
    columns: tuple[str, ...]   # its contract column names, in the sheet's order
    rows: list[list]

    @property
    def header(self) -> list[str]:
        zh = {c.name: c.zh for c in KINDS[self.kind].columns}
        return [zh[n] for n in self.columns]


def buildings(story: Story) -> Log:
    return Log("buildings", ("building", "floors", "units", "households_per_floor", "x_m", "y_m", "width_m",
                             "depth_m"),
               [[b.name, b.floors, b.units, b.per_floor, b.x_m, b.y_m, b.width_m, b.depth_m]
                for b in story.scenario.buildings])


def households(story: Story) -> Log:
    return Log("households", ("building", "unit", "room", "residents", "vulnerable", "phone"),
               [[hh.building, hh.unit, hh.room, hh.residents, "、".join(hh.vulnerable), hh.phone]
                for hh in story.households])


def volunteers(story: Story) -> Log:
    rng = story.rng("volunteer_rows")
    rows = []
    called = [v for v in story.volunteers if v.kind in ("党员志愿者", "雷锋志愿者")]
    typed_dates = {called[i].vid: form for i, form in ((20, "{d.year}/{d.month}/{d.day}"),
                                                       (40, "{d.year}年{d.month}月{d.day}日")) if i < len(called)}
    report_spelling = next(v.vid for v in called if v.group == "security")
    for v in story.volunteers:
        group = CODES["group"][v.group][0]
        if v.group in ("supply", "security", "liaison") and rng.random() < 0.25:
            group = CODES["group"][v.group][1]  # 配送组, 安保组, 排查组
        if v.vid == report_spelling:
            group = "安保维稳"  # as the news report spells it
        joined = typed_dates[v.vid].format(d=v.joined) if v.vid in typed_dates else v.joined
        rows.append([v.vid, v.name, v.kind, group, "是" if v.task_force else "否", joined, v.phone, v.home])
    return Log("volunteers", ("volunteer_id", "name", "kind", "group", "task_force", "joined_on", "phone", "home"),
               rows)


def seals(story: Story) -> Log:
    rng = story.rng("seal_rows")
    typed = story.seal_log()
    varied = varied_rows(rng, len(typed))
    rows = []
    for i, (s, with_end) in enumerate(typed):
        start = vary_date(rng, s.start) if i in varied else plain_date(s.start)
        rows.append([s.building, s.floors_text, start, plain_date(s.until) if with_end else "", s.reason])
    return Log("seals", ("building", "floors", "sealed_from", "sealed_until", "reason"), rows)


def shifts(story: Story) -> Log:
    rng = story.rng("shift_rows")
    ordered = sorted(story.shifts, key=lambda s: (s.day, s.start, s.volunteer.vid, s.task))
    varied = varied_rows(rng, len(ordered))
    rows = []
    for i, s in enumerate(ordered):
        day, start, end = plain_date(s.day), plain_time(s.start), plain_time(s.end)
        if i in varied:
            which = rng.randrange(3)
            if which == 0:
                day = vary_date(rng, s.day)
            elif which == 1:
                start = vary_time(rng, s.start)
            else:
                end = vary_time(rng, s.end)
        rows.append([day, volunteer_ref(rng, s.volunteer), start, end, s.task, s.building])
    return Log("shifts", ("date", "volunteer", "start", "end", "task", "building"), rows)


def deliveries(story: Story) -> Log:
    rng = story.rng("deliveries")
    records = story.deliveries(rng)
    varied = varied_rows(rng, len(records))
    rows = []
    for i, d in enumerate(records):
        when, address, quantity, unit = plain_datetime(d.at), d.household.address, d.quantity, d.unit
        if i in varied:
            which = rng.randrange(3)
            if which == 0:
                when = vary_datetime(rng, d.at)
            elif which == 1:
                address = vary_address(rng, d.household)
            elif unit in ("斤", "kg"):
                quantity, unit = f"{quantity}{unit}", ""
            else:
                address = vary_address(rng, d.household)
        rows.append([when, address, d.category, quantity, unit, d.source, volunteer_ref(rng, d.by)])
    return Log("deliveries", ("delivered_at", "address", "category", "quantity", "qty_unit", "source", "volunteer"),
               rows)


def medicine_requests(story: Story) -> Log:
    rng = story.rng("medicine_rows")
    steps = story.request_steps(rng)
    varied = varied_rows(rng, len(steps))
    rows = []
    for i, s in enumerate(steps):
        r = s.request
        requested, address = plain_datetime(r.requested), r.household.address
        fulfilled = plain_datetime(s.fulfilled_at) if s.fulfilled_at else ""
        if i in varied:
            if s.step == 0 or s.whole_row:
                if rng.randrange(2) == 0:
                    requested = vary_datetime(rng, r.requested)
                else:
                    address = vary_address(rng, r.household)
            elif s.fulfilled_at:
                fulfilled = vary_datetime(rng, s.fulfilled_at)
        handler = volunteer_ref(rng, s.handler) if s.handler else ""
        urgency = ("紧急" if r.urgent else "一般") if r.urgency_typed else ""
        if s.step == 0 or s.whole_row:
            rows.append([r.request_id, requested, address, r.medicine, r.condition, urgency, r.hospital,
                         s.status, fulfilled, handler, r.patient])
        else:  # an update needs only the ID; a blank cell keeps the old value
            rows.append([r.request_id, "", "", "", "", "", "", s.status, fulfilled, handler, ""])
    return Log("medicine_requests", ("request_id", "requested_at", "address", "medicine", "condition", "urgency",
                                     "hospital", "status", "fulfilled_at", "handler", "patient"), rows)


def screenings(story: Story) -> Log:
    rng = story.rng("screenings")
    records = story.screenings(rng)
    varied = varied_rows(rng, len(records))
    rows = []
    for i, s in enumerate(records):
        day, address, temp = plain_date(s.day), s.household.address, f"{s.temp_c:.1f}"
        if i in varied:
            which = rng.randrange(3)
            if which == 0:
                day = vary_date(rng, s.day)
            elif which == 1:
                address = vary_address(rng, s.household)
            else:
                temp += rng.choice(("℃", "度"))
        rows.append([day, address, s.persons, temp, s.symptoms, s.disposition, s.screener.vid])
    return Log("screenings", ("date", "address", "persons_checked", "max_temp_c", "symptoms", "disposition",
                              "screener"), rows)


def cases(story: Story) -> Log:
    rng = story.rng("case_rows")
    varied = varied_rows(rng, len(story.cases))
    rows = []
    for i, (cid, cls, reported_on, outcome, outcome_on) in enumerate(story.cases):
        home = story.case_homes[cid]
        address, reported = home.address, plain_date(reported_on)
        if i in varied:
            if i % 2:
                address = vary_address(rng, home)
            else:
                reported = vary_date(rng, reported_on)
        rows.append([cid, address, cls, reported, outcome, plain_date(outcome_on)])
    return Log("cases", ("case_id", "address", "class", "reported_on", "outcome", "outcome_on"), rows)


def vehicle_trips(story: Story) -> Log:
    rng = story.rng("trip_rows")
    driver = story.volunteer("driver")
    varied = varied_rows(rng, len(story.trips))
    rows = []
    for i, t in enumerate(story.trips):
        departed, returned = plain_datetime(t.departed), plain_datetime(t.returned)
        address = t.household.address if t.household else ""
        if i in varied:
            if i % 2 or not t.household:
                departed = vary_datetime(rng, t.departed)
            else:
                address = vary_address(rng, t.household)
        rows.append([departed, returned, address, t.purpose, t.destination, volunteer_ref(rng, driver)])
    return Log("vehicle_trips", ("departed_at", "returned_at", "address", "purpose", "destination", "driver"), rows)
