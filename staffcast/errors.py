"""Error types shown to users as one clear message (never a traceback).

An error may carry a catalog key and values (``DataError.of("err.data.not_a_number",
path=..., lines=..., field=..., value=...)``): ``str(error)`` is then its English text and
:func:`staffcast.i18n.error_text` renders it in the planner's language. The values
``path`` (file), ``lines`` (:class:`staffcast.i18n.LineNumbers`) and ``field`` (column or
scenario field) say where the problem is: the text puts the first two in front of the
problem, and the Data page's report shows all three in their own columns. Errors raised
with a plain message still work everywhere; they are shown in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self

from staffcast.i18n import keyed_text


class _Keyed:
    """A catalog key and its values next to the English message (none for a plain message)."""

    key: str | None = None
    values: Mapping[str, object] = {}  # never mutated: instances get their own

    @classmethod
    def of(cls, key: str, /, *args: object, **values: object) -> Self:
        """The error for catalog text ``key`` with ``values``; ``args`` follow the message
        in the constructor (e.g. the conflicts of a :class:`RosterConflictError`)."""
        error = cls(keyed_text(key, values, "en"), *args)
        error.key, error.values = key, dict(values)
        return error


class StaffcastError(_Keyed, ValueError):
    """Bad input or an impossible request, with a message that names the file, row or field.

    The command line prints it and exits with status 2; the app shows it with ``st.error``,
    both through :func:`staffcast.i18n.error_text`. Raise it (or a subclass) for anything a
    user can fix.
    """


class InvalidValue(_Keyed, ValueError):
    """One bad value (a clock time, a range) found by a parser or a scenario validator.

    Not a :class:`StaffcastError`: whoever catches it names the place (pydantic the field,
    the loaders the file and line) and keeps it as the problem of its own error.
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
