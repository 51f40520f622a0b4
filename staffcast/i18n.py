"""User-visible texts in Chinese and English.

Texts live in ``locales/<lang>.toml`` as ``key = "text with {placeholders}"``. ``t(key,
lang, **values)`` formats one; a key missing in a language falls back to English, and a
key missing everywhere raises ``KeyError`` (a test checks both catalogs have every key).
Numbers and money are formatted per locale by :func:`format_number` and :func:`format_money`.
"""

from __future__ import annotations

import tomllib
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
