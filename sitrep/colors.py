"""One colour scheme for statuses and series, shared by every page."""
STATUS = {
    "sealed_building": "#b2182b",
    "sealed_floor": "#ef8a62",
    "case": "#67001f",
    "open": "#d1e5f0",
    "urgent": "#d6604d",
    "normal": "#4393c3",
    "overdue": "#b2182b",
    "ok": "#1a9850",
}
SERIES = {
    "sealed_households": "#ef8a62",
    "confirmed_new": "#67001f",
    "suspected": "#f4a582",
    "fever": "#d6604d",
    "deliveries": "#4393c3",
    "kg": "#92c5de",
    "volunteer_hours": "#5aae61",
    "volunteers_on_duty": "#a6dba0",
    "medicine_open": "#4393c3",
    "medicine_overdue": "#b2182b",
    "trips": "#8073ac",
}
