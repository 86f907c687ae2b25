"""datto-tui: a keyboard-driven terminal dashboard for the Datto RMM REST API v2."""

__version__ = "0.1.0"
