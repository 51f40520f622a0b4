"""User-visible texts in Chinese and English.

Texts live in ``locales/<lang>.toml`` as ``key = "text with {placeholders}"``. ``t(key,
lang, **values)`` formats one; a key missing in a language falls back to English, and a
key missing everywhere raises ``KeyError`` (a test checks both catalogs have every key).
Numbers and money are formatted per locale by :func:`format_number` and :func:`format_money`.

Errors (:mod:`staffcast.errors`) carry a key of the ``[err]`` section and values;
:func:`error_text` renders one in a language. Values may be fragments that are themselves
translated: :class:`Text` (a nested catalog text), :class:`Listing` and :class:`LineNumbers`
(``lines 3, 7, 9`` / ``第 3、7、9 行``), or a nested error.

Data notes (warnings about the inputs, ``[note]`` section) are :class:`Note` values: a
``str`` holding the English text that also keeps its key and values, so it renders in any
language and :func:`to_json` / :func:`from_json` store it with a plan.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@cache
def catalog(lang: str) -> dict[str, str]:
    """All texts of one language, flattened to dotted keys."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {list(LANGUAGES)}, got {lang!r}")
    raw = tomllib.loads(resources.files("staffcast").joinpath(f"locales/{lang}.toml").read_text("utf-8"))
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(name + ".", value)
            else:
                flat[name] = str(value)

    walk("", raw)
    return flat


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``values`` filled in."""
    text = catalog(lang).get(key)
    if text is None:
        text = catalog("en")[key]
    return text.format(**values) if values else text


def format_number(value: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """Thousands-separated number; Chinese uses the same grouping as English in business use."""
    return f"{value:,.{decimals}f}"


def format_money(value: float, currency: str = "CNY", lang: str = DEFAULT_LANGUAGE) -> str:
    """Money with the currency's symbol placed as each locale expects."""
    symbol = {"CNY": "¥", "USD": "$", "EUR": "€"}.get(currency)
    amount = format_number(value, lang, 2)
    if symbol:
        return f"{symbol}{amount}"
    return f"{amount} {currency}"


def format_percent(value: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 1) -> str:
    return f"{100 * value:.{decimals}f}%"


def conflict_lines(conflicts, lang: str) -> list[str]:
    """One sentence per :class:`scheduling.Conflict` (a conflicting hard rule) in ``lang``:
    the catalog's ``rule.<rule>`` template, weekday names from ``weekday.<n>``."""
    weekdays = tuple(t(f"weekday.{d}", lang) for d in range(7))
    # t() without values returns the template unformatted
    return [c.describe(t(f"rule.{c.rule}", lang), weekdays, t("rule.agent", lang), t("weekday.separator", lang))
            for c in conflicts]


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Text:
    """A catalog text and its values, rendered in a language only when shown."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return keyed_text(self.key, self.values, lang)


@dataclass(frozen=True)
class Listing:
    """Fragments joined by a fixed, language-neutral ``separator`` (e.g. a new line)."""

    items: tuple
    separator: str | Text  # a Text for a per-language separator, e.g. Text("err.separator")

    def render(self, lang: str) -> str:
        return render(self.separator, lang).join(render(item, lang) for item in self.items)


@dataclass(frozen=True)
class LineNumbers:
    """CSV line numbers (header = line 1) of offending rows: the first few, and how many more."""

    rows: tuple[int, ...]
    more: int = 0

    @classmethod
    def of(cls, rows: Sequence[int], shown: int = 5) -> LineNumbers:
        return cls(tuple(int(r) for r in rows[:shown]), max(len(rows) - shown, 0))

    def _listed(self, lang: str) -> str:
        return t("err.separator", lang).join(str(r) for r in self.rows)

    def numbers(self, lang: str) -> str:
        """Just the numbers (a report's row column): ``3, 7 and 2 more`` / ``3、7 等（另有 2 行）``."""
        listed = self._listed(lang)
        return t("err.rows_more", lang, rows=listed, more=self.more) if self.more else listed

    def render(self, lang: str) -> str:
        """``line 3``, ``lines 3, 7``, ``lines 3, 7 and 2 more`` / ``第 3、7 行``."""
        listed = self._listed(lang)
        if self.more:
            return t("err.lines.more", lang, rows=listed, more=self.more)
        return t("err.lines.many" if len(self.rows) > 1 else "err.lines.one", lang, rows=listed)


class Note(str):
    """A data note: its English text as a ``str`` (so code and logs that treat notes as
    strings keep working) that also carries its catalog key and values."""

    key: str
    values: Mapping[str, object]

    @classmethod
    def of(cls, key: str, /, **values: object) -> Note:
        note = cls(keyed_text(key, values, "en"))
        note.key, note.values = key, dict(values)
        return note

    def __reduce__(self):  # pickle (Streamlit caches, job processes) keeps key and values
        return _note, (self.key, self.values)

    def render(self, lang: str) -> str:
        return keyed_text(self.key, self.values, lang)


def _note(key: str, values: Mapping[str, object]) -> Note:
    return Note.of(key, **values)


def render(value: object, lang: str) -> object:
    """A value ready for a catalog template: fragments and errors as text in ``lang``."""
    if isinstance(value, (Text, Listing, LineNumbers, Note)):
        return value.render(lang)
    if isinstance(value, BaseException):
        return error_text(value, lang)
    return value


def keyed_text(key: str, values: Mapping[str, object], lang: str) -> str:
    """Catalog text ``key`` in ``lang`` with ``values`` rendered; when the values name a
    ``path`` (and ``lines``), the text is the problem and the place goes in front of it."""
    text = _problem(key, values, lang)
    if "path" not in values:
        return text
    path = render(values["path"], lang)
    if "lines" in values:
        return t("err.at_lines", lang, path=path, lines=render(values["lines"], lang), problem=text)
    return t("err.at_file", lang, path=path, problem=text)


def _problem(key: str, values: Mapping[str, object], lang: str) -> str:
    return t(key, lang, **{name: render(value, lang) for name, value in values.items()})


def error_text(error: BaseException, lang: str) -> str:
    """An error's message in ``lang``; errors raised without a key are shown as they are."""
    key = getattr(error, "key", None)
    if key is None:
        return str(error)
    return keyed_text(key, error.values, lang)


def error_problem(error: BaseException, lang: str) -> str:
    """An error's message without the file and line in front (a report shows them in their
    own columns); an error raised without a key is returned whole."""
    key = getattr(error, "key", None)
    if key is None:
        return str(error)
    return _problem(key, error.values, lang)


# --------------------------------------------------------------------------- stored texts


def to_json(value: object) -> object:
    """A translatable value as JSON-able data (inverse: :func:`from_json`); a plain ``str``
    stays a string."""
    if isinstance(value, (Note, Text)):
        return {"note" if isinstance(value, Note) else "text": value.key,
                "values": {name: to_json(item) for name, item in value.values.items()}}
    if isinstance(value, Listing):
        return {"items": [to_json(item) for item in value.items], "separator": to_json(value.separator)}
    if isinstance(value, LineNumbers):
        return {"rows": list(value.rows), "more": value.more}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    return value


def from_json(data: object) -> object:
    """The value :func:`to_json` stored; anything else (a plain English string saved by an
    older version) comes back as it is."""
    if isinstance(data, list):
        return [from_json(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "note" in data or "text" in data:
        values = {name: from_json(item) for name, item in data.get("values", {}).items()}
        return Note.of(data["note"], **values) if "note" in data else Text(data["text"], values)
    if "items" in data:
        return Listing(tuple(from_json(data["items"])), from_json(data["separator"]))
    if "rows" in data:
        return LineNumbers(tuple(data["rows"]), data.get("more", 0))
    return data
