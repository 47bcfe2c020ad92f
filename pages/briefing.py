"""今日简报 Daily briefing: the day's state in one portrait column, made to be sent as an image
to the city command and the command's WeChat group. Counts by building at most: no names,
phone numbers, patients or rooms, whoever is viewing. `python -m sitrep briefing` and the
button at the bottom make the same page into a PNG and a PDF (sitrep/briefing/export.py)."""
import streamlit as st

from sitrep import config
from sitrep.access import audit
from sitrep.app import briefing_text as text
from sitrep.app import cards, filters, ui
from sitrep.app.figures import briefing as figures
from sitrep.app.figures import charts
from sitrep.app.figures.colors import CASE, REQUEST_STATUS, SERIES
from sitrep.briefing import export
from sitrep.i18n import t

COLUMN_WIDTH = 480   # the page's column in a browser: a phone's width and a margin

f = filters.current()
lang = f.lang
recent = f.params(window="recent")        # the 14 days ending on the as-of date
daily = ui.query("overview_daily", **recent, fever_c=config.FEVER_C, **config.medicine_params())
medicine = ui.query("medicine_status_daily", **recent, **config.medicine_params())
actions = ui.query("needs_action_by_rule_building", **f.params(as_of=True), **config.medicine_params(),
                   gap_hours=config.DELIVERY_GAP_HOURS, **config.FATIGUE)
now = config.local_now()
freshness = ui.query("data_freshness", compound=f.compound, **config.freshness_params(now))

# -- what and when: printed on the image itself (the export has no sidebar) -----------------
imported, stale = text.freshness_lines(freshness, lang)
with st.container(width=COLUMN_WIDTH):
    if stale:   # in red, first: the image says its data is old before it says anything else
        st.markdown(text.stale_banner(stale))
    st.title(t("briefing.title", lang, compound=f.compound))
    st.subheader(t("briefing.as_of", lang, as_of=f.as_of.isoformat()))
    st.markdown(f"**{t('briefing.scope_line', lang, scope=text.scope(f))}**")
    st.caption(t("briefing.generated", lang, compound=f.compound, scope=text.scope(f),
                 generated=now.strftime("%Y-%m-%d %H:%M")))
    st.caption("  \n".join(imported))

    # -- the overview's numbers, with the change since the day before ----------------------
    for group in cards.OVERVIEW:   # short labels, whole numbers: four cards across a phone
        st.markdown(f"**{cards.heading(group, lang, cards.PHONE)}**")
        with cards.row(cards.PHONE):
            cards.changes(group.cards, daily, lang, display=cards.PHONE)
    st.caption(t("briefing.delta_note", lang))

    # -- needs action today: how many and where, never who ---------------------------------
    st.subheader(t("briefing.actions", lang))
    items = text.action_items(actions, lang, text.scope(f))
    if items:
        st.markdown("\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1)))
    else:
        st.success(t("briefing.nothing", lang), icon=":material/check_circle:")

    # -- four small trends over the 14 days ending on the as-of date -----------------------
    st.subheader(t("briefing.trends", lang, days=config.TREND_DAYS))
    S = charts.Series
    trends = [
        ("cases", daily, [S("fever", t("briefing.series.fever", lang), CASE["fever"]),
                          S("suspected", t("briefing.series.suspected", lang), CASE["suspected"])]),
        ("deliveries", daily, [S("deliveries", t("briefing.kpi.deliveries", lang), SERIES["deliveries"])]),
        ("hours", daily, [S("volunteer_hours", t("briefing.kpi.volunteer_hours", lang),
                            SERIES["volunteer_hours"])]),
        ("medicine", medicine,
         [S("unfinished", t("briefing.series.medicine_open", lang), REQUEST_STATUS["open"], "line"),
          S("delivered", t("briefing.series.medicine_delivered", lang),
            REQUEST_STATUS["delivered"])]),
    ]
    for name, frame, series in trends:
        title = t(f"briefing.chart.{name}", lang)
        if not frame[[s.column for s in series]].to_numpy().any():   # nothing in 14 days
            st.markdown(f"**{title}**")
            ui.empty(lang)
            continue
        st.echarts_chart(figures.trend(frame, series, title), height=figures.height(series),
                         renderer="svg", key=f"briefing_chart_{name}", width="stretch")
    st.caption(t("briefing.footer", lang))

# -- the export: never part of the image it makes (the export opens the page embedded) -----
if not st.context.is_embedded:
    with st.container(width=COLUMN_WIDTH, border=True):
        st.markdown(f"**{t('briefing.export.title', lang)}**")
        st.caption(t("briefing.export.help", lang))
        wanted = (f.compound, f.as_of.isoformat(), tuple(f.buildings), lang)
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
                             export.filters_record(f.as_of, f.buildings, lang, f.compound))
        files = st.session_state.get("briefing_files")
        if files and files[0] == wanted:
            made = files[1]
            st.caption(t("briefing.export.done", lang, seconds=f"{made.seconds:.1f}"))
            stem = f"briefing-{f.as_of.isoformat()}" + "".join(f"-{b}" for b in f.buildings)
            with st.container(horizontal=True):
                for kind, data, mime in (("png", made.png, "image/png"),
                                         ("pdf", made.pdf, "application/pdf")):
                    st.download_button(t(f"briefing.export.{kind}", lang), data,
                                       file_name=f"{stem}.{kind}", mime=mime, key=f"briefing_{kind}",
                                       icon=":material/download:", on_click=audit.record,
                                       args=("download", st.session_state.get("_user") or "demo",
                                             f"{stem}.{kind}", export.filters_record(
                                                 f.as_of, f.buildings, lang, f.compound)))
