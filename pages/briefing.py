"""今日简报 Daily briefing: the day's state in one portrait column, made to be sent as an image
to the city command and the command's WeChat group. Counts by building at most: no names,
phone numbers, patients or rooms, whoever is viewing. With ?scope=district (several compounds),
the district's briefing: the compounds in scope summed, and which compounds need action today. `python -m sitrep briefing` and the
button at the bottom make the same page into a PNG and a PDF (sitrep/briefing/export.py)."""
import streamlit as st

from sitrep import config
from sitrep.access import audit
from sitrep.app import briefing_text as text
from sitrep.app import cards, district_text, filters, ui
from sitrep.app.figures import briefing as figures
from sitrep.app.figures import charts
from sitrep.app.figures.colors import CASE, REQUEST_STATUS, SERIES
from sitrep.briefing import export
from sitrep.i18n import t

COLUMN_WIDTH = 480   # the page's column in a browser: a phone's width and a margin

f = filters.current_scope()         # one compound, or the district (?scope=district)
lang = f.lang
now = config.local_now()
district = isinstance(f, filters.District)
S = charts.Series
if district:   # every compound in scope: their sums, and the compounds that need action
    date_from, date_to = f.window()
    daily = ui.district_query("district_days_total", compounds=f.compounds, date_from=date_from,
                              date_to=date_to)
    compounds = ui.district_query("district_compounds_on_day", compounds=f.compounds, as_of=f.as_of,
                                  log_kinds=list(config.LOG_KINDS), **config.freshness_params(now))
    name = t("briefing.district_name", lang)
    scope_text = t("briefing.scope_district", lang, n=len(compounds))
    imported, stale = [], district_text.stale_line(compounds, lang)
    items, more = district_text.needs_lines(compounds, lang)
    medicine_chart = ("medicine_district", daily, [S("medicine_open", t("briefing.series.medicine_open", lang),
                                                   REQUEST_STATUS["open"], "line"),
                                                 S("medicine_overdue", t("briefing.kpi.medicine_overdue", lang),
                                                   SERIES["medicine_overdue"])])
else:
    recent = f.params(window="recent")        # the 14 days ending on the as-of date
    daily = ui.query("overview_daily", **recent, fever_c=config.FEVER_C, **config.medicine_params())
    medicine = ui.query("medicine_status_daily", **recent, **config.medicine_params())
    actions = ui.query("needs_action_by_rule_building", **f.params(as_of=True), **config.medicine_params(),
                       gap_hours=config.DELIVERY_GAP_HOURS, **config.FATIGUE)
    freshness = ui.query("data_freshness", compound=f.compound, **config.freshness_params(now))
    name, scope_text = f.compound, text.scope(f)
    imported, stale = text.freshness_lines(freshness, lang)
    items, more = text.action_items(actions, lang, scope_text), 0
    medicine_chart = ("medicine", medicine, [S("unfinished", t("briefing.series.medicine_open", lang),
                                              REQUEST_STATUS["open"], "line"),
                                            S("delivered", t("briefing.series.medicine_delivered", lang),
                                              REQUEST_STATUS["delivered"])])

# -- what and when: printed on the image itself (the export has no sidebar) -----------------
with st.container(width=COLUMN_WIDTH):
    if stale:   # in red, first: the image says its data is old before it says anything else
        st.markdown(text.stale_banner(stale))
    st.title(t("briefing.title", lang, compound=name))
    st.subheader(t("briefing.as_of", lang, as_of=f.as_of.isoformat()))
    st.markdown(f"**{t('briefing.scope_line', lang, scope=scope_text)}**")
    st.caption(t("briefing.generated", lang, compound=name, scope=scope_text,
                 generated=now.strftime("%Y-%m-%d %H:%M")))
    if imported:
        st.caption("  \n".join(imported))

    # -- the overview's numbers, with the change since the day before ----------------------
    for group in cards.OVERVIEW:   # short labels, whole numbers: four cards across a phone
        st.markdown(f"**{cards.heading(group, lang, cards.PHONE)}**")
        with cards.row(cards.PHONE):
            cards.changes(group.cards, daily, lang, display=cards.PHONE)
    st.caption(t("briefing.delta_note", lang))
    if district:   # a sum of the compounds whose data reaches the day: say how many
        st.caption(t("briefing.district_sum_note", lang, n=int(daily["compounds"].iloc[-1]),
                     total=len(compounds)))

    # -- needs action today: how many and where (which compounds, for the district), never who
    st.subheader(t("briefing.actions", lang))
    if items:
        st.markdown("\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1)))
        if more:
            st.caption(t("district.more", lang, n=more))
    else:
        st.success(t("briefing.nothing", lang), icon=":material/check_circle:")

    # -- four small trends over the 14 days ending on the as-of date -----------------------
    st.subheader(t("briefing.trends", lang, days=config.TREND_DAYS))
    trends = [
        ("cases", daily, [S("fever", t("briefing.series.fever", lang), CASE["fever"]),
                          S("suspected", t("briefing.series.suspected", lang), CASE["suspected"])]),
        ("deliveries", daily, [S("deliveries", t("briefing.kpi.deliveries", lang), SERIES["deliveries"])]),
        ("hours", daily, [S("volunteer_hours", t("briefing.kpi.volunteer_hours", lang),
                            SERIES["volunteer_hours"])]),
        medicine_chart,
    ]
    for chart, frame, series in trends:
        title = t(f"briefing.chart.{chart}", lang)
        if not frame[[s.column for s in series]].to_numpy().any():   # nothing in 14 days
            st.markdown(f"**{title}**")
            ui.empty(lang)
            continue
        st.echarts_chart(figures.trend(frame, series, title), height=figures.height(series),
                         renderer="svg", key=f"briefing_chart_{chart}", width="stretch")
    st.caption(t("briefing.footer_district" if district else "briefing.footer", lang))

# -- the export: never part of the image it makes (the export opens the page embedded) -----
if not st.context.is_embedded:
    if len(ui.compounds_in_scope()) > 1:   # the other scope: the district, or back to one compound
        st.page_link("pages/briefing.py", label=t("briefing.to_compound" if district else "briefing.to_district", lang),
                     query_params={} if district else {"scope": filters.SCOPE_DISTRICT, "as_of": f.as_of.isoformat()},
                     icon=":material/swap_horiz:")
    with st.container(width=COLUMN_WIDTH, border=True):
        st.markdown(f"**{t('briefing.export.title', lang)}**")
        st.caption(t("briefing.export.help", lang))
        wanted = (district, f.compound, f.as_of.isoformat(), tuple(f.buildings), lang)
        if st.button(t("briefing.export.button", lang), key="briefing_export",
                     icon=":material/image:"):
            try:
                with st.spinner(t("briefing.export.button", lang)):
                    made = export.export_here(f)
            except export.ExportError as err:   # the details go to the server's log
                ui.log.warning("briefing export failed: %s", err)
                st.error(t("briefing.export.failed", lang, error=str(err).splitlines()[0]))
            else:
                st.session_state["briefing_files"] = (wanted, made)
                who = st.session_state.get("_user") or "demo"
                audit.record("briefing", who, "png+pdf (page)",
                             export.filters_record(f.as_of, f.buildings, lang, f.compound, district=district))
        files = st.session_state.get("briefing_files")
        if files and files[0] == wanted:
            made = files[1]
            st.caption(t("briefing.export.done", lang, seconds=f"{made.seconds:.1f}"))
            stem = f"briefing-{'district-' if district else ''}{f.as_of.isoformat()}" + "".join(
                f"-{b}" for b in f.buildings)
            with st.container(horizontal=True):
                for kind, data, mime in (("png", made.png, "image/png"),
                                         ("pdf", made.pdf, "application/pdf")):
                    st.download_button(t(f"briefing.export.{kind}", lang), data,
                                       file_name=f"{stem}.{kind}", mime=mime, key=f"briefing_{kind}",
                                       icon=":material/download:", on_click=audit.record,
                                       args=("download", st.session_state.get("_user") or "demo",
                                             f"{stem}.{kind}", export.filters_record(
                                                 f.as_of, f.buildings, lang, f.compound, district=district)))
