"""Benchmarks, run on demand (`make bench`): they print their figures and write JSON for
bench/report.py; tests assert behaviour, benchmarks measure speed and accuracy."""
