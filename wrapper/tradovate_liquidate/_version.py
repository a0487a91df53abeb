"""The one place the version is written: hatchling reads it for the wheel's metadata."""

__version__ = "0.1.0"
