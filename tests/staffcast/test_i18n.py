import pytest

from staffcast.i18n import LANGUAGES, catalog, format_money, t


def test_catalogs_have_the_same_keys():
    keys = {lang: set(catalog(lang)) for lang in LANGUAGES}
    assert keys["zh"] == keys["en"]


def test_texts_differ_by_language_and_fill_values():
    zh = t("cli.total_cost", "zh", cost="¥1.00")
    en = t("cli.total_cost", "en", cost="¥1.00")
    assert zh != en and "¥1.00" in zh and "¥1.00" in en


def test_placeholders_match_between_languages():
    import string

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, text in catalog("en").items():
        assert fields(text) == fields(catalog("zh")[key]), key


def test_unknown_language():
    with pytest.raises(ValueError, match="language"):
        t("cli.note", "fr", note="x")


def test_money():
    assert format_money(1234.5, "CNY") == "¥1,234.50"
    assert format_money(3, "JPY") == "3.00 JPY"


def test_every_conflict_rule_has_a_sentence_with_the_same_placeholders():
    import string

    from scheduling.explain import RULE_TEXTS
    from staffcast.i18n import catalog

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for lang in ("en", "zh"):
        for rule, english in RULE_TEXTS.items():
            assert fields(catalog(lang)[f"rule.{rule}"]) == fields(english), (lang, rule)
