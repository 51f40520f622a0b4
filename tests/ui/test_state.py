from staffcast.ui.state import detect_language


def test_browser_locale_wins_when_supported():
    assert detect_language("zh-CN", "en") == "zh"
    assert detect_language("en-US", "zh") == "en"
    assert detect_language("zh_TW", None) == "zh"


def test_scenario_language_when_browser_is_neither():
    assert detect_language("fr-FR", "en") == "en"
    assert detect_language(None, "zh") == "zh"


def test_default_language_otherwise():
    assert detect_language("de", None) == "zh"
    assert detect_language("", "fr") == "zh"
