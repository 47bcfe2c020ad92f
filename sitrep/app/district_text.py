"""The district's text (pages/district.py and the briefing's district scope): a compound's
name as shown (synthetic data labelled), why it needs attention today, and the link that opens
its sealed floors with the compound filter set. Counts only: the district view holds no
personal data."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pandas as pd

from sitrep.i18n import t

MOST_LINKS = 10               # compounds linked under "needs me today"; the table has them all


def name(row, lang: str) -> str:
    """The compound's name, with 模拟数据 / synthetic after it when its data is made up."""
    return t("district.synthetic_name", lang, compound=row["compound"]) if row["is_synthetic"] \
        else row["compound"]


def _n(value) -> int:
    return 0 if value is None or value != value else int(value)


def reasons(row, lang: str) -> list[str]:
    """Why a compound needs attention on the as-of day, in the query's order of urgency (see
    queries/district_compounds_on_day.sql): each a count, never who."""
    out = []
    if _n(row["confirmed_new"]):
        out.append(t("district.reason.new_cases", lang, n=_n(row["confirmed_new"])))
    if row["is_fever_alert"]:
        out.append(t("district.reason.fever_alert", lang, n=_n(row["fever"]),
                     baseline=f"{float(row['fever_baseline']):.1f}"))
    if _n(row["medicine_overdue"]):
        out.append(t("district.reason.medicine_overdue", lang, n=_n(row["medicine_overdue"])))
    if _n(row["not_screened"]):
        out.append(t("district.reason.not_screened", lang, n=_n(row["not_screened"])))
    if row["has_stale_kinds"]:
        out.append(t("district.reason.stale", lang))
    if row["is_behind"]:
        shown = row["shown_on"]
        last_on = row["last_on"]
        out.append(t("district.reason.behind", lang, last_on=last_on.strftime("%m-%d"),
                     month=last_on.month, day=last_on.day)
                   if shown == shown else t("district.reason.not_started", lang))
    return out


def reasons_text(row, lang: str) -> str:
    return "；".join(reasons(row, lang)) if lang == "zh" else "; ".join(reasons(row, lang))


def seals_query(row, as_of: date) -> dict[str, str]:
    """The URL query that opens a compound's sealed floors: the compound filter, and the
    district's as-of day when the compound has data that day (else its pages' own default)."""
    query = {"compound": row["compound"]}
    if row["first_on"].date() <= as_of <= row["last_on"].date():
        query["as_of"] = as_of.isoformat()
    return query


def seals_link(row, as_of: date) -> str:
    """A link to the compound's sealed floors, relative to the district page (so it works under
    any base path), its name URL-encoded: `seals?compound=%E7%A6%8F%E6%98%9F%E5%9F%8E&as_of=…`."""
    return "seals?" + urlencode(seals_query(row, as_of))


def needs_lines(rows: pd.DataFrame, lang: str, most: int = MOST_LINKS) -> tuple[list[str], int]:
    """The compounds that need attention, one line each (name: reasons), in "needs me today"
    order, the first `most`; and how many more there are."""
    needs = rows[rows["reasons"] > 0]
    lines = [t("district.line", lang, compound=name(r, lang), reasons=reasons_text(r, lang))
             for _, r in needs.head(most).iterrows()]
    return lines, max(len(needs) - most, 0)


def stale_line(rows: pd.DataFrame, lang: str, most: int = MOST_LINKS) -> str | None:
    """The compounds whose data is stale or does not reach the as-of day, as one warning (the
    first `most` named), or None."""
    stale = rows[rows["is_stale"]]
    if stale.empty:
        return None
    names = [name(r, lang) for _, r in stale.head(most).iterrows()]
    listed = ("、" if lang == "zh" else ", ").join(names)
    if len(stale) > most:
        listed = t("district.and_more", lang, listed=listed, n=len(stale) - most)
    return t("district.stale_line", lang, n=len(stale), compounds=listed)
