"""The package's version, written once (hatch reads it from here)."""

__version__ = "0.1.0"
