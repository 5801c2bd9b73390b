"""Languages and names.

The manual is in traditional characters; users type traditional or simplified. Names are
compared by :func:`key` (NFKC, simplified, case-folded); handbook text is shown in English, in the
manual's own characters (``zh``) or converted to simplified characters (``zh-hans``).
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

from ecomops.errors import InvalidInput

_ALIASES = {
    "en": "en",
    "english": "en",
    "zh": "zh",
    "zh-hant": "zh",
    "zh-tw": "zh",
    "zh-hk": "zh",
    "zh-hans": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
}


def parse_lang(value: str) -> str:
    lang = _ALIASES.get(value.strip().lower().replace("_", "-"))
    if lang is None:
        raise InvalidInput(f"unknown language {value!r}", "use --lang en, zh or zh-hans")
    return lang


def default_lang(environ: dict[str, str] | None = None) -> str:
    """``ECOMOPS_LANG``, else the locale (``zh_CN`` → zh-hans, ``zh_TW`` → zh), else English."""
    env = os.environ if environ is None else environ
    explicit = env.get("ECOMOPS_LANG")
    if explicit:
        return parse_lang(explicit)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        loc = env.get(var)
        if not loc:
            continue
        tag = loc.split(".")[0].lower().replace("_", "-")
        if tag.startswith("zh"):
            return "zh" if tag in ("zh-tw", "zh-hk", "zh-mo") else "zh-hans"
        return "en"
    return "en"


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def localize(zh: str, en: str, lang: str) -> str:
    if lang == "en":
        return en
    if lang == "zh-hans":
        return to_simplified(zh)
    return zh


_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)  # a 10k-person report sorts by it several times
def key(name: str) -> str:
    """The form names are compared in: NFKC, trimmed, single spaces, simplified, case-folded."""
    norm = _SPACE.sub(" ", unicodedata.normalize("NFKC", name)).strip()
    if any(ord(ch) > 0x2E7F for ch in norm):
        norm = to_simplified(norm)
    return norm.casefold()
