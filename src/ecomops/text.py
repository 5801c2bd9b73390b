"""Languages and names.

The manual is in traditional characters; users type traditional or simplified. Names are
compared by :func:`key` (NFKC, simplified, case-folded); handbook text is shown in English, in the
manual's own characters (``zh``) or converted to simplified characters (``zh-hans``).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Mapping
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


#: the languages, as ``--lang`` takes them
LANGS = ("en", "zh", "zh-hans")


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """``ECOMOPS_LANG``, else the locale (``zh_CN`` → zh-hans, ``zh_TW`` → zh), else English.
    (A command's language is its settings': ``--lang``, ``ECOMOPS_LANG``, ``[display] lang``,
    the locale; see ``ecomops.config``.)"""
    env = os.environ if environ is None else environ
    explicit = env.get("ECOMOPS_LANG")
    if explicit:
        return parse_lang(explicit)
    return locale_lang(env)[0]


def locale_lang(environ: Mapping[str, str]) -> tuple[str, str | None]:
    """The language of the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``): ``zh_CN`` →
    zh-hans, ``zh_TW`` → zh, any other → en; with the variable that told it (``LANG=zh_CN.UTF-8``),
    None when no locale is set."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        loc = environ.get(var)
        if not loc:
            continue
        tag = loc.split(".")[0].lower().replace("_", "-")
        told = f"{var}={loc}"
        if tag.startswith("zh"):
            return ("zh" if tag in ("zh-tw", "zh-hk", "zh-mo") else "zh-hans"), told
        return "en", told
    return "en", None


@lru_cache(maxsize=4)
def converter(config: str):
    """OpenCC's converter ``config`` (t2s, s2t, s2tw), built once per process (~50–90 ms)."""
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return converter("t2s").convert(text)


def localize(zh: str, en: str, lang: str) -> str:
    if lang == "en":
        return en
    if lang == "zh-hans":
        return to_simplified(zh)
    return zh


_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 18)  # a 100k-person report sorts by it twice (plans, appraisal)
def key(name: str) -> str:
    """The form names are compared in: NFKC, trimmed, single spaces, simplified, case-folded."""
    norm = _SPACE.sub(" ", unicodedata.normalize("NFKC", name)).strip()
    if any(ord(ch) > 0x2E7F for ch in norm):
        norm = to_simplified(norm)
    return norm.casefold()


# Characters that must never reach an output as they are: C0 controls (ESC starts a terminal
# escape sequence), DEL, C1 controls (0x9B is a one-byte CSI to some terminals), the line and
# paragraph separators, and the bidirectional embeddings, overrides and isolates, which reorder
# the text around them on screen ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: the same, less the tab and the line feed (which ``lines`` keeps)
_UNSAFE_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029]")
_TO_SPACE = str.maketrans(dict.fromkeys("\t\n\r\x0b\x0c\x85\u2028\u2029", " "))


def _visible(match: re.Match[str]) -> str:
    o = ord(match.group())
    if o < 0x20:
        return chr(0x2400 + o)  # the Control Pictures: ␀ … ␛ (ESC) … ␟
    if o == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{o:02x}" if o <= 0xFF else f"\\u{o:04x}"


#: the longest unbroken run (a typed value) a message shows whole, and a message line's limit
CLIP_RUN = 200
CLIP_LINE = 1000
_LONG_RUN = re.compile(r"[^\s'\"“”‘’,;:，；：()（）]{" + str(CLIP_RUN + 1) + ",}")


def clip(message: str) -> str:
    """``message`` with whatever a user typed at great length cut for showing: a run of more
    than ``CLIP_RUN`` characters without a space keeps its first 100 and its count ("赵赵…
    (120000)"), and a line past ``CLIP_LINE`` characters keeps its start and end around "…".
    An error echoing a 120 KB value is one short line, and still says which value it was."""
    if len(message) <= CLIP_RUN:
        return message
    message = _LONG_RUN.sub(lambda m: f"{m[0][:100]}…({len(m[0])})", message)
    out = []
    for line in message.split("\n"):
        if len(line) > CLIP_LINE:
            line = f"{line[: CLIP_LINE - 200]}…{line[-150:]}"
        out.append(line)
    return "\n".join(out)


def cell_width() -> Callable[[str], int]:
    """The display width of a cell's text: a CJK character takes two columns (Rich's tables
    count them so), remembered for the texts that repeat (positions, managers, dates)."""
    from rich.cells import cell_len

    seen: dict[str, int] = {}

    def width(value: str) -> int:
        if value.isascii():
            return len(value)
        w = seen.get(value)
        if w is None:
            w = seen[value] = cell_len(value)
        return w

    return width


def safe(text: str, *, lines: bool = False) -> str:
    """``text`` as data any output can carry: every control character (ESC, BEL, NUL, DEL, the
    C1 controls) and every bidirectional override is replaced by a visible stand-in (ESC → ␛,
    U+202E → ``\\u202e``), so it can neither drive a terminal nor break a file.

    Tabs and line breaks become spaces; with ``lines`` (a plan's text, a message) line breaks
    stay, as ``\\n``, and so do tabs."""
    if text.isprintable():  # the usual case, in C: nothing to replace
        return text
    if lines:
        text = _LINE_BREAKS.sub("\n", text)
        return _UNSAFE_IN_LINES.sub(_visible, text)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return _UNSAFE.sub(_visible, text.translate(_TO_SPACE))


# Invisible characters a name may not hold beyond the Cc/Cf/Cs categories: the combining
# grapheme joiner, the Hangul fillers, the Khmer inherent vowels (all render as nothing).
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


def _hidden(ch: str) -> bool:
    """Whether ``ch`` shows as nothing (or breaks the line): controls, format characters, line
    and paragraph separators, variation selectors and a few blank letters."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")
        or ch in _INVISIBLE
        or 0xFE00 <= code <= 0xFE0F  # variation selectors: "Q\ufe0fZ" looks like "QZ"
        or 0xE0100 <= code <= 0xE01EF
    )


def check_name(value: str, what: str = "name", *, param: str | None = None) -> str:
    """``value`` unchanged, or :class:`InvalidInput` when it holds a control, zero-width or
    bidirectional-override character (anything of category Cc, Cf or Cs, e.g. U+200B…U+200F,
    U+202A…U+202E, U+2060…U+2064, U+2066…U+2069, U+FEFF; or another character that shows as
    nothing): "赵\\u200b海" would pass for "赵海" in every list while being someone else."""
    for i, ch in enumerate(value, start=1):
        if _hidden(ch):
            kind = "a control" if unicodedata.category(ch) == "Cc" else "an invisible"
            label = unicodedata.name(ch, "")
            shown = value if len(value) <= 40 else value[:40] + "…"
            raise InvalidInput(
                f"the {what} {shown!r} holds {kind} character, U+{ord(ch):04X}"
                + (f" {label}" if label else "")
                + f" (character {i})",
                f"type the {what} plainly",
                param=param,
            )
    return value
