"""One colour scheme for statuses and series, shared by every page.

Reds mean trouble (sealed, case, overdue, urgent), blues mean work done or normal, greys mean
nothing happening. Pages take colours from here, never hex codes of their own.
"""
STATUS = {
    # seal state of a floor
    "sealed_building": "#b2182b",
    "sealed_floor": "#ef8a62",
    "case": "#67001f",
    "open": "#e0e7ee",
    # urgency and targets
    "urgent": "#d6604d",
    "normal": "#4393c3",
    "overdue": "#b2182b",
    "ok": "#1a9850",
    "gap": "#b2182b",        # e.g. an entrance without a guard
    "covered": "#a6d96a",
}
# medicine request status
REQUEST_STATUS = {"open": "#d6604d", "in_progress": "#fdae61", "delivered": "#4393c3",
                  "cancelled": "#bababa"}
# case class and flow
CASE = {"confirmed": "#67001f", "suspected": "#f4a582", "asymptomatic": "#d6604d",
        "close_contact": "#fddbc7", "fever": "#d6604d", "reported": "#fdae61",
        "isolated": "#92c5de", "to_hospital": "#b2182b", "cleared": "#1a9850"}
SERIES = {
    "sealed_households": "#ef8a62",
    "confirmed_new": "#67001f",
    "suspected": "#f4a582",
    "fever": "#d6604d",
    "deliveries": "#4393c3",
    "kg": "#92c5de",
    "volunteer_hours": "#5aae61",
    "volunteers_on_duty": "#a6dba0",
    "medicine_open": "#d6604d",
    "medicine_overdue": "#b2182b",
    "trips": "#8073ac",
}
# categorical series without a meaning of their own (groups, categories, sources, purposes)
PALETTE = ["#4393c3", "#5aae61", "#fdae61", "#8073ac", "#d6604d", "#35978f", "#bf812d",
           "#de77ae", "#878787"]


def palette(codes) -> dict:
    """A stable colour per code, in the given order."""
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(codes)}
# a compound's state on the district page and plan (queries/district_compounds_on_day.sql)
DISTRICT_STATE = {"action": "#b2182b", "stale": "#fdae61", "quiet": "#1a9850"}
