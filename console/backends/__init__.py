"""Concrete backends: `demo` (the in-process simulator) and `live` (the real APIs).

Only `console.cli` picks one; screens see the `console.data.Backend` protocol.
"""
