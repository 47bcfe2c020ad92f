"""封控楼层 Sealed floors: which buildings and floors are sealed on a day (replayed day by day
with a slider), who lives on a floor, where the buildings stand, and how the seals ran."""
import streamlit as st

from sitrep import config
from sitrep.app import cards, filters, privacy, ui
from sitrep.app import seals_drill as drill
from sitrep.app.figures import charts
from sitrep.app.figures import seals as figures
from sitrep.i18n import t

f = filters.current()
lang = f.lang
ui.heading(f, "page.seals")

# The day slider starts on the global as-of date and follows it when the sidebar changes it.
if st.session_state.get("seals_as_of") != f.as_of or "seals_day" not in st.session_state:
    st.session_state["seals_as_of"] = f.as_of
    st.session_state["seals_day"] = f.as_of
st.session_state["seals_day"] = min(max(st.session_state["seals_day"], f.first_on), f.last_on)
if f.first_on < f.last_on:
    day = st.slider(t("seals.day", lang), min_value=f.first_on, max_value=f.last_on,
                    key="seals_day", format="YYYY-MM-DD", help=t("seals.day_help", lang))
else:
    day = f.first_on

floors = ui.query("seals_floor_state", **f.params(as_of=True, day=day))
# the cards' two days come from the trend's rows when the range holds them (one query, not two)
daily = ui.query("seals_daily", **f.params(window="range"))
today = drill.card_days(daily, day)
if today is None:
    today = ui.query("seals_daily", **f.params(window="change", day=day))
plan = ui.query("seals_building_state", **f.params(as_of=True, day=day))
CARDS = [cards.Card(c, k, worse_up=True) for c, k in (
    ("sealed_buildings", "kpi.sealed_buildings"), ("sealed_floors", "kpi.sealed_floors"),
    ("sealed_households", "kpi.sealed_households"), ("case_floors", "seals.case_floors"))]


def pick_cell():
    """A click on the grid chooses the drill-down cell (the selectbox below shows it)."""
    cell, st.session_state["seals_grid_cells"] = drill.picked_cell(
        st.session_state.get("seals_grid"), st.session_state.get("seals_grid_spec"),
        st.session_state.get("seals_grid_cells", []))
    if cell:
        st.session_state["seals_cell"] = cell


def pick_building():
    """A building picked on the site plan becomes the global building filter and the drill-down."""
    building = drill.picked_building(st.session_state.get("seals_plan"))
    if building:
        st.session_state["building"] = [building]
        st.session_state["seals_cell"] = drill.cell_key(building)


if floors.empty:
    ui.empty(lang)
else:
    with cards.row():
        cards.changes(CARDS, today, lang)

    grid_col, plan_col = st.columns([3, 2], gap="medium")
    with grid_col:
        st.markdown(f"**{t('seals.grid_title', lang, day=day.isoformat())}**")
        # the option drawn is kept: a click reports indices into it
        st.session_state["seals_grid_spec"] = spec = figures.grid(floors, lang)
        charts.pickable(spec, key="seals_grid", height=figures.grid_height(floors), on_select=pick_cell)
        st.caption(t("seals.grid_hint", lang))
    with plan_col:
        st.markdown(f"**{t('seals.plan_title', lang, day=day.isoformat())}**")
        st.pydeck_chart(figures.plan(plan, lang), on_select=pick_building,
                        selection_mode="single-object", key="seals_plan", height=280,
                        width="stretch", alt=t("seals.plan_alt", lang))
        st.caption(t("seals.plan_hint", lang))

    # Drill-down: a building or one floor; the grid and the plan choose it, or pick it here.
    st.subheader(t("seals.drill_title", lang))
    options = drill.cell_options(floors)
    if st.session_state.get("seals_cell") not in options:
        st.session_state["seals_cell"] = None
    cell = st.selectbox(t("seals.cell", lang), options, index=None, key="seals_cell",
                        format_func=lambda key: drill.cell_label(key, lang),
                        placeholder=t("seals.cell_placeholder", lang))
    if cell:
        building, floor = drill.parse_cell(cell)
        households = ui.query("seals_floor_households", compound=f.compound, building=building,
                              floor=floor, as_of=day, fever_c=config.FEVER_C)
        summary = drill.cell_summary(cell, floors, plan)
        st.caption(t("seals.drill_caption", lang, cell=drill.cell_label(cell, lang),
                     state=t(f"seals.state.{summary['seal_state']}", lang),
                     households=int(summary["households"]), sealed=int(summary["sealed_households"]),
                     cases=int(summary["cases"]), day=day.isoformat())
                   + ("" if privacy.may_see_personal() else " " + t("seals.rooms_hidden", lang)))
        shown, columns = drill.households_table(households, lang)
        ui.table(shown, "seals_households", lang, columns=columns, height=300)

    # How the seals ran over the trend range.
    intervals = ui.query("seals_intervals", **f.params(window="range"))
    span = {"date_from": f.date_from.isoformat(), "date_to": f.date_to.isoformat()}
    timeline_col, trend_col = st.columns(2, gap="medium")
    with timeline_col:
        if intervals.empty:
            st.markdown("**" + t("seals.timeline_title", lang, **span) + "**")
            ui.empty(lang)
        else:
            st.caption("**" + t("seals.timeline_title", lang, **span) + "**")
            charts.show(figures.timeline(intervals, day, f.date_from, f.date_to, lang),
                        key="seals_timeline", height=figures.timeline_height(intervals))
    with trend_col:
        st.caption("**" + t("seals.trend_title", lang, **span) + "**")
        charts.show(figures.trend(daily, day, f.date_from, f.date_to, lang), key="seals_trend",
                    height=190)
