"""Benchmarks, one module per chapter stem, run by ``python3 -m book bench [STEM…]``."""
