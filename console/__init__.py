"""rwc: one keyboard-driven console for Run:ai scheduling and WEKA storage."""

__version__ = "0.1.0"
