"""排查趋势 Screening trends: households screened against all households, fever (per day, by
building, with its moving average), what was done with each finding and how the cases moved,
with the key dates (seals, the call for volunteers, confirmed cases, lifts) marked on every
chart and an alert for buildings whose fever rises above their own recent baseline."""
import streamlit as st

from sitrep import config
from sitrep.app import cards, filters, ui
from sitrep.app.figures import charts
from sitrep.app.figures import screening as fig
from sitrep.app.figures.colors import CASE, PALETTE, STATUS
from sitrep.i18n import label, t

MA_DAYS = 7          # the fever moving average (days ending on each day)
DISPOSITIONS = ("watch", "reported", "isolated", "to_hospital", "cleared")

f = filters.current()
lang = f.lang
ui.heading(f, "page.screening")

fever = {"fever_c": config.FEVER_C, "ma_days": MA_DAYS}
# the as-of day and the day before (for the change), whatever the trend range
today_frame = ui.query("screening_daily", **f.params(window="change"), **fever)
daily = ui.query("screening_daily", **f.params(window="range"), **fever)
by_building = ui.query("screening_fever_by_building_day", **f.params(window="range"), **fever)
alerts = ui.query("screening_fever_alert_by_building", **f.params(as_of=True),
                  fever_c=config.FEVER_C, **config.FEVER_ALERT)
key_dates = ui.query("screening_key_dates", **f.params(window="range"))

# -- the as-of day ---------------------------------------------------------------------
CARDS = [cards.Card("households_screened", "screening.metric.households_screened"),
         cards.Card("coverage_pct", "screening.metric.coverage", "{:.1f}%",
                    help="screening.metric.coverage_help"),
         cards.Card("fever", "screening.metric.fever", worse_up=True),
         cards.Card("suspected", "screening.metric.suspected", worse_up=True),
         cards.Card("confirmed_total", "screening.metric.confirmed_total", worse_up=True)]
with cards.row():
    cards.changes(CARDS, today_frame, lang, help="screening.metric.help")

# -- the fever alert -------------------------------------------------------------------
rule = config.FEVER_ALERT
st.subheader(t("screening.alert.heading", lang))
alerted = alerts[alerts["is_alert"]]
for row in alerted.itertuples():
    st.warning(t("screening.alert.building", lang, building=row.building, as_of=f.as_of.isoformat(),
                 fever=int(row.fever), baseline_days=rule["baseline_days"],
                 baseline=row.baseline_mean, factor=rule["factor"], threshold=row.threshold),
               icon=":material/thermometer:")
if alerted.empty:
    st.success(t("screening.alert.none", lang, as_of=f.as_of.isoformat()), icon=":material/check_circle:")
st.caption(t("screening.alert.rule", lang, **rule))

# -- the trends ------------------------------------------------------------------------
S = charts.Series
ma_label = t("screening.series.fever_ma", lang, days=MA_DAYS)
has_screenings = daily["households_screened"].sum() > 0
has_cases = daily[["suspected_new", "confirmed_new", "ruled_out", "suspected"]].to_numpy().sum() > 0

if not has_screenings and not has_cases:
    ui.empty(lang)
else:
    trend = {"key_dates": key_dates, "lang": lang, "as_of": f.as_of, "days": (f.date_from, f.date_to)}
    if daily["fever"].sum() > 0:
        st.caption(t("screening.chart.fever", lang, days=MA_DAYS))
        charts.show(fig.daily(daily, [S("fever", t("screening.series.fever", lang), CASE["fever"])],
                              lines=[S("fever_ma", ma_label, CASE["confirmed"])], **trend),
                    key="screening_fever_chart", height=fig.FEVER_HEIGHT)
        st.caption(t("screening.chart.heatmap", lang))
        charts.show(fig.heatmap(by_building, t("screening.series.fever", lang), ma_label,
                                t("screening.heatmap.day", lang), key_dates=key_dates, as_of=f.as_of),
                    key="screening_heatmap", height=fig.heatmap_height(by_building))
    else:
        st.info(t("screening.no_fever", lang))
    st.caption(t("screening.fever_note", lang, fever_c=config.FEVER_C) + " "
               + t("screening.marks.caption", lang))

    flow = [S("suspected_new", t("screening.series.suspected_new", lang), CASE["suspected"])]
    flow += [S(code, label("disposition", code, lang), color) for code, color in zip(
        DISPOSITIONS, (PALETTE[8], CASE["reported"], CASE["isolated"], CASE["to_hospital"],
                       CASE["cleared"]), strict=True)]
    flow += [S("confirmed_new", t("screening.series.confirmed_new", lang), CASE["confirmed"]),
             S("ruled_out", t("screening.series.ruled_out", lang), STATUS["covered"])]
    st.caption(t("screening.chart.flow", lang))
    charts.show(fig.daily(daily, flow, stacked=True, legend_rows=3, labels=False,
                          lines=[S("suspected", t("screening.series.suspected", lang), CASE["suspected"])],
                          **trend),
                key="screening_flow_chart", height=fig.FLOW_HEIGHT)

    st.caption(t("screening.chart.coverage", lang, households=f"{int(daily['households'].iloc[0]):,}"))
    charts.show(fig.daily(
        daily, [S("households_screened", t("screening.series.households_screened", lang), STATUS["normal"])],
        dashed=[S("households", t("screening.series.households", lang), PALETTE[8])],
        hover={"coverage_pct": t("screening.series.coverage", lang)}, labels=False, **trend),
        key="screening_coverage_chart", height=fig.COVERAGE_HEIGHT)

# -- the numbers behind the charts -----------------------------------------------------
with st.expander(t("screening.table.daily", lang)):
    columns = {
        "day": t("screening.col.day", lang),
        "households_screened": t("screening.col.households_screened", lang),
        "coverage_pct": t("screening.col.coverage_pct", lang),
        "fever": t("screening.col.fever", lang),
        "fever_ma": t("screening.col.fever_ma", lang, days=MA_DAYS),
        "suspected_new": t("screening.series.suspected_new", lang),
        **{code: label("disposition", code, lang) for code in DISPOSITIONS},
        "confirmed_new": t("screening.series.confirmed_new", lang),
        "ruled_out": t("screening.series.ruled_out", lang),
        "suspected": t("screening.series.suspected", lang),
        "confirmed_total": t("screening.series.confirmed_total", lang),
    }
    ui.table(daily.assign(day=daily["day"].dt.strftime("%Y-%m-%d")).iloc[::-1], "screening_daily",
             lang, columns=columns, height=320)
with st.expander(t("screening.table.key_dates", lang)):
    events = key_dates.assign(
        day=key_dates["day"].dt.strftime("%Y-%m-%d"),
        event=[fig.mark_label(r.kind, int(r.items), r.buildings if isinstance(r.buildings, str) else "", lang)
               for r in key_dates.itertuples()])
    ui.table(events, "screening_key_dates", lang,
             columns={"day": t("screening.col.day", lang), "event": t("screening.col.event", lang),
                      "buildings": t("screening.col.buildings", lang)})
