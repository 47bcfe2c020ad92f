"""Station 2 of the data path: team spreadsheets in, validated rows into a new snapshot.

contract (the kinds and columns as data) · read (CSV/XLSX into raw rows, bounded) ·
parse (cells as people type them) · importer (rows → checks → dedupe → load) ·
fastparse (the column-at-a-time path for big logs) · templates (blank XLSX per kind).
"""
