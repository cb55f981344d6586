"""wosync: keep WorkFossa work orders in a local SQLite file, on a schedule."""

__version__ = "0.1.0"
