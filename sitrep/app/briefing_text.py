"""The briefing page's text (pages/briefing.py): the building scope as printed on the image,
when each kind of data was imported, and the needs-action list, one line per rule, counted by
building (never who)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sitrep import config
from sitrep.i18n import t

if TYPE_CHECKING:
    import pandas as pd

TOP_BUILDINGS = 3             # buildings named per needs-action item; the rest are counted
NBSP = "\u00a0"


def scope(f) -> str:
    """The building filter as printed on the image: `仅 B5` / `B5 only`, or all buildings."""
    if not f.buildings:
        return t("briefing.scope_all", f.lang)
    return t("briefing.scope_only", f.lang, buildings="、".join(f.buildings) if f.lang == "zh"
             else ", ".join(f.buildings))


def freshness_lines(freshness: pd.DataFrame, lang: str) -> tuple[list[str], str | None]:
    """When each kind of data was last imported, kinds imported together on one line; and the
    stale daily logs (not imported for STALE_HOURS), as one warning, or None."""
    sep = "、" if lang == "zh" else ", "
    imported = freshness.dropna(subset=["last_import_at"])
    groups = imported.groupby(imported["last_import_at"].dt.strftime("%Y-%m-%d %H:%M"), sort=True)
    lines = []
    if len(groups) == 1 and len(imported) == len(freshness):
        lines.append(t("briefing.imported_all", lang, at=next(iter(groups.groups))))
    else:
        for at, kinds in sorted(groups, key=lambda g: g[0], reverse=True):
            lines.append(t("briefing.imported", lang, at=at,
                           kinds=sep.join(t(f"kind.{k}", lang) for k in kinds["kind"])))
        never = freshness[freshness["last_import_at"].isna()]
        if not never.empty:
            lines.append(t("briefing.never_imported", lang,
                           kinds=sep.join(t(f"kind.{k}", lang) for k in never["kind"])))
    stale = freshness[freshness["is_stale"] & freshness["kind"].isin(config.LOG_KINDS)]
    warning = t("briefing.stale", lang, hours=config.STALE_HOURS,
                kinds=sep.join(t(f"kind.{k}", lang) for k in stale["kind"])) if not stale.empty else None
    return lines, warning


def stale_banner(warning: str) -> str:
    """The stale-data warning as red Markdown (catalog text only), for the top of the image."""
    return f":red-background[:red[:material/warning: **{warning}**]]"


def action_items(actions: pd.DataFrame, lang: str, scope_text: str) -> list[str]:
    """One Markdown line per rule with something to do, in the query's order: how many, and
    in which buildings (the first TOP_BUILDINGS, then "and N more buildings")."""
    items = []
    for rule, rows in actions.groupby("rule", sort=False):
        head = t(f"briefing.rule.{rule}", lang, n=int(rows["rule_total"].iloc[0]),
                 hours=config.DELIVERY_GAP_HOURS)
        if rows["building"].isna().all():   # fatigue: the buildings in scope, not one
            where = t("briefing.compound_wide", lang) if scope_text == t("briefing.scope_all", lang) \
                else scope_text
        else:
            top = rows[rows["building_rank"] <= TOP_BUILDINGS]
            unit = t(f"briefing.unit.{rule}", lang)
            parts = [t("briefing.where", lang, building=b, n=n, unit=unit).strip()
                     for b, n in zip(top["building"], top["count"], strict=True)]
            more = int(rows["rule_buildings"].iloc[0]) - len(top)
            if more > 0:
                parts.append(t("briefing.more_buildings", lang, n=more))
            # a line breaks between buildings, never inside "A8 栋 2 户"
            where = " · ".join(part.replace(" ", NBSP) for part in parts)
        items.append(t("briefing.item", lang, head=head, where=where))
    return items
