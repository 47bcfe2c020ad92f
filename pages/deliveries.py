"""物资配送与出车 Deliveries and the vehicle: what reached the buildings each day (by category
and source), which sealed households no delivery reached in the last 48 hours, and how busy
the compound's one vehicle was (trips by purpose, hours out, the as-of day's timeline)."""
import streamlit as st

from sitrep import config
from sitrep.app import cards, filters, privacy, ui
from sitrep.app.figures import charts, colors
from sitrep.app.figures import deliveries as figures
from sitrep.i18n import label, t
from sitrep.ingest.contract import CODES

f = filters.current()
lang = f.lang
ui.heading(f, "page.deliveries")

on_day = f.params(as_of=True)
in_range = f.params(window="range")
gap_hours = config.DELIVERY_GAP_HOURS
summary = ui.query("deliveries_day_summary", **on_day, gap_hours=gap_hours).iloc[0]
split = ui.query("deliveries_by_day_category_source", **in_range)
gap_buildings = ui.query("deliveries_gap_by_building", **on_day, gap_hours=gap_hours)
gap_households = ui.query("deliveries_gap_households", **on_day, gap_hours=gap_hours)
vehicle = ui.query("vehicle_daily", **in_range)
purposes = ui.query("vehicle_trips_by_day_purpose", **in_range)
trips = ui.query("vehicle_trips_on_day", **on_day)


def clock(value) -> str:
    return value.strftime("%H:%M") if value == value and value is not None else "—"


def coded(domain: str, codes) -> dict[str, str]:
    """Codes in the contract's order, then open-list values as typed; '' = not given."""
    present = list(dict.fromkeys(codes))
    ordered = [c for c in CODES[domain] if c in present] + [c for c in present if c not in CODES[domain]]
    return {c: label(domain, c, lang) if c else t("deliveries.source_unknown", lang) for c in ordered}


# -- the as-of day ---------------------------------------------------------------------------
minutes_out = round(summary["hours_out"] * 60)
with cards.row():
    cards.value(t("deliveries.kpi.deliveries", lang), summary["deliveries"],
                help=t("deliveries.kpi.deliveries_help", lang))
    cards.value(t("deliveries.kpi.kg", lang), summary["kg"], "{:,.1f}", help=t("deliveries.kpi.kg_help", lang))
    cards.value(t("deliveries.kpi.not_reached", lang, hours=gap_hours), len(gap_households),
                help=t("deliveries.kpi.not_reached_help", lang, hours=gap_hours))
    cards.value(t("deliveries.kpi.trips", lang), summary["trips"], help=t("deliveries.kpi.trips_help", lang))
    cards.value(t("deliveries.kpi.hours_out", lang), summary["hours_out"], "{:.1f}",
                help=t("deliveries.kpi.hours_out_help", lang, hours=minutes_out // 60,
                       minutes=minutes_out % 60))
    cards.value(t("deliveries.kpi.first_out", lang), clock(summary["first_departed_at"]))
    cards.value(t("deliveries.kpi.last_back", lang), clock(summary["last_returned_at"]))
if summary["trips_not_returned"]:
    st.caption(t("deliveries.kpi.not_returned", lang, n=summary["trips_not_returned"]))

# -- deliveries per day -----------------------------------------------------------------------
with st.container(border=True):
    st.subheader(t("deliveries.section.supply", lang))
    measure = st.segmented_control(
        t("deliveries.measure", lang), ["deliveries", "kg"], default="deliveries",
        format_func=lambda m: t(f"deliveries.measure.{m}", lang), key="deliveries_measure",
        label_visibility="collapsed") or "deliveries"
    if split.empty:
        ui.empty(lang)
    else:
        split["code"] = split["code"].fillna("")
        left, right = st.columns(2)
        for column, dimension, title_key in ((left, "category", "deliveries.chart.by_category"),
                                             (right, "source", "deliveries.chart.by_source")):
            part = split[split["dimension"] == dimension]
            series = coded(dimension, part["code"])
            with column:
                st.caption(t(title_key, lang))
                charts.show(figures.stacked_by_day(part, measure, series, colors.palette(series),
                                                   t(f"deliveries.axis.{measure}", lang), f.date_from, f.date_to,
                                                   mark=f.as_of),
                            key=f"deliveries_{dimension}", height=figures.DAILY_HEIGHT)
        if measure == "kg":
            st.caption(t("deliveries.kg_note", lang))

# -- sealed households not reached ------------------------------------------------------------
with st.container(border=True):
    st.subheader(t("deliveries.section.gap", lang))
    st.caption(t("deliveries.gap_caption", lang, as_of=f.as_of.isoformat(), hours=gap_hours,
                 since=summary["gap_since_at"].strftime("%Y-%m-%d %H:%M")))
    if gap_buildings.empty:
        st.info(t("deliveries.no_sealed", lang, as_of=f.as_of.isoformat()))
    else:
        st.caption(t("deliveries.chart.gap", lang))
        charts.show(figures.gap_by_building(gap_buildings, t("deliveries.series.not_reached", lang, hours=gap_hours),
                                            t("deliveries.series.reached", lang)),
                    key="deliveries_gap_chart", height=figures.gap_height(len(gap_buildings)))
        if gap_households.empty:
            st.success(t("deliveries.gap_none", lang, hours=gap_hours))
        else:
            shown = gap_households.copy()
            shown["unit"] = shown["unit"].fillna("")
            shown["last_delivered_at"] = [
                v.strftime("%Y-%m-%d %H:%M") if v == v else t("deliveries.never", lang)
                for v in shown["last_delivered_at"]]
            shown["hours_since_delivery"] = [f"{h:.1f}" if h == h else "—" for h in shown["hours_since_delivery"]]
            ui.table(shown, "deliveries_gap", lang, height=min(38 + 35 * len(shown), 360), columns={
                "room": privacy.room_label(lang),
                "unit": t("deliveries.col.unit", lang),
                "last_delivered_at": t("deliveries.col.last_delivery", lang),
                "hours_since_delivery": t("deliveries.col.hours_since", lang),
            })

# -- the vehicle ------------------------------------------------------------------------------
with st.container(border=True):
    st.subheader(t("deliveries.section.vehicle", lang))
    st.caption(t("deliveries.vehicle_caption", lang))
    purpose_labels = coded("purpose", [*purposes["purpose"], *trips["purpose"]])
    purpose_colors = colors.palette(purpose_labels)
    if purposes.empty:
        ui.empty(lang)
    else:
        left, right = st.columns(2)
        with left:
            st.caption(t("deliveries.chart.trips_by_purpose", lang))
            charts.show(figures.stacked_by_day(purposes.rename(columns={"purpose": "code"}), "trips", purpose_labels,
                                               purpose_colors, t("deliveries.axis.trips", lang), f.date_from,
                                               f.date_to, whole=True, mark=f.as_of),
                        key="deliveries_trips_by_purpose", height=figures.DAILY_HEIGHT)
        hover = [t("deliveries.hover.day", lang, trips=n, hours=f"{h:.1f}", first=clock(a), last=clock(b))
                 for n, h, a, b in zip(vehicle["trips"], vehicle["hours_out"], vehicle["first_departed_at"],
                                       vehicle["last_returned_at"], strict=True)]
        with right:
            st.caption(t("deliveries.chart.hours_out", lang))
            charts.show(figures.hours_out(vehicle, hover, t("deliveries.axis.hours", lang), f.date_from, f.date_to,
                                          mark=f.as_of),
                        key="deliveries_hours_out", height=figures.DAILY_HEIGHT)

    if trips.empty:
        st.markdown(f"**{t('deliveries.chart.gantt', lang, as_of=f.as_of.isoformat())}**")
        ui.empty(lang)
    else:
        shown = trips.copy()
        shown["room"] = shown["room"].astype(object).fillna(t("deliveries.no_address", lang))
        shown["purpose"] = [purpose_labels[p] for p in shown["purpose"]]
        shown["departed"] = shown["departed_at"].map(clock)
        shown["returned"] = [clock(r) if ok else t("deliveries.not_returned", lang)
                             for r, ok in zip(shown["returned_at"], shown["is_returned"], strict=True)]
        shown["lane"] = [f"{n}. {p}" for n, p in zip(shown["trip_no"], shown["purpose"], strict=True)]
        shown["hover"] = [
            f"{lane} · {dep}–{ret}\n{dest or ''} · {room}\n{t('deliveries.col.driver', lang)}: {drv or '—'}"
            for lane, dep, ret, dest, room, drv in zip(shown["lane"], shown["departed"], shown["returned"],
                                                       shown["destination"], shown["room"], shown["driver"],
                                                       strict=True)]
        st.caption(t("deliveries.chart.gantt", lang, as_of=f.as_of.isoformat()))
        charts.show(figures.trips_gantt(shown, {purpose_labels[c]: purpose_colors[c] for c in purpose_labels}, f.as_of),
                    key="deliveries_gantt", height=figures.gantt_height(len(shown)))
        ui.table(shown, "deliveries_trips", lang, columns={
            "trip_no": t("deliveries.col.trip", lang),
            "departed": t("deliveries.col.departed", lang),
            "returned": t("deliveries.col.returned", lang),
            "purpose": t("deliveries.col.purpose", lang),
            "destination": t("deliveries.col.destination", lang),
            "room": t("deliveries.col.address_unmasked" if privacy.may_see_personal()
                      else "deliveries.col.address", lang),
            "minutes_out": t("deliveries.col.minutes", lang),
            "driver": t("deliveries.col.driver", lang),
        })
