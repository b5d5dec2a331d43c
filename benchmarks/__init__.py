"""Whole-process and scale benchmarks for rwc, reported as ratios (run by `make bench`)."""
