"""Operating the product: the command line (`python -m sitrep ...`) and the benchmarks."""
