"""Messages in the user's language, from GNU gettext catalogs (``ecomops/locale``).

One catalog per language: ``locale/<dir>/LC_MESSAGES/ecomops.po``, edited by translators and
compiled to ``ecomops.mo`` by the build (``hatch_build.py``); a checkout without the compiled
file (or with one older than its ``.po``) reads the ``.po`` itself. docs/translating.md says how
to extract, update and compile them.

The language is chosen once per command line (:func:`use`, from ``--lang``); without one, it is
the settings' (``ECOMOPS_LANG``, ``[display] lang`` in config.toml, then the locale: ``LC_ALL``,
``LC_MESSAGES``, ``LANG``). Nothing here imports more than the standard library, so ``--help``
stays cheap.

Two ways in:

* ``_("text {name}").format(name=...)`` and ``ngettext(singular, plural, n)`` where the code
  builds a message;
* :func:`translate` at the edge (errors, hints, notes), for a message the services built in
  English with an f-string: the extractor (:mod:`ecomops._extract`) records the f-string as a
  template (``no person named {name}``), and :func:`translate` matches the English message
  against the templates and fills the translation with the same values.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "ecomops"
#: the language (as ``--lang`` names it) → its catalog's directory
DIRS = {"en": "en", "zh": "zh", "zh-hans": "zh_Hans"}

#: the language chosen for the messages that follow (None: the settings'). A context
#: variable, not a Click context: the services translate too (``translate``, ``gettext``),
#: below the command line and without its context, and a library caller may run
#: departments in different languages in threads or tasks, each in its own context.
_CHOSEN: ContextVar[str | None] = ContextVar("ecomops.i18n.lang", default=None)


def use(lang: str | None) -> None:
    """Choose the language of the messages that follow, in this context (thread, task):
    None: the settings' default."""
    _CHOSEN.set(lang)


def current() -> str:
    """The language of messages now: the one chosen by :func:`use`, else the settings'."""
    lang = _CHOSEN.get()
    if lang is None:
        lang = default_lang(os.environ)
    return lang


def default_lang(environ: Mapping[str, str]) -> str:
    """The settings' language: ``ECOMOPS_LANG``, ``[display] lang`` in config.toml, then
    the locale (a broken setting counts as unset here: the command reports it)."""
    keys = ("ECOMOPS_LANG", "ECOMOPS_DISPLAY_LANG", "ECOMOPS_CONFIG", "XDG_CONFIG_HOME", "HOME",
            "APPDATA", "LC_ALL", "LC_MESSAGES", "LANG")
    return _default_lang(tuple((k, environ.get(k)) for k in keys))


@lru_cache(maxsize=8)
def _default_lang(env: tuple[tuple[str, str | None], ...]) -> str:
    from ecomops.text import locale_lang, parse_lang

    given = dict(env)
    explicit = given.get("ECOMOPS_LANG")
    if explicit:
        try:
            return parse_lang(explicit)
        except Exception:
            return "en"
    try:
        from ecomops.config import load

        return str(load().lang)
    except Exception:
        return locale_lang({k: v for k, v in given.items() if v})[0]


class Catalog:
    """A compiled catalog: ``messages`` maps a msgid (or ``(context, msgid)``) to its
    msgstr, or to the list of its plural forms; ``plural`` picks the form for a number."""

    def __init__(self, messages: dict, plural: Callable[[int], int]) -> None:
        self.messages = messages
        self.plural = plural

    def get(self, msgid: str, context: str | None = None) -> str | None:
        found = self.messages.get(msgid if context is None else (context, msgid))
        if isinstance(found, list):
            found = found[0]
        return found or None

    def nget(self, singular: str, plural: str, n: int) -> str | None:
        forms = self.messages.get(singular)
        if not isinstance(forms, list) or not all(forms):
            return None
        return forms[min(self.plural(n), len(forms) - 1)]


def catalog_files(lang: str) -> tuple[Path, Path]:
    base = LOCALE_DIR / DIRS[lang] / "LC_MESSAGES"
    return base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"


@lru_cache(maxsize=4)
def catalog(lang: str) -> Catalog:
    """The catalog of ``lang``: the compiled ``.mo`` if it is as new as its ``.po``, else
    the ``.po`` read directly (a checkout that was never built)."""
    po, mo = catalog_files(lang)
    try:  # (an install writes both at once, in either order)
        fresh = mo.stat().st_mtime + 2 >= po.stat().st_mtime
    except OSError:
        fresh = mo.exists()
    if fresh:
        with mo.open("rb") as f:
            t = _gettext.GNUTranslations(f)
        raw = t._catalog  # type: ignore[attr-defined]
        messages: dict = {}
        for key, value in raw.items():
            if isinstance(key, tuple):  # plural forms: (msgid, n)
                messages.setdefault(key[0], []).append((key[1], value))
            elif "\x04" in key:
                ctx, msgid = key.split("\x04", 1)
                messages[(ctx, msgid)] = value
            elif key:
                messages[key] = value
        for key, value in messages.items():
            if isinstance(value, list):
                messages[key] = [v for _, v in sorted(value)]
        return Catalog(messages, t.plural)  # type: ignore[attr-defined]
    if not po.exists():
        return Catalog({}, lambda n: int(n != 1))
    return read_po(po.read_text(encoding="utf-8"))


def read_po(text: str) -> Catalog:
    """A ``.po`` file's translations (fuzzy ones left out, as msgfmt does)."""
    messages: dict = {}
    header = ""
    entry: dict[str, list[str]] = {}
    field: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal header, fuzzy
        if "msgid" in entry:
            msgid = "".join(entry["msgid"])
            ctx = "".join(entry["msgctxt"]) if "msgctxt" in entry else None
            forms = sorted(k for k in entry if k.startswith("msgstr["))
            if forms:
                value: object = ["".join(entry[k]) for k in forms]
            else:
                value = "".join(entry.get("msgstr", []))
            if msgid == "" and ctx is None:
                header = str(value)
            elif not fuzzy:
                messages[msgid if ctx is None else (ctx, msgid)] = value
        entry.clear()
        fuzzy = False

    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            if "msgid" in entry:  # the comments of the next entry
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if field is not None:
                entry[field].append(_unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if "msgid" in entry and keyword in ("msgctxt", "msgid"):
            flush()
        field = keyword
        entry[field] = [_unquote(rest)]
    flush()
    return Catalog(messages, _plural_of(header))


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")


def _unquote(text: str) -> str:
    """A .po string's text (``"a \\"b\\"\\n"`` → ``a "b"`` and a newline)."""
    text = text.strip()[1:-1]
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def _plural_of(header: str) -> Callable[[int], int]:
    match = re.search(r"plural=([^;\n]+)", header)
    if match is None:
        return lambda n: int(n != 1)
    return _gettext.c2py(match.group(1).strip())


def gettext(message: str) -> str:
    """``message`` in the current language (as it is when it has no translation)."""
    lang = current()
    if lang == "en":
        return message
    return catalog(lang).get(message) or message


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the number ``n`` in the current language."""
    lang = current()
    if lang != "en":
        found = catalog(lang).nget(singular, plural, n)
        if found:
            return found
    return singular if n == 1 else plural


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, where the same English has more than one
    translation (``context``: the place it is used)."""
    return pgettext_in(current(), context, message)


def pgettext_in(lang: str, context: str, message: str) -> str:
    if lang == "en":
        return message
    return catalog(lang).get(message, context) or message


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is shown."""
    return message


# --- the edge: English messages built by the services, matched against the templates -------

_FIELD = re.compile(r"\{\{|\}\}|\{(\w+)(![rsa])?(:[^{}]*)?\}")


def _template_regex(template: str) -> re.Pattern[str] | None:
    parts: list[str] = []
    pos = 0
    names: set[str] = set()
    literal = 0
    fields = list(_FIELD.finditer(template))
    for i, m in enumerate(fields):
        text = template[pos:m.start()]
        literal += len(text.strip())
        parts.append(re.escape(text))
        if m.group(0) in ("{{", "}}"):
            parts.append(re.escape(m.group(0)[0]))
            literal += 1
        else:
            name = m.group(1)
            # two fields side by side ({doing}{what_if_what_else}): the second is the optional
            # tail an f-string adds ("" or " …"), so the first takes all it can
            before = i > 0 and fields[i - 1].end() == m.start() and fields[i - 1].group(1)
            after = i + 1 < len(fields) and fields[i + 1].start() == m.end() and (
                fields[i + 1].group(1)
            )
            if name in names:
                parts.append(f"(?P={name})")
            else:
                names.add(name)
                pattern = ".*?" if before else (".+" if after else ".+?")
                parts.append(f"(?P<{name}>{pattern})")
        pos = m.end()
    rest = template[pos:]
    literal += len(rest.strip())
    parts.append(re.escape(rest))
    if not names or literal < 3:
        return None
    try:
        return re.compile("".join(parts), re.DOTALL)
    except re.error:
        return None


@lru_cache(maxsize=4)
def _templates(lang: str) -> list[tuple[str, str, str]]:
    """The catalog's templates (msgids with placeholders) that have a translation, the most
    specific (the most literal text) first, each with its longest piece of literal text (a
    message without it cannot match: no regular expression is built for it)."""
    found = []
    for msgid, msgstr in catalog(lang).messages.items():
        if not isinstance(msgid, str) or "{" not in msgid:
            continue
        text = msgstr[0] if isinstance(msgstr, list) else msgstr
        if not text:
            continue
        pieces = [p for p in _FIELD.sub("\x00", msgid).split("\x00")]
        literal = [p.replace("{{", "{").replace("}}", "}") for p in pieces]
        weight = sum(len(p.strip()) for p in literal)
        if weight < 3:
            continue
        found.append((weight, msgid, max(literal, key=len), text))
    found.sort(key=lambda t: -t[0])
    return [(m, clue, t) for _, m, clue, t in found]


@lru_cache(maxsize=4096)
def _compiled(template: str) -> re.Pattern[str] | None:
    return _template_regex(template)


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with its fields replaced by the text of ``values`` (as they were shown)."""

    def one(m: re.Match[str]) -> str:
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        return values.get(m.group(1), m.group(0))

    return _FIELD.sub(one, template)


def translate(text: str, lang: str | None = None, _depth: int = 0) -> str:
    """An English message (built by the code) in ``lang`` (default: the current language):
    its own translation, else the translation of the template it was built from, with its
    values; unknown messages stay as they are."""
    lang = lang or current()
    if lang == "en" or not text:
        return text
    cat = catalog(lang)
    exact = cat.get(text)
    if exact:
        return exact
    for template, clue, translated in _templates(lang):
        if clue not in text:
            continue
        pattern = _compiled(template)
        m = pattern.fullmatch(text) if pattern is not None else None
        if m is not None:
            values = {k: _value(v, lang, _depth) for k, v in m.groupdict().items()}
            return fill(translated, values)
    if _depth < 2:  # a message with an optional tail: f"opened …" + " (exempt from …)"
        for template, clue, translated in _templates(lang):
            if clue not in text or _FIELD.sub("", template[-3:]) != template[-3:]:
                continue  # (a template ending in a field cannot tell where it ends)
            pattern = _compiled(template)
            m = pattern.match(text) if pattern is not None else None
            if m is None or m.end() == len(text):
                continue
            tail = text[m.end():]
            shown = translate(tail, lang, _depth + 1)
            if shown != tail:
                values = {k: _value(v, lang, _depth) for k, v in m.groupdict().items()}
                return fill(translated, values) + shown
    if "; " in text:  # a message and its hint (str() of an error)
        message, hint = text.split("; ", 1)
        found = cat.get("{message}; {hint}") or "{message}; {hint}"
        return fill(found, {
            "message": translate(message, lang, _depth + 1),
            "hint": translate(hint, lang, _depth + 1),
        })
    return text


def _value(text: str, lang: str, depth: int) -> str:
    """A value inside a message: a message itself when the catalog knows it (a hint inside
    a hint, "sending failed: cannot reach …"), else as it was."""
    exact = catalog(lang).get(text)
    if exact:
        return exact
    if depth >= 2 or not any(c.isascii() and c.isalpha() for c in text):
        return text
    return translate(text, lang, depth + 1)



# --- dates and numbers as the language writes them (human output; --json keeps ISO) ----------

_WEEKDAYS_LONG = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
#: the manual writes 周 in either script (周一, not 週一)
_WEEKDAYS_SHORT = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def date_long(day, lang: str | None = None) -> str:
    """A day in full: 2026年12月7日（星期一）; in English 2026-12-07 (Mon)."""
    lang = lang or current()
    if lang == "en":
        return f"{day.isoformat()} ({day:%a})"
    return f"{day.year}年{day.month}月{day.day}日（{_WEEKDAYS_LONG[day.weekday()]}）"


def date_short(day, lang: str | None = None) -> str:
    """A day near today: 12月7日 周一; in English 7 Dec Mon."""
    lang = lang or current()
    if lang == "en":
        return f"{day.day} {day:%b %a}"
    return f"{day.month}月{day.day}日 {_WEEKDAYS_SHORT[day.weekday()]}"


def date_text(day, lang: str | None = None) -> str:
    """A day in a table or a message: ISO in English (2026-12-07), 2026年12月7日 in Chinese."""
    lang = lang or current()
    if lang == "en":
        return day.isoformat()
    return f"{day.year}年{day.month}月{day.day}日"


def datetime_text(moment, lang: str | None = None) -> str:
    """A time of day: 2026-12-07 09:00 in English, 2026年12月7日 09:00 in Chinese."""
    lang = lang or current()
    if lang == "en":
        return moment.strftime("%Y-%m-%d %H:%M")
    return f"{date_text(moment.date(), lang)} {moment:%H:%M}"


def score_text(value, lang: str | None = None) -> str:
    """A score out of 100 with one decimal: 85.0 in English, 85.0分 in Chinese."""
    lang = lang or current()
    text = f"{float(value):.1f}"
    return text if lang == "en" else f"{text}分"


_PERIOD = re.compile(r"(\d{4})(?:-(?:(\d{1,2})|W(\d{1,2})|Q([1-4])))?")


def period_text(period: str, lang: str | None = None) -> str:
    """A month, ISO week, quarter or year as the language writes it in a heading: 2026-11 →
    2026年11月, 2026-W49 → 2026年第49周, 2026-Q4 → 2026年第4季度, 2026 → 2026年; in English
    (and anything else) as it is."""
    lang = lang or current()
    m = _PERIOD.fullmatch(period) if lang != "en" else None
    if m is None:
        return period
    year, month, week, quarter = m.groups()
    if month:
        return f"{year}年{int(month)}月"
    if week:
        return f"{year}年第{int(week)}周"  # the manual writes 周 in either script
    if quarter:
        return f"{year}年第{quarter}季度"
    return f"{year}年"


def deadline_text(moment, lang: str | None = None) -> str:
    """A deadline near today: 11月30日 周一 23:59; in English 2026-11-30 23:59."""
    lang = lang or current()
    if lang == "en":
        return datetime_text(moment, lang)
    return f"{date_short(moment.date(), lang)} {moment:%H:%M}"
