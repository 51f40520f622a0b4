"""Error types shown to users as one clear message (never a traceback)."""

from __future__ import annotations


class StaffcastError(ValueError):
    """Bad input or an impossible request, with a message that names the file, row or field.

    The command line prints ``str(error)`` and exits with status 2; the app shows it with
    ``st.error``. Raise it (or a subclass) for anything a user can fix.
    """


class ScenarioError(StaffcastError):
    """A scenario file that does not exist, does not parse or does not validate."""


class DataError(StaffcastError):
    """A history or agents file with missing columns, bad values or bad timestamps."""


class StorageError(StaffcastError):
    """A plan that cannot be found, saved or exported."""


class RosterConflictError(StaffcastError):
    """The roster's hard rules conflict; ``conflicts`` are :class:`scheduling.Conflict`
    records, rendered in the planner's language by :func:`staffcast.i18n.conflict_lines`."""

    def __init__(self, message: str, conflicts: tuple = ()):
        super().__init__(message)
        self.conflicts = tuple(conflicts)
