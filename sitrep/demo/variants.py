"""How a clerk types a value: the plain form, and the other forms the importer accepts.

A log row is typed plainly (2020-02-10, 08:30, B5-1302); about one row in fifty
(VARIANT_RATE) has one value typed another accepted way (2020/2/10, 8点半, B5栋1302室,
full-width Ｂ５－１３０２), so the demo exercises the parsers the way real spreadsheets do.
Every choice is drawn from the caller's stream.
"""
from __future__ import annotations

import random
from datetime import date, datetime

from sitrep.demo.story import Household, Volunteer

VARIANT_RATE = 0.02   # share of log rows with a value typed another accepted way


def plain_date(day: date) -> str:
    return day.isoformat()


def plain_time(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def plain_datetime(moment: datetime) -> str:
    return f"{plain_date(moment.date())} {plain_time(moment)}"


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def vary_date(rng: random.Random, day: date) -> str:
    return rng.choice((f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
                       f"{day.month}月{day.day}日"))


def vary_time(rng: random.Random, moment: datetime) -> str:
    h, m = moment.hour, moment.minute
    forms = [f"{h}:{m:02d}" if h < 10 else f"{h}点{m:02d}", f"{h}点{m:02d}" if m else f"{h}点"]
    if m == 30:
        forms.append(f"{h}点半")
    if 13 <= h <= 18 and m in (0, 30):
        forms.append(f"下午{h - 12}点" + ("半" if m == 30 else ""))
    return rng.choice(forms)


def vary_datetime(rng: random.Random, moment: datetime) -> str:
    which = rng.randrange(3)  # 0: the date, 1: the time, 2: both
    day = vary_date(rng, moment.date()) if which != 1 else plain_date(moment.date())
    clock = vary_time(rng, moment) if which != 0 else plain_time(moment)
    return f"{day} {clock}"


def vary_address(rng: random.Random, hh: Household) -> str:
    b, r = hh.building, hh.room
    return rng.choice((f"{b}栋{r}", f"{b}栋{hh.unit}单元{r}", f"{b}栋{r}室", f"{b.lower()} {r}",
                       fullwidth(f"{b}-{r}")))


def varied_rows(rng: random.Random, n: int) -> set[int]:
    """Which rows of a log get a value typed another accepted way: ~2%, at least two."""
    if n == 0:
        return set()
    return set(rng.sample(range(n), min(n, max(2, round(n * VARIANT_RATE)))))


def volunteer_ref(rng: random.Random, v: Volunteer) -> str:
    """A volunteer as a log names her: by ID, now and then by name."""
    return v.name if rng.random() < 0.05 else v.vid
