"""rwc: one keyboard-driven console for Run:ai scheduling and WEKA storage."""

__version__ = "0.1.0"

import gc as _gc

STARTUP_GC_THRESHOLD = (100_000, 50, 50)
"""Fewer collections while rwc imports and paints its first frame (~60 ms of a ~450 ms start is the
collector scanning objects that all live on); `console.app` puts the defaults back after that frame."""
DEFAULT_GC_THRESHOLD = _gc.get_threshold()

_gc.set_threshold(*STARTUP_GC_THRESHOLD)
