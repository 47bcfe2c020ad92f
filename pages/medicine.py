"""药品需求 Medicine requests: where requests stood at 24:00 of the as-of day, which are overdue
(oldest first), how long medicine took to arrive against its target, the daily flow over the
trend range, and the picture by building and by condition."""
import streamlit as st

from sitrep import config
from sitrep.app import cards, filters, ui
from sitrep.app.figures import charts
from sitrep.app.figures import medicine as figures
from sitrep.i18n import label, t

f = filters.current()
lang = f.lang
ui.heading(f, "page.medicine")

targets = config.medicine_params()
as_of = f.as_of.isoformat()

status = ui.query("medicine_status_daily", **f.params(window="change"), **targets)
overdue = ui.query("medicine_overdue_as_of", **f.params(as_of=True), **targets)
by_urgency = ui.query("medicine_delivery_time_by_urgency", **f.params(window="range"), **targets)
by_day = ui.query("medicine_delivery_time_by_day_urgency", **f.params(window="range"), **targets)
flow = ui.query("medicine_status_daily", **f.params(window="range"), **targets)
by_building = ui.query("medicine_requests_by_building", **f.params(as_of=True), **targets)
by_condition = ui.query("medicine_requests_by_condition", **f.params(as_of=True), **targets)


def show_codes(frame, **domains):
    """Coded values in the active language; a blank condition says so."""
    for column, domain in domains.items():
        frame[column] = frame[column].map(lambda code, d=domain: label(d, code, lang))
    if "condition" in frame:
        frame["condition"] = frame["condition"].fillna(t("medicine.no_condition", lang))
    return frame


def urgency_label(code) -> str:
    return t("medicine.urgency_target", lang, urgency=label("urgency", code, lang),
             hours=config.MEDICINE_TARGET_HOURS[code])


# -- where requests stood at 24:00 -----------------------------------------------------------
# an increase is bad (True), good (False), neither (None); the change is signed: +3
CARDS = [cards.Card(c, k, worse_up=worse, change_fmt="{:+,.0f}") for c, k, worse in (
    ("open", "medicine.kpi.open", True), ("in_progress", "medicine.kpi.in_progress", True),
    ("overdue", "medicine.kpi.overdue", True), ("requested", "medicine.kpi.requested", None),
    ("delivered", "medicine.kpi.delivered", False),
    ("delivered_total", "medicine.kpi.delivered_total", False),
    ("cancelled_total", "medicine.kpi.cancelled_total", True))]
with st.container(border=True):
    st.subheader(t("medicine.section.status", lang, as_of=as_of))
    with cards.row():
        cards.changes(CARDS, status, lang)
    st.caption(t("medicine.status_rule", lang))

# -- overdue now, oldest first ---------------------------------------------------------------
with st.container(border=True):
    st.subheader(t("medicine.section.overdue", lang, as_of=as_of))
    st.caption(t("medicine.overdue_rule", lang, as_of=as_of, **targets))
    if overdue.empty:
        st.success(t("medicine.no_overdue", lang, as_of=as_of))
    else:
        shown = show_codes(overdue, urgency="urgency", status="status")
        ui.table(shown, "medicine_overdue", lang, columns={
            "request_id": t("medicine.col.request_id", lang),
            "room": t("medicine.col.location", lang),
            "urgency": t("medicine.col.urgency", lang),
            "age_hours": t("medicine.col.age_hours", lang),
            "over_hours": t("medicine.col.over_hours", lang),
            "medicine": t("medicine.col.medicine", lang),
            "condition": t("medicine.col.condition", lang),
            "status": t("medicine.col.status", lang),
            "hospital": t("medicine.col.hospital", lang),
            "requested_at": t("medicine.col.requested_at", lang)})

# -- time to deliver against the target ------------------------------------------------------
with st.container(border=True):
    st.subheader(t("medicine.section.time", lang, date_from=f.date_from.isoformat(),
                   date_to=f.date_to.isoformat()))
    if by_urgency["delivered"].sum() == 0:
        ui.empty(lang)
    else:
        st.caption(t("medicine.time_rule", lang))
        shown = by_urgency.assign(urgency=by_urgency["urgency"].map(urgency_label))
        ui.table(shown, "medicine_delivery_time", lang, columns={
            "urgency": t("medicine.col.urgency", lang),
            "delivered": t("medicine.col.delivered", lang),
            "median_hours": t("medicine.col.median_hours", lang),
            "p90_hours": t("medicine.col.p90_hours", lang),
            "met": t("medicine.col.met", lang),
            "met_pct": t("medicine.col.met_pct", lang)})
        st.caption(t("medicine.met_title", lang))
        charts.show(
            figures.met_share(by_day, {code: urgency_label(code) for code in ("urgent", "normal")},
                              (f.date_from, f.date_to)),
            key="medicine_met_share", height=figures.MET_HEIGHT)

# -- the daily flow ------------------------------------------------------------------------
with st.container(border=True):
    st.subheader(t("medicine.section.flow", lang, date_from=f.date_from.isoformat(),
                   date_to=f.date_to.isoformat()))
    if flow[["requested", "delivered", "unfinished"]].to_numpy().sum() == 0:
        ui.empty(lang)
    else:
        series = ("requested", "delivered", "unfinished", "overdue")
        st.caption(t("medicine.flow_title", lang))
        charts.show(
            figures.daily_flow(flow, {s: t(f"medicine.series.{s}", lang) for s in series},
                               (f.date_from, f.date_to)),
            key="medicine_daily_flow", height=figures.FLOW_HEIGHT)

# -- by building and by condition, at 24:00 --------------------------------------------------
COUNTS = ("requests", "unfinished", "overdue", "delivered", "median_hours")


def rows_height(frame, most: int = 16) -> int:
    """Tall enough for every row (up to `most`), so a screenshot shows the whole table."""
    return 35 * (min(len(frame), most) + 1) + 3


# stacked, not side by side: both tables stay whole on a laptop in English and on a phone
for frame, dimension in ((by_building, "building"), (show_codes(by_condition), "condition")):
    with st.container(border=True):
        st.subheader(t(f"medicine.section.by_{dimension}", lang, as_of=as_of))
        ui.table(frame, f"medicine_by_{dimension}", lang, height=rows_height(frame), columns={
            dimension: t(f"medicine.col.{dimension}", lang),
            **{c: t(f"medicine.short.{c}", lang) for c in COUNTS}})
st.caption(t("medicine.by_rule", lang))
