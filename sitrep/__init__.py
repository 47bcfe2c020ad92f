"""sitrep: the situation dashboard of a sealed residential compound (importer, store, queries, UI shell)."""
