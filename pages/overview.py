"""态势总览 Overview: the state of the compound on the as-of date, with the change since the
day before and a 14-day trend under each group of cards."""
import streamlit as st

from sitrep import config
from sitrep.app import cards, filters, ui
from sitrep.app.figures import charts
from sitrep.i18n import t

f = filters.current()
lang = f.lang
daily = ui.query("overview_daily", **f.params(window="recent"), fever_c=config.FEVER_C,
                 **config.medicine_params())
freshness = ui.query("data_freshness", compound=f.compound, **config.freshness_params())

st.title(t("page.overview", lang))
last_import = freshness["last_import_at"].max()
newest = freshness["newest_on"].max()
st.caption(t("overview.heading", lang, compound=f.compound, as_of=f.as_of.isoformat(), scope=f.scope(),
             imported=last_import.strftime("%Y-%m-%d %H:%M") if last_import == last_import else "—",
             newest=newest.strftime("%Y-%m-%d") if newest == newest else "—"))

stale = freshness[freshness["is_stale"] & freshness["kind"].isin(config.LOG_KINDS)]
if not stale.empty:
    st.warning(t("overview.stale", lang, hours=config.STALE_HOURS,
                 kinds="、".join(t(f"kind.{k}", lang) for k in stale["kind"])))

for group in cards.OVERVIEW:
    with st.container(border=True):
        st.subheader(cards.heading(group, lang))
        with cards.row():   # a wrapping row: four cards across a laptop, two across a phone
            cards.changes(group.cards, daily, lang, help="overview.delta_help")
        charts.show(
            charts.trend(daily, {c: t(k, lang) for c, k in group.trend.items()},
                         t("overview.trend_title", lang, days=config.TREND_DAYS), group.trend_kind),
            key=f"overview_trend_{group.heading}")
