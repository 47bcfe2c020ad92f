"""KPI cards (sitrep/app/cards.py): one helper formats every page's cards; the overview's groups
are one spec, shown wide on the overview and short, in whole numbers, on the briefing."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from sitrep.app import cards
from sitrep.i18n import catalog


def test_every_key_of_the_overview_spec_is_in_both_catalogs():
    keys = {k for g in cards.OVERVIEW for k in (g.heading, g.short, *g.trend.values())}
    keys |= {k for g in cards.OVERVIEW for c in g.cards for k in (c.label, c.short)}
    for lang in ("zh", "en"):
        assert sorted(keys - set(catalog(lang))) == []


def _cards_app(display: str):
    import pandas as pd

    from sitrep.app import cards

    daily = pd.DataFrame({"kg": [12.46, 12.96], "fever": [3, 1], "requested": [2, 5],
                          "coverage_pct": [float("nan"), 40.0]})
    shown = getattr(cards, display)   # AppTest runs this body as a script: imports inside
    with cards.row(shown):
        cards.changes([cards.Card("kg", "kpi.kg", "{:,.1f}", short="briefing.kpi.kg"),
                       cards.Card("fever", "kpi.fever", worse_up=True, short="briefing.kpi.fever"),
                       cards.Card("requested", "medicine.kpi.requested", worse_up=None,
                                  change_fmt="{:+,.0f}"),
                       cards.Card("coverage_pct", "screening.metric.coverage", "{:.1f}%")],
                      daily, "en", help="overview.delta_help", display=shown)
        cards.value("Trips", 7, help="seven", display=shown)
        cards.value("Back at", "18:05", display=shown)


def run(display: str) -> list[tuple]:
    at = AppTest.from_function(_cards_app, args=(display,)).run()
    assert not at.exception
    return [(m.label, m.value, m.delta, m.proto.color, m.proto.help) for m in at.metric]


def test_wide_cards_keep_their_format_and_colour():
    # kg 12.96 − 12.46 = 0.50 → "0.5"; fever 1 − 3 = −2, a fall is good (inverse: green);
    # requested 5 − 2 = +3, signed, grey; coverage NaN → 40.0: the change is unknown, no delta
    assert [m[:3] for m in run("WIDE")] == [
        ("Delivered today (kg)", "13.0", "0.5"), ("Fever today", "1", "-2"),
        ("New today", "5", "+3"), ("Coverage", "40.0%", ""), ("Trips", "7", ""),
        ("Back at", "18:05", "")]
    helps = [m[4] for m in run("WIDE")]
    assert helps == ["Change since the previous day"] * 4 + ["seven", ""]


def test_phone_cards_are_short_and_whole():
    # kg: 12.96 → 13, 12.46 → 12, the change between the shown numbers: 1; no help on an image
    shown = run("PHONE")
    assert [m[:3] for m in shown][:2] == [("Delivered kg", "13", "1"), ("Fever", "1", "-2")]
    assert {m[4] for m in shown} == {""}
