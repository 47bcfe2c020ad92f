"""全区态势 District: every compound in scope on one screen on the as-of day, "needs me today"
first: what needs attention and where, the table of every compound (sortable), the trends summed
across them, and the district plan. A compound's link opens its sealed floors with the compound
filter set. Shown when the store holds more than one compound; reads the district view (each
compound's summary), never a compound's database."""
import streamlit as st

from sitrep import config
from sitrep.app import cards, filters, ui
from sitrep.app import district_text as text
from sitrep.app.figures import charts
from sitrep.app.figures import district as figures
from sitrep.i18n import t

d = filters.current_district()
lang = d.lang
now = config.local_now()
rows = ui.district_query("district_compounds_on_day", compounds=d.compounds, as_of=d.as_of,
                         log_kinds=list(config.LOG_KINDS), **config.freshness_params(now))
# the trends: every day of the compounds' data up to the as-of day, at most MAX_RANGE_DAYS
date_from, date_to = filters.clamp_range(d.first_on, d.as_of, d.first_on, d.last_on)
daily = ui.district_query("district_days_total", compounds=d.compounds, date_from=date_from, date_to=date_to)

st.title(t("page.district", lang))
st.caption(t("district.heading", lang, n=len(rows), as_of=d.as_of.isoformat(),
             generated=now.strftime("%Y-%m-%d %H:%M")))
needs = rows[rows["reasons"] > 0]
with cards.row():
    cards.value(t("district.kpi.needs", lang), f"{len(needs)} / {len(rows)}", help=t("district.order_help", lang))
    cards.value(t("district.kpi.stale", lang), int(rows["is_stale"].sum()),
                help=t("district.stale_help", lang, hours=config.STALE_HOURS))
    cards.value(t("kpi.sealed_households", lang), rows["sealed_households"].sum())
    cards.value(t("kpi.confirmed_new", lang), rows["confirmed_new"].sum())

# -- needs me today: a link per compound to its sealed floors (a phone's way in) ---------------
st.subheader(t("district.needs_title", lang), help=t("district.order_help", lang))
if needs.empty:
    st.success(t("district.nothing", lang), icon=":material/check_circle:")
for _, row in needs.head(text.MOST_LINKS).iterrows():   # the name is the link, the reasons wrap below
    with st.container(gap=None):
        st.page_link("pages/seals.py", label=text.name(row, lang), query_params=text.seals_query(row, d.as_of),
                     icon=":material/domain:")
        st.caption(text.reasons_text(row, lang))
if len(needs) > text.MOST_LINKS:
    st.caption(t("district.more", lang, n=len(needs) - text.MOST_LINKS))

# -- every compound, sortable; "needs me today" order first ------------------------------------
st.subheader(t("district.table_title", lang), help=t("district.order_help", lang))
shown = rows.assign(
    name=[text.name(r, lang) for _, r in rows.iterrows()],
    state_label=[t(f"district.state.{s}", lang) for s in rows["state"]],
    why=[text.reasons_text(r, lang) or "—" for _, r in rows.iterrows()],
    link=[text.seals_link(r, d.as_of) for _, r in rows.iterrows()])
columns = {c: t(f"district.col.{c}", lang) for c in (
    "needs_rank", "name", "state_label", "why", "households", "sealed_buildings", "sealed_floors",
    "sealed_households", "confirmed_total", "suspected", "fever", "fever_baseline", "not_screened",
    "medicine_overdue", "deliveries", "volunteer_hours", "shown_on", "is_stale", "last_import_at", "link")}
ui.table(shown, "district_compounds", lang, columns=columns, column_config={
    columns["link"]: st.column_config.LinkColumn(display_text=t("district.open_seals", lang)),
    columns["is_stale"]: st.column_config.CheckboxColumn(help=t("district.stale_help", lang, hours=config.STALE_HOURS)),
    columns["fever_baseline"]: st.column_config.NumberColumn(format="%.1f"),
    columns["volunteer_hours"]: st.column_config.NumberColumn(format="%.1f")})

# -- the trends, summed across the compounds in scope ------------------------------------------
st.subheader(t("district.trends_title", lang))
st.caption(t("district.trends_note", lang, date_from=date_from.isoformat(), date_to=date_to.isoformat()))
if daily.empty:
    ui.empty(lang)
for group in figures.TRENDS if not daily.empty else ():
    charts.show(figures.trend(daily, group, lang), key=f"district_trend_{group}",
                      height=figures.TREND_HEIGHT)

# -- the district plan: a marker per placed compound, coloured by state --------------------------
st.subheader(t("district.plan_title", lang))
placed = figures.positions(rows)
for kind, frame in placed.items():
    labels = [text.name(r, lang) for _, r in frame.iterrows()]
    tips = [t("district.plan_tooltip", lang, compound=text.name(r, lang),
              state=t(f"district.state.{r['state']}", lang), reasons=text.reasons_text(r, lang) or "—")
            for _, r in frame.iterrows()]
    st.markdown(f"**{t(f'district.plan.{kind}', lang)}**")
    st.pydeck_chart(figures.plan(frame, labels, tips), key=f"district_plan_{kind}", height=320,
                    width="stretch", alt=t("district.plan_alt", lang))
st.caption(t("district.plan_legend", lang))
unplaced = rows[~rows["compound"].isin([c for f in placed.values() for c in f["compound"]])]
if not unplaced.empty:
    st.caption(t("district.unplaced", lang, compounds="、".join(text.name(r, lang) for _, r in unplaced.iterrows())))
