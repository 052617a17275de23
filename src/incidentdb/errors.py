"""The errors a user can act on: one hierarchy, said in one place.

Every error the library raises for a user to read is an `IncidentdbError`. The CLI
turns each into its lines on stderr and its exit code in one place
(`incidentdb.cli.app`), and never shows a traceback for one. A subclass says what went
wrong by its message and, when one line is not enough (the problems of a load, the
people a name could mean), by `lines()`.
"""

from __future__ import annotations


class IncidentdbError(Exception):
    """An error for the user: its lines go to stderr, and the command exits `exit_code`."""

    exit_code = 1

    def lines(self) -> list[str]:
        """What stderr says, a line each."""
        return [f"Error: {self}"]


class UserError(IncidentdbError):
    """A mistake the user can fix (a record that does not exist, a file not a folder)."""


class UsageError(IncidentdbError):
    """Options that cannot be used together or here (a write on a read-only database):
    exit code 2, as for any other usage error."""

    exit_code = 2
