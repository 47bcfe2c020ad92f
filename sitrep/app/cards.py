"""KPI cards: a number on the as-of date with its change since the day before, drawn one way on
every page. A page says which columns (a `Card` each) and the helper formats, colours and sizes
them; the overview's groups (`OVERVIEW`) are one spec shared by the overview and the briefing,
which shows them with short labels and whole numbers (`PHONE`) so four fit across a phone."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from sitrep.i18n import t


@dataclass(frozen=True)
class Card:
    column: str                     # the daily frame's column
    label: str                      # catalog key of the label
    fmt: str = "{:,.0f}"            # the value's format (and the change's, but see change_fmt)
    worse_up: bool | None = False   # an increase is bad (red); None: neither good nor bad (grey)
    short: str | None = None        # catalog key of a short label (PHONE); else the label
    help: str | None = None         # catalog key of the help text; else the row's
    change_fmt: str | None = None   # the change's format when not the value's ("{:+,.0f}")


@dataclass(frozen=True)
class Group:
    """A heading and its cards; under it the overview draws a trend of `trend` (column -> label
    key) as `trend_kind` ("bar" or "line")."""
    heading: str                    # catalog key (the overview's)
    short: str                      # catalog key of the briefing's shorter heading
    cards: tuple[Card, ...]
    trend: dict[str, str]
    trend_kind: str


@dataclass(frozen=True)
class Display:
    width: int = 140                # px a card: four across a laptop, two across a phone
    gap: str | None = "small"
    short: bool = False             # short labels and headings
    whole: bool = False             # whole numbers: both days rounded, the change between them
    help: bool = True               # the help tooltip (an image has no hover)


WIDE = Display()
PHONE = Display(width=98, gap=None, short=True, whole=True, help=False)   # 4 × 98 px in 432 px


def _card(column: str, *, worse_up: bool | None = False, fmt: str = "{:,.0f}") -> Card:
    """An overview card: labelled kpi.<column>, briefing.kpi.<column> when short."""
    return Card(column, f"kpi.{column}", fmt, worse_up, short=f"briefing.kpi.{column}")


OVERVIEW: tuple[Group, ...] = (
    Group("overview.group.seals", "briefing.group.seals", (
        _card("households"),
        _card("sealed_buildings", worse_up=True),
        _card("sealed_floors", worse_up=True),
        _card("sealed_households", worse_up=True),
    ), {"sealed_households": "kpi.sealed_households"}, "line"),
    Group("overview.group.health", "briefing.group.health", (
        _card("confirmed_total", worse_up=True),
        _card("suspected", worse_up=True),
        _card("fever", worse_up=True),
        _card("households_screened"),
    ), {"confirmed_new": "kpi.confirmed_new", "suspected": "kpi.suspected", "fever": "kpi.fever"},
        "bar"),
    Group("overview.group.supply", "briefing.group.supply", (
        _card("deliveries"),
        _card("kg", fmt="{:,.1f}"),
        _card("volunteers_on_duty"),
        _card("volunteer_hours", fmt="{:,.1f}"),
    ), {"deliveries": "kpi.deliveries", "volunteer_hours": "kpi.volunteer_hours"}, "line"),
    Group("overview.group.medicine", "briefing.group.medicine", (
        _card("medicine_open", worse_up=True),
        _card("medicine_overdue", worse_up=True),
        _card("trips"),
    ), {"medicine_open": "kpi.medicine_open", "medicine_overdue": "kpi.medicine_overdue",
        "trips": "kpi.trips"}, "bar"),
)


def row(display: Display = WIDE):
    """A wrapping row of cards (use with `with`)."""
    return st.container(horizontal=True, gap=display.gap)


def heading(group: Group, lang: str, display: Display = WIDE) -> str:
    return t(group.short if display.short else group.heading, lang)


def changes(cards, daily: pd.DataFrame, lang: str, *, help: str = "kpi.delta_help",
            display: Display = WIDE) -> None:
    """Cards for the last day of `daily` with their change since the row before (a frame of
    at least two days, the as-of date last). `help` is the catalog key of the cards' help."""
    today, yesterday = daily.iloc[-1], daily.iloc[-2]
    for card in cards:
        now, before, fmt = today[card.column], yesterday[card.column], card.fmt
        if display.whole:
            now, before, fmt = round(float(now), 0), round(float(before), 0), "{:,.0f}"
        change = now - before
        label = t(card.short if display.short and card.short else card.label, lang)
        st.metric(label, _shown(now, fmt),
                  delta=(card.change_fmt or fmt).format(change) if change == change and change else None,
                  delta_color="off" if card.worse_up is None else "inverse" if card.worse_up else "normal",
                  help=_help(card.help or help, lang, display), width=display.width)


def value(label: str, number, fmt: str = "{:,.0f}", *, help: str | None = None,
          display: Display = WIDE) -> None:
    """A card without a change: `label` and `help` as shown (the caller fills their values);
    a text value (a clock time) is shown as it is."""
    shown = number if isinstance(number, str) else _shown(number, fmt)
    st.metric(label, shown, help=help if display.help else None, width=display.width)


def _shown(number, fmt: str) -> str:
    return fmt.format(number) if number == number else "—"


def _help(key: str | None, lang: str, display: Display) -> str | None:
    return t(key, lang) if key and display.help else None
