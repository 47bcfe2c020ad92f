"""Figures of each page (one module per page); shared basics are in sitrep/app/figures/charts.py."""
