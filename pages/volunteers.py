"""志愿者工时 Volunteer hours: who is on duty and for how long, where the hours go (group,
kind of volunteer, task), who carries the load and who is past a fatigue limit, whether
every building's door was guarded, and how many hours were worked inside sealed buildings."""
import streamlit as st

from sitrep import config
from sitrep.app import cards, filters, ui
from sitrep.app.figures import charts
from sitrep.app.figures import volunteers as figures
from sitrep.i18n import label, t
from sitrep.ingest.contract import CODES

TOP = 10  # volunteers in the load table

f = filters.current()
lang = f.lang
ui.heading(f, "page.volunteers")

as_of = f.as_of.isoformat()
span = f.params(window="range")
dates = {"date_from": f.date_from.isoformat(), "date_to": f.date_to.isoformat()}

daily = ui.query("volunteers_daily", **f.params(window="change"))
fatigue = ui.query("volunteers_fatigue", **f.params(as_of=True), **config.FATIGUE)
by_day = ui.query("volunteers_hours_by_day_group", **span)
by_kind = ui.query("volunteers_hours_by_kind", **span)
by_task = ui.query("volunteers_hours_by_task", **span)
top = ui.query("volunteers_top_by_hours", **span, top=TOP)
guard = ui.query("volunteers_guard_coverage_by_building_day", **span)
sealed = ui.query("volunteers_sealed_hours_by_group", **span)


def code_label(domain: str, code: str) -> str:
    return t("volunteers.unresolved", lang) if code == "unresolved" else label(domain, code, lang)


def labelled(frame, **domains):
    """The frame with its coded columns shown in the active language."""
    return frame.assign(**{col: frame[col].map(lambda c, d=domain: code_label(d, c))
                           for col, domain in domains.items()})


def col(name: str, **values) -> str:
    return t(f"volunteers.col.{name}", lang, **values)


# -- the cards: the as-of date, with the change since the day before ---------------------------
with cards.row():
    cards.changes([cards.Card("volunteers_on_duty", "volunteers.kpi.on_duty"),
                   cards.Card("hours", "volunteers.kpi.hours", "{:,.1f}")], daily, lang)
    cards.value(t("volunteers.kpi.fatigued", lang), len(fatigue),
                help=t("volunteers.kpi.fatigued_help", lang, **config.FATIGUE))
    cards.changes([cards.Card("guard_gaps", "volunteers.kpi.guard_gaps", worse_up=True,
                              help="volunteers.kpi.guard_gaps_help")], daily, lang)
st.caption(t("volunteers.kpi_caption", lang, as_of=as_of))

# -- where the hours went: by day and group, by kind, by task (the trend range) ----------------
st.subheader(t("volunteers.section.hours", lang))
st.caption(t("volunteers.range_caption", lang, **dates))
if by_day.empty:
    ui.empty(lang)
else:
    groups = [*CODES["group"], "unresolved"]
    st.caption(t("volunteers.by_day.title", lang))
    charts.show(figures.hours_by_day(by_day, groups, {g: code_label("group", g) for g in groups},
                                     y_title=t("volunteers.axis.hours", lang), people=t("volunteers.people", lang),
                                     span=(f.date_from, f.date_to)),
                key="volunteers_by_day", height=figures.BY_DAY_HEIGHT)
    left, right = st.columns(2)
    for place, frame, column, domain, title in (
            (left, by_kind, "kind", "volunteer_kind", t("volunteers.by_kind.title", lang)),
            (right, by_task, "task", "task", t("volunteers.by_task.title", lang))):
        with place:
            st.caption(title)
            charts.show(figures.hours_bar(frame, column, {k: code_label(domain, k) for k in frame[column]},
                                          people=t("volunteers.people", lang)),
                        key=f"volunteers_by_{column}", height=figures.bars_height(len(frame)))

# -- who carries the load, and who is past a fatigue limit --------------------------------------
st.subheader(t("volunteers.section.load", lang))
st.caption(t("volunteers.top.caption", lang, top=TOP, **dates))
ui.table(labelled(top, group="group", kind="volunteer_kind"), "volunteers_top", lang, columns={
    "volunteer_id": col("volunteer_id"), "name": col("name"), "hours": col("hours"),
    "days_worked": col("days_worked"), "longest_day": col("longest_day"), "shifts": col("shifts"),
    "group": col("group"), "kind": col("kind")})

st.markdown(f"**{t('volunteers.fatigue.title', lang, as_of=as_of)}**")
st.caption(t("volunteers.fatigue.caption", lang, **config.FATIGUE))
if fatigue.empty:
    st.success(t("volunteers.fatigue.none", lang, as_of=as_of))
else:
    limits = {flag: col(flag, **config.FATIGUE) for flag in ("is_long_day", "is_without_rest", "is_long_week")}
    passed = [" · ".join(text for flag, text in limits.items() if row[flag]) for _, row in fatigue.iterrows()]
    ui.table(labelled(fatigue, group="group").assign(limits=passed), "volunteers_fatigue", lang, columns={
        "volunteer_id": col("volunteer_id"), "name": col("name"), "limits": col("limits"),
        "day_hours": col("day_hours"), "days_in_a_row": col("days_in_a_row"),
        "week_hours": col("week_hours"), "group": col("group")})

# -- door guards: building x day of the trend range ----------------------------------------------
st.subheader(t("volunteers.section.guard", lang))
st.caption(t("volunteers.guard.caption", lang, **dates))
if guard.empty:
    ui.empty(lang)
else:
    gaps = guard[~guard["is_covered"]]
    with cards.row():
        cards.value(t("volunteers.guard.gaps", lang), len(gaps))
        cards.value(t("volunteers.guard.checked", lang), len(guard))
    st.caption(t("volunteers.guard.title", lang))
    charts.show(figures.coverage(guard, shifts=t("volunteers.guard.shifts", lang)), key="volunteers_guard",
                height=figures.coverage_height(guard["building"].nunique()))
    if gaps.empty:
        st.success(t("volunteers.guard.none", lang))
    else:
        st.markdown(f"**{t('volunteers.guard.gap_table', lang)}**")
        ui.table(gaps.assign(day=gaps["day"].dt.strftime("%Y-%m-%d")), "volunteers_gaps", lang,
                 columns={"building": col("building"), "day": col("day"), "entrances": col("entrances")},
                 height=min(36 * (len(gaps) + 1) + 3, 250))

# -- hours worked inside sealed buildings, by group -----------------------------------------------
st.subheader(t("volunteers.section.sealed", lang))
st.caption(t("volunteers.sealed.caption", lang, **dates))
if sealed.empty:
    ui.empty(lang)
else:
    st.caption(t("volunteers.sealed.title", lang))
    charts.show(figures.sealed_hours(sealed, {g: code_label("group", g) for g in sealed["group"]},
                                     x_title=t("volunteers.axis.hours", lang), whole=t("volunteers.sealed.whole", lang),
                                     floors=t("volunteers.sealed.floors", lang)),
                key="volunteers_sealed", height=figures.bars_height(len(sealed), legend=True))
    ui.table(labelled(sealed, group="group"), "volunteers_sealed", lang, columns={
        "group": col("group"), "sealed_hours": col("sealed_hours"),
        "whole_building_hours": col("whole_building_hours"), "floor_seal_hours": col("floor_seal_hours"),
        "volunteers": col("volunteers"), "shifts": col("shifts")})
