"""Whatever a file holds, an import is a row-level decision or a clear refusal: random and
adversarial cells (huge numbers, dates in year 1900 or 9999, control characters, quotes, line
breaks, text over the cap, Excel cells of every type) through both the per-row and the
column-at-a-time path of every kind, as CSV, as UTF-16 tab-separated text and as XLSX."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep.ingest.contract import KINDS, LOAD_ORDER
from sitrep.ingest.importer import import_files

from . import sheets
from .sheets import C, copy_store, dump, register_store

# The refusals a file of such cells may meet (its reader's limits, its encoding); never
# "import_failed" or "unreadable", the two that mean something went wrong inside.
FILE_REFUSALS = {"not_spreadsheet", "bad_encoding", "bad_csv", "cell_too_long", "too_many_columns"}


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    return register_store(tmp_path_factory.mktemp("registers"))


@pytest.mark.parametrize("kind", LOAD_ORDER)
@settings(max_examples=sheets.EXAMPLES, deadline=None, derandomize=sheets.DERANDOMIZE,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_cells_end_as_rows_accepted_or_rejected_the_same_way_on_both_paths(
        kind, registers, tmp_path_factory, data):
    rows = data.draw(sheets.adversarial_rows(kind), label="rows")
    form = data.draw(st.sampled_from(["csv", "text", "xlsx"]), label="form")
    folder = tmp_path_factory.mktemp(kind)
    path = sheets.write(folder / f"{KINDS[kind].zh}.{'xlsx' if form == 'xlsx' else 'txt' if form == 'text' else 'csv'}",
                        kind, rows, form)
    outcomes = []
    for fast in (True, False):
        target = copy_store(registers, folder / f"store-{fast}")
        with sheets.fast_path(fast):
            (result,) = import_files([path], store=target, compound=C, year=2020, kind=kind)
        if result.refused:
            assert result.refused_code in FILE_REFUSALS, result.refused
        else:
            assert result.rows_read == result.accepted + result.rejected + result.duplicates
            assert result.rows_read <= len(rows)
        outcomes.append(((result.rows_read, result.accepted, result.rejected, result.duplicates,
                          result.refused_code), dump(target)))
    assert outcomes[0] == outcomes[1]
