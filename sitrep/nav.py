"""The pages, in navigation order: one registry for dashboard.py, the tests and the bench."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    name: str       # url_path and catalog key page.<name>
    path: str       # file under the repo root
    icon: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "pages/overview.py", "📊"),
    PageSpec("seals", "pages/seals.py", "🏢"),
    PageSpec("volunteers", "pages/volunteers.py", "🙋"),
    PageSpec("medicine", "pages/medicine.py", "💊"),
    PageSpec("screening", "pages/screening.py", "🌡️"),
    PageSpec("deliveries", "pages/deliveries.py", "🚚"),
)
