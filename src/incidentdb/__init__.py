"""incidentdb: a relational database of human-rights incidents."""

__version__ = "0.1.0"
