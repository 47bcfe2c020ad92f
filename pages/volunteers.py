"""Placeholder while the page is built (replaced before commit)."""

from sitrep import filters

f = filters.current()
from sitrep import ui

ui.heading(f, "page.volunteers")
