"""态势总览 Overview: the state of the compound on the as-of date, with the change since the
day before and a 14-day trend under each group of cards."""
import streamlit as st

from sitrep import config
from sitrep.app import filters, ui
from sitrep.app.figures import charts
from sitrep.i18n import t

f = filters.current()
lang = f.lang
daily = ui.query("overview_daily", **f.params(window="recent"), fever_c=config.FEVER_C,
                 **config.medicine_params())
freshness = ui.query("data_freshness", compound=f.compound, now=config.local_now().replace(second=0),
                     stale_hours=config.STALE_HOURS)

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

today, yesterday = daily.iloc[-1], daily.iloc[-2]

# (column, catalog key, format, an increase is bad)
GROUPS = [
    ("overview.group.seals",
     [("households", "kpi.households", "{:,.0f}", False),
      ("sealed_buildings", "kpi.sealed_buildings", "{:,.0f}", True),
      ("sealed_floors", "kpi.sealed_floors", "{:,.0f}", True),
      ("sealed_households", "kpi.sealed_households", "{:,.0f}", True)],
     {"sealed_households": "kpi.sealed_households"}, "line"),
    ("overview.group.health",
     [("confirmed_total", "kpi.confirmed_total", "{:,.0f}", True),
      ("suspected", "kpi.suspected", "{:,.0f}", True),
      ("fever", "kpi.fever", "{:,.0f}", True),
      ("households_screened", "kpi.households_screened", "{:,.0f}", False)],
     {"confirmed_new": "kpi.confirmed_new", "suspected": "kpi.suspected", "fever": "kpi.fever"}, "bar"),
    ("overview.group.supply",
     [("deliveries", "kpi.deliveries", "{:,.0f}", False),
      ("kg", "kpi.kg", "{:,.1f}", False),
      ("volunteers_on_duty", "kpi.volunteers_on_duty", "{:,.0f}", False),
      ("volunteer_hours", "kpi.volunteer_hours", "{:,.1f}", False)],
     {"deliveries": "kpi.deliveries", "volunteer_hours": "kpi.volunteer_hours"}, "line"),
    ("overview.group.medicine",
     [("medicine_open", "kpi.medicine_open", "{:,.0f}", True),
      ("medicine_overdue", "kpi.medicine_overdue", "{:,.0f}", True),
      ("trips", "kpi.trips", "{:,.0f}", False)],
     {"medicine_open": "kpi.medicine_open", "medicine_overdue": "kpi.medicine_overdue",
      "trips": "kpi.trips"}, "bar"),
]

for group_key, cards, trend_series, trend_kind in GROUPS:
    with st.container(border=True):
        st.subheader(t(group_key, lang))
        # a wrapping row: four cards across a laptop, two across a phone
        with st.container(horizontal=True, gap="small"):
            for name, key, fmt, worse_up in cards:
                delta = today[name] - yesterday[name]
                st.metric(
                    t(key, lang), fmt.format(today[name]),
                    delta=fmt.format(delta) if delta else None,
                    delta_color="inverse" if worse_up else "normal",
                    help=t("overview.delta_help", lang), width=140)
        st.plotly_chart(
            charts.trend(daily, {c: t(k, lang) for c, k in trend_series.items()},
                         t("overview.trend_title", lang, days=config.TREND_DAYS), trend_kind),
            config=charts.CONFIG, key=f"overview_trend_{group_key}")
