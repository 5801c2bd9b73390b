import pytest

from ecomops.errors import InvalidInput
from ecomops.text import default_lang, key, localize, parse_lang


@pytest.mark.parametrize(
    ("a", "b"),
    [("策劃主管", "策划主管"), ("電商部經理", "电商部经理"), ("  王 芳 ", "王 芳"),
     ("Copywriter", "copywriter"), ("ＡＢＣ", "abc"), ("張偉", "张伟")],
)
def test_names_match_across_scripts_width_and_case(a, b):
    assert key(a) == key(b)


def test_different_names_stay_different():
    assert key("王芳") != key("王方")


@pytest.mark.parametrize(
    ("value", "lang"),
    [("en", "en"), ("EN", "en"), ("zh", "zh"), ("zh-Hant", "zh"), ("zh_TW", "zh"),
     ("zh-hans", "zh-hans"), ("zh-CN", "zh-hans")],
)
def test_parse_lang(value, lang):
    assert parse_lang(value) == lang


def test_unknown_lang_is_a_clear_error():
    with pytest.raises(InvalidInput, match="use --lang en, zh or zh-hans"):
        parse_lang("fr")


@pytest.mark.parametrize(
    ("env", "lang"),
    [({}, "en"), ({"LANG": "zh_CN.UTF-8"}, "zh-hans"), ({"LANG": "zh_TW.UTF-8"}, "zh"),
     ({"LANG": "en_US.UTF-8"}, "en"), ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US"}, "zh-hans"),
     ({"ECOMOPS_LANG": "zh", "LANG": "en_US"}, "zh")],
)
def test_default_lang_from_environment(env, lang):
    assert default_lang(env) == lang


def test_localize():
    assert localize("電商部", "E-commerce", "en") == "E-commerce"
    assert localize("電商部", "E-commerce", "zh") == "電商部"
    assert localize("電商部", "E-commerce", "zh-hans") == "电商部"
