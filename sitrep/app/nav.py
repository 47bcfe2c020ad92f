"""The pages, in navigation order: one registry for dashboard.py, the tests and the bench.
`PAGES` are one compound's pages; `DISTRICT`, every compound in scope on one page, comes
before them when the store holds more than one compound (`shown`)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    name: str       # url_path and catalog key page.<name>; the file is pages/<name>.py
    icon: str       # a Material Symbols icon (bundled with Streamlit; emoji fonts may be missing)

    @property
    def path(self) -> str:
        # The file's stem must equal the url_path: Streamlit's pages/ folder mode resolves a
        # cold URL by file name, and would show "Page not found" otherwise.
        return f"pages/{self.name}.py"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", ":material/dashboard:"),
    PageSpec("seals", ":material/domain:"),
    PageSpec("volunteers", ":material/volunteer_activism:"),
    PageSpec("medicine", ":material/medication:"),
    PageSpec("screening", ":material/thermometer:"),
    PageSpec("deliveries", ":material/local_shipping:"),
    PageSpec("data_import", ":material/upload_file:"),
    PageSpec("briefing", ":material/summarize:"),
    PageSpec("audit", ":material/policy:"),
)
# Pages that list what the dashboard made (no analysis of the data, so not part of the
# recorded page outputs of tests/test_page_outputs.py), after PAGES in the navigation.
RECORDS: tuple[PageSpec, ...] = (
    PageSpec("briefings_past", ":material/history:"),     # commanders: the scheduled briefings
)
# The district page compares compounds (read from their summaries): first when shown.
DISTRICT = PageSpec("district", ":material/map:")
ALL_PAGES: tuple[PageSpec, ...] = (DISTRICT, *PAGES, *RECORDS)


def shown(allowed, compounds: int) -> list[PageSpec]:
    """The pages to register for a viewer allowed these page names, on a store of this many
    compounds: the district page only when there is more than one to compare."""
    return [spec for spec in ALL_PAGES if spec.name in allowed and (spec is not DISTRICT or compounds > 1)]
