"""Figures of each page (one module per page); shared basics are in sitrep/charts.py."""
