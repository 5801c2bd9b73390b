"""Settings: one object, loaded once per command (:func:`load`), that every command reads.

Every setting is a key of a section of ``config.toml`` (in the user's config directory, or the
file ``ECOMOPS_CONFIG`` names)::

    [database]                  # where the data is (default: ecomops.db in the data directory)
    file = "/srv/ecomops/ecomops.db"
    # url = "postgresql:///?service=ecomops"   # a PostgreSQL database instead

    [display]
    lang = "zh-hans"            # en, zh (the manual's characters) or zh-hans

    [smtp]                      # the mail server for plans and reminders
    host = "smtp.example.cn"
    port = 587                  # default: 465 with tls, else 25
    user = "plans@example.cn"
    password = "…"
    from = "plans@example.cn"   # default: the user
    starttls = true             # default: on whenever a user or password is set
    tls = false                 # implicit TLS from the first byte (port 465)
    insecure = false            # allow a login over an unencrypted connection (never do)
    cafile = "/etc/ssl/company-ca.pem"   # a company's own certificate authority

    [imap]                      # the department head's mailbox, which `plan collect` reads
    host = "imap.example.cn"
    user = "zhangwei@example.cn"
    password = "…"
    folder = "INBOX"
    tls = true                  # implicit TLS (port 993); else STARTTLS (port 143)
    max_bytes = 5242880         # a larger message is listed, not read

    [webhook]                   # the group robot
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"   # https (http: 127.0.0.1)
    kind = "wecom"              # wecom, dingtalk or feishu (default: told by the URL's host)
    secret = "SEC…"             # the signing secret of a DingTalk or Feishu robot, if set

    [plans]
    send = true                 # mail every submitted plan to the department head

    [remind]
    plan_hour = 10              # `ecomops remind` sends on working days from this hour (0-23)

    [network]
    timeout = 30                # seconds: a connection, a greeting and each reply of a mail
                                # server, a robot's whole answer, a PostgreSQL connect

One rule for the environment: ``ECOMOPS_<SECTION>_<KEY>`` overrides ``[section] key``
(``ECOMOPS_SMTP_HOST``, ``ECOMOPS_IMAP_MAX_BYTES``, ``ECOMOPS_DATABASE_URL``); the names the
tool had before this file could hold everything are aliases of theirs (:data:`KEYS`:
``ECOMOPS_DB``, ``ECOMOPS_LANG``, ``ECOMOPS_SEND_PLANS``). A command's option (``--db``,
``--database-url``, ``--lang``) wins over both: option > environment > file > default, and
each value remembers where it came from (:class:`Setting`). A value of the wrong type is one
line naming the key and where it was set; an unknown section or key of the file is a warning.

Nothing here imports the ORM, YAML or Pydantic: every command loads it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ecomops.errors import InvalidInput

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

#: where a value came from, weakest first
DEFAULT, FILE, ENVIRONMENT, OPTION = "default", "file", "environment", "option"
_RANK = {DEFAULT: 0, FILE: 1, ENVIRONMENT: 2, OPTION: 3}

#: how long a network exchange may take, in seconds (``[network] timeout``)
NETWORK_TIMEOUT_S = 30.0

#: the largest message ``plan collect`` reads (``[imap] max_bytes``)
IMAP_MAX_BYTES = 5 * 1024 * 1024
#: the hour from which ``ecomops remind`` sends on a working day (``[remind] plan_hour``)
DEFAULT_PLAN_HOUR = 10
WEBHOOK_KINDS = ("wecom", "dingtalk", "feishu")
#: the robots' hosts, for telling the kind from the URL
_WEBHOOK_HOSTS = {
    "qyapi.weixin.qq.com": "wecom",
    "oapi.dingtalk.com": "dingtalk",
    "open.feishu.cn": "feishu",
    "open.larksuite.com": "feishu",
}
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Key:
    """One setting: ``[section] name`` in the file, of a ``kind`` (how its text is read),
    with the environment variables (``ECOMOPS_<SECTION>_<NAME>``, then ``aliases``) and the
    command-line ``option`` that set it. ``secret``: ``all`` (never shown) or ``url`` (shown
    without its password, key or token)."""

    section: str
    name: str
    kind: str
    meaning: str
    default: Any = None
    #: how the default reads when it is worked out from other settings
    default_text: str | None = None
    aliases: tuple[str, ...] = ()
    option: str | None = None
    secret: str = ""

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def env(self) -> tuple[str, ...]:
        return (f"ECOMOPS_{self.section.upper()}_{self.name.upper()}", *self.aliases)


KEYS: tuple[Key, ...] = (
    Key(
        "database", "file", "path", "the SQLite database file",
        default_text="ecomops.db in the data directory (~/.local/share/ecomops/ on Linux)",
        aliases=("ECOMOPS_DB",), option="--db",
    ),
    Key(
        "database", "url", "text",
        "a database URL instead of the file, e.g. postgresql:///?service=ecomops (the URL "
        "wins over a file set at the same level)",
        option="--database-url", secret="url",
    ),
    Key(
        "display", "lang", "lang",
        "the language of handbook text, tables and messages: en, zh (the manual's "
        "characters) or zh-hans",
        default_text="the locale (zh_CN → zh-hans, zh_TW → zh), else en",
        aliases=("ECOMOPS_LANG",), option="--lang",
    ),
    Key("smtp", "host", "text", "the mail server for plans and reminders (none: no e-mail)"),
    Key("smtp", "port", "port", "its port", default_text="465 with tls, else 25"),
    Key("smtp", "user", "text", "the login"),
    Key("smtp", "password", "text", "the login's password", secret="all"),
    Key("smtp", "from", "text", "the sender's address", default_text="the user"),
    Key(
        "smtp", "starttls", "bool", "STARTTLS before the login",
        default_text="on whenever a user or password is set",
    ),
    Key("smtp", "tls", "bool", "implicit TLS from the first byte (port 465)", default=False),
    Key(
        "smtp", "insecure", "bool", "allow a login over an unencrypted connection (never do)",
        default=False,
    ),
    Key("smtp", "cafile", "path", "a company's own certificate authority (a PEM file)"),
    Key("imap", "host", "text", "the department head's mailbox that plan collect reads"),
    Key("imap", "port", "port", "its port", default_text="993 with tls, else 143"),
    Key("imap", "user", "text", "the login"),
    Key("imap", "password", "text", "the login's password", secret="all"),
    Key("imap", "folder", "text", "the folder read", default="INBOX"),
    Key("imap", "tls", "bool", "implicit TLS (port 993); otherwise STARTTLS", default=False),
    Key(
        "imap", "starttls", "bool", "STARTTLS before the login",
        default_text="on unless insecure",
    ),
    Key(
        "imap", "insecure", "bool", "allow a plain-text connection (never over a network you "
        "do not own)", default=False,
    ),
    Key("imap", "cafile", "path", "a company's own certificate authority (a PEM file)"),
    Key(
        "imap", "max_bytes", "count", "the largest message read (a larger one is listed)",
        default=IMAP_MAX_BYTES,
    ),
    Key(
        "webhook", "url", "text",
        "the group robot's webhook address, https (its key is never shown)", secret="url",
    ),
    Key(
        "webhook", "kind", "robot", "wecom (企业微信), dingtalk (钉钉) or feishu (飞书)",
        default_text="told by the URL's host",
    ),
    Key(
        "webhook", "secret", "text", "the signing secret of a DingTalk or Feishu robot",
        secret="all",
    ),
    Key(
        "plans", "send", "bool", "mail every submitted plan to the department head",
        default=False, aliases=("ECOMOPS_SEND_PLANS",),
    ),
    Key(
        "remind", "plan_hour", "hour",
        "the hour from which remind sends on a working day (0-23)", default=DEFAULT_PLAN_HOUR,
    ),
    Key(
        "network", "timeout", "seconds",
        "seconds a connection, a greeting and each whole reply of a mail server, a robot's "
        "whole answer, or a PostgreSQL connect may take", default=NETWORK_TIMEOUT_S,
    ),
)
BY_NAME: dict[str, Key] = {k.dotted: k for k in KEYS}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(k.section for k in KEYS))
#: the command-line parameters that set a key (``--db`` → ``database.file``)
OPTIONS = {"db": "database.file", "database_url": "database.url", "lang": "display.lang"}


@dataclass(frozen=True)
class Setting:
    """One setting in force: its value (typed; None: not set), where it came from (``source``:
    default, file, environment or option) and which file, variable or option it was
    (``origin``)."""

    key: Key
    value: Any
    source: str = DEFAULT
    origin: str | None = None

    @property
    def given(self) -> bool:
        return self.source != DEFAULT

    def where(self) -> str:
        """``default``, ``file (/path/config.toml)``, ``environment (ECOMOPS_SMTP_HOST)``,
        ``option (--db)``."""
        return f"{self.source} ({self.origin})" if self.origin else self.source

    def name(self) -> str:
        """The setting as the one who set it wrote it, for messages."""
        if self.source == FILE:
            return f"[{self.key.section}] {self.key.name} in {self.origin}"
        if self.source in (ENVIRONMENT, OPTION) and self.origin:
            return self.origin
        return f"[{self.key.section}] {self.key.name}"

    def shown(self) -> Any:
        """The value as it may be shown: a secret masked."""
        if self.value is None or not self.key.secret:
            return self.value
        return mask_url(str(self.value)) if self.key.secret == "url" else "***"


# --- reading values ----------------------------------------------------------------------------


class _Bad(ValueError):
    """A value that is not of its key's kind: what it is not, and what to give."""

    def __init__(self, what: str, hint: str) -> None:
        super().__init__(what)
        self.what, self.hint = what, hint


def _whole(raw: Any, what: str, hint: str, ok: Callable[[int], bool]) -> int:
    if isinstance(raw, bool) or isinstance(raw, float):
        raise _Bad(what, hint)
    try:
        number = int(str(raw).strip())
    except ValueError:
        raise _Bad(what, hint) from None
    if not ok(number):
        raise _Bad(what, hint)
    return number


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if isinstance(raw, int | str) and text in _TRUE:
        return True
    if isinstance(raw, int | str) and text in _FALSE:
        return False
    raise _Bad("is not true or false", "write true or false")


def _text(raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise _Bad("is not text", 'write it in double quotes: "…"')
    return str(raw).strip()


def convert(key: Key, raw: Any) -> Any:
    """``raw`` (a string from the environment, a TOML value from the file) as ``key``'s kind;
    None for an empty text. Raises :class:`_Bad`."""
    kind = key.kind
    if kind == "bool":
        return _flag(raw)
    if kind == "port":
        return _whole(raw, "is not a port number", "give a number from 1 to 65535",
                      lambda n: 0 < n < 65536)
    if kind == "hour":
        return _whole(raw, "is not an hour", "give one from 0 to 23", lambda n: 0 <= n <= 23)
    if kind == "seconds":
        if isinstance(raw, bool):
            raise _Bad("is not a number of seconds", "give one from 0.1 to 3600 (default 30)")
        try:
            seconds = float(str(raw).strip())
        except ValueError:
            seconds = float("nan")
        if not 0.1 <= seconds <= 3600:  # NaN fails this too
            raise _Bad("is not a number of seconds", "give one from 0.1 to 3600 (default 30)")
        return seconds
    if kind == "count":
        return _whole(raw, "is not a positive number of bytes", "give a whole number above 0",
                      lambda n: n > 0)
    text = _text(raw)
    if not text:
        return None
    if kind == "path":
        return os.path.expanduser(text)
    if kind == "lang":
        from ecomops.text import LANGS, parse_lang

        try:
            return parse_lang(text)
        except InvalidInput:
            raise _Bad("is not a language", f"use {', '.join(LANGS)}") from None
    if kind == "robot":
        if text.lower() not in WEBHOOK_KINDS:
            raise _Bad("is not a robot this tool knows", "use wecom, dingtalk or feishu")
        return text.lower()
    return text


def _refuse(key: Key, raw: Any, bad: _Bad, source: str, origin: str) -> InvalidInput:
    shown = "(hidden)" if key.secret else _toml(raw)
    if source == FILE:
        return InvalidInput(
            f"[{key.section}] {key.name} = {shown} in {origin} {bad.what}", bad.hint
        )
    return InvalidInput(f"{origin}={shown} {bad.what}", bad.hint)


def _toml(raw: Any) -> str:
    """A value as TOML (and a shell) would write it, cut short."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        import json

        text = json.dumps(raw if len(raw) <= 60 else raw[:60] + "…", ensure_ascii=False)
        return text
    if isinstance(raw, dict):
        return "{…}"
    if isinstance(raw, list):
        return "[…]"
    return str(raw)


def mask_url(url: str) -> str:
    """``url`` with its password, and any key, token, secret or password in its query or in a
    robot's ``/hook/`` path, shown as ``***`` (the rest as written)."""
    import re

    m = re.match(r"([A-Za-z][\w+.-]*://)([^/?#]*)(.*)", url, re.S)
    head, rest = (m.group(1), m.group(3)) if m else ("", url)
    authority = m.group(2) if m else ""
    if "@" in authority:
        login, host = authority.rsplit("@", 1)
        if ":" in login:
            login = login.split(":", 1)[0] + ":***"
        authority = f"{login}@{host}"
    rest = re.sub(r"(?i)([?&;](?:access_)?(?:token|key|secret|sign|password)=)[^&#;]*",
                  r"\1***", rest)
    rest = re.sub(r"(/hook/)[^/?#]+", r"\1***", rest)
    return head + authority + rest


# --- the file --------------------------------------------------------------------------------


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The settings file: ``ECOMOPS_CONFIG``, else ``config.toml`` in the config directory."""
    env = os.environ if environ is None else environ
    if env.get("ECOMOPS_CONFIG"):
        return Path(env["ECOMOPS_CONFIG"]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("ecomops", appauthor=False) / "config.toml"


def default_database_file() -> Path:
    """``ecomops.db`` in the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("ecomops", appauthor=False) / "ecomops.db"


def _read(path: Path) -> tuple[dict, bool]:
    """The file's tables, and whether it is there."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, False
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidInput(f"cannot read the settings file {path}: {detail}") from None
    try:
        return tomllib.loads(text), True
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(
            f"the settings file {path} is not valid TOML: {exc}",
            'write it as [section] lines and key = value lines (text in "double quotes")',
        ) from None


def _closest(word: str, choices: list[str]) -> str | None:
    from difflib import get_close_matches

    near = get_close_matches(word, choices, n=1)
    return near[0] if near else None


def _guess(word: str, choices: list[str]) -> str:
    near = _closest(word, choices)
    return f" (did you mean {near}?)" if near else ""


def _from_file(table: dict, path: Path) -> tuple[dict[str, Setting], list[str]]:
    given: dict[str, Setting] = {}
    warnings: list[str] = []
    origin = str(path)
    for section, body in table.items():
        if section not in SECTIONS:
            if isinstance(body, dict):
                near = _closest(section, list(SECTIONS))
                guess = f" (did you mean [{near}]?)" if near else ""
                warnings.append(f"{path}: unknown section [{section}]{guess}; ignored")
            else:
                warnings.append(f"{path}: unknown key {section} outside any section; ignored")
            continue
        if not isinstance(body, dict):
            raise InvalidInput(
                f"{section} = {_toml(body)} in {path} is not a section",
                f"write it as a [{section}] line with its keys below",
            )
        names = [k.name for k in KEYS if k.section == section]
        for name, raw in body.items():
            key = BY_NAME.get(f"{section}.{name}")
            if key is None:
                warnings.append(
                    f"{path}: unknown key {name} in [{section}]{_guess(name, names)}; ignored"
                )
                continue
            try:
                value = convert(key, raw)
            except _Bad as bad:
                raise _refuse(key, raw, bad, FILE, origin) from None
            if value is not None and key.kind == "path" and not os.path.isabs(value):
                value = str(path.parent / value)  # in the file: beside the file, whoever runs
            if value is not None:
                given[key.dotted] = Setting(key, value, FILE, origin)
    return given, warnings


def _from_environment(env: Mapping[str, str]) -> tuple[dict[str, Setting], list[str]]:
    given: dict[str, Setting] = {}
    for key in KEYS:
        for name in key.env:
            raw = env.get(name)
            if raw is None or not raw.strip():
                continue  # an empty variable is not set
            try:
                value = convert(key, raw)
            except _Bad as bad:
                raise _refuse(key, raw, bad, ENVIRONMENT, name) from None
            given[key.dotted] = Setting(key, value, ENVIRONMENT, name)
            break
    known = {n for k in KEYS for n in k.env}
    prefixes = tuple(f"ECOMOPS_{s.upper()}_" for s in SECTIONS)
    warnings = [
        f"unknown setting {name} in the environment{_guess(name, sorted(known))}; ignored"
        for name in sorted(env)
        if name.startswith(prefixes) and name not in known
    ]
    return given, warnings


# --- the settings object -----------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseChoice:
    """The database in force: a SQLite ``file`` or a ``url`` (one of them), the setting
    that chose it, and whether it is the default file."""

    file: str | None
    url: str | None
    setting: Setting

    @property
    def is_default(self) -> bool:
        return not self.setting.given

    def shown(self) -> str:
        return self.file if self.file is not None else mask_url(self.url or "")


@dataclass(frozen=True)
class Settings:
    """Every setting in force (see the module's docstring): :meth:`setting` says where each
    came from; the typed views (:attr:`smtp`, :attr:`imap`, :attr:`webhook`,
    :attr:`database`, :attr:`lang` …) are what the commands pass to the services."""

    #: the settings file read (or looked for)
    file: Path
    #: whether it was there
    found: bool = False
    #: the settings given (by the file, the environment or an option), by ``section.key``
    given: Mapping[str, Setting] = field(default_factory=dict)
    #: unknown sections and keys, one line each
    warnings: tuple[str, ...] = ()
    #: the language of the locale, and the variable that told it (None: no locale set)
    locale: tuple[str, str | None] = ("en", None)

    # -- each setting

    def setting(self, dotted: str) -> Setting:
        """The setting ``section.key`` in force: given, or its default (worked out from the
        others where it depends on them)."""
        if dotted in self.given:
            return self.given[dotted]
        key = BY_NAME[dotted]
        value, origin = self._default(key)
        return Setting(key, value, DEFAULT, origin)

    def value(self, dotted: str) -> Any:
        return self.setting(dotted).value

    def all(self) -> list[Setting]:
        """Every setting, in the order of :data:`KEYS`."""
        return [self.setting(k.dotted) for k in KEYS]

    def _default(self, key: Key) -> tuple[Any, str | None]:
        v = self.value
        match key.dotted:
            case "database.file":
                return str(default_database_file()), None
            case "display.lang":
                lang, var = self.locale
                return lang, (f"the locale, {var}" if var else None)
            case "smtp.port":
                return (465 if v("smtp.tls") else 25), None
            case "smtp.from":
                host = v("smtp.host")
                return v("smtp.user") or (f"ecomops@{host}" if host else None), None
            case "smtp.starttls":
                return bool(v("smtp.user") or v("smtp.password")), None
            case "imap.port":
                return (993 if v("imap.tls") else 143), None
            case "imap.starttls":
                return not v("imap.insecure"), None
            case "webhook.kind":
                return _robot_of(v("webhook.url")), None
        return key.default, None

    def with_options(self, **params: str | None) -> Settings:
        """These settings with a command's options (``db``, ``database_url``, ``lang``: see
        :data:`OPTIONS`) on top; an option left out (None) changes nothing."""
        given = dict(self.given)
        for param, raw in params.items():
            if raw is None:
                continue
            key = BY_NAME[OPTIONS[param]]
            flag = key.option or param
            if key.kind == "lang":
                from ecomops.text import parse_lang

                value: Any = parse_lang(raw)
            else:
                value = raw  # an empty --db is refused where the database is opened
            given[key.dotted] = Setting(key, value, OPTION, flag)
        return replace(self, given=given)

    # -- typed views

    @property
    def lang(self) -> str:
        return str(self.value("display.lang"))

    @property
    def send_plans(self) -> bool:
        return bool(self.value("plans.send"))

    @property
    def plan_hour(self) -> int:
        return int(self.value("remind.plan_hour"))

    @property
    def timeout(self) -> float:
        """Seconds a network exchange may take (``[network] timeout``)."""
        return float(self.value("network.timeout"))

    @property
    def database(self) -> DatabaseChoice:
        """The database in force: the file or the URL given at the strongest level (option,
        environment, file); at one level the URL wins; neither given: the default file."""
        url, file = self.setting("database.url"), self.setting("database.file")
        if url.given and file.given and url.source == file.source == OPTION:
            raise InvalidInput(f"{file.origin} and {url.origin} both given", "use one of them")
        if url.given and _RANK[url.source] >= _RANK[file.source]:
            return DatabaseChoice(None, url.value, url)
        return DatabaseChoice(file.value, None, file)

    @property
    def smtp(self) -> Smtp | None:
        """The mail server, or None when no host is set."""
        v = self.value
        if not v("smtp.host"):
            return None
        tls = bool(v("smtp.tls"))
        return Smtp(
            host=v("smtp.host"),
            port=v("smtp.port"),
            user=v("smtp.user"),
            sender=v("smtp.from"),
            # a login is never sent in the clear unless asked: STARTTLS is on with one
            starttls=not tls and bool(v("smtp.starttls")),
            password=v("smtp.password"),
            tls=tls,
            insecure=bool(v("smtp.insecure")),
            cafile=v("smtp.cafile"),
            timeout=self.timeout,
        )

    @property
    def imap(self) -> Imap | None:
        """The department head's mailbox, or None when no host is set."""
        v = self.value
        if not v("imap.host"):
            return None
        tls = bool(v("imap.tls"))
        return Imap(
            host=v("imap.host"),
            port=v("imap.port"),
            user=v("imap.user"),
            folder=v("imap.folder"),
            tls=tls,
            starttls=not tls and bool(v("imap.starttls")),
            password=v("imap.password"),
            insecure=bool(v("imap.insecure")),
            cafile=v("imap.cafile"),
            max_bytes=v("imap.max_bytes"),
            timeout=self.timeout,
        )

    @property
    def webhook(self) -> Webhook | None:
        """The group robot, or None when no URL is set; a URL that is not https (but on this
        machine), or whose robot cannot be told, is refused."""
        from urllib.parse import urlsplit

        setting = self.setting("webhook.url")
        url = setting.value
        if not url:
            return None
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            parts, host = None, ""
        if parts is None or parts.scheme not in ("https", "http") or not host:
            raise InvalidInput(
                f"{setting.name()} is not an http(s) URL", "copy the robot's webhook address"
            )
        if parts.scheme != "https" and host not in _LOOPBACK:
            raise InvalidInput(
                f"the webhook URL for {host} is not https: its key would travel in the clear",
                "use the https:// address the robot gives",
            )
        kind = self.value("webhook.kind")
        if not kind:
            raise InvalidInput(
                f"cannot tell which robot {host} is",
                "set [webhook] kind (ECOMOPS_WEBHOOK_KIND) to wecom, dingtalk or feishu",
            )
        return Webhook(url, kind, self.value("webhook.secret"), timeout=self.timeout)


def _robot_of(url: str | None) -> str | None:
    from urllib.parse import urlsplit

    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return _WEBHOOK_HOSTS.get(host)


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings of ``config.toml`` and the environment (``environ``, default
    ``os.environ``); a value of the wrong type is one line (:class:`InvalidInput`) naming
    the key and where it was set."""
    from ecomops.text import locale_lang

    env = os.environ if environ is None else environ
    path = config_path(env)
    table, found = _read(path)
    given, warnings = _from_file(table, path)
    from_env, env_warnings = _from_environment(env)
    given.update(from_env)
    if found and {"database.file", "database.url"} <= {
        k for k, s in given.items() if s.source == FILE
    }:
        warnings.append(f"{path}: [database] has both file and url; the url is used")
    return Settings(
        file=path,
        found=found,
        given=given,
        warnings=(*warnings, *env_warnings),
        locale=locale_lang(env),
    )


# --- what the services take ------------------------------------------------------------------


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    user: str | None
    sender: str
    starttls: bool
    password: str | None = field(default=None, repr=False)  # never printed
    #: implicit TLS (SMTPS, port 465) instead of plain SMTP
    tls: bool = False
    #: a login over an unencrypted connection is allowed (``[smtp] insecure``)
    insecure: bool = False
    cafile: str | None = None
    #: seconds for a connection, a greeting and each reply (``[network] timeout``)
    timeout: float = NETWORK_TIMEOUT_S

    @property
    def encrypted(self) -> bool:
        return self.tls or self.starttls

    def describe(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Webhook:
    """The group robot: its URL (which carries its key: never printed), kind and signing
    secret (never printed)."""

    url: str = field(repr=False)
    kind: str
    secret: str | None = field(default=None, repr=False)
    #: seconds for the whole exchange: connection, request and answer (``[network] timeout``)
    timeout: float = NETWORK_TIMEOUT_S

    def describe(self) -> str:
        """The robot as messages name it: scheme, host and kind, never the key."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]} ({self.kind})"


@dataclass(frozen=True)
class Imap:
    """The department head's mailbox that ``plan collect`` reads (``[imap]``)."""

    host: str
    port: int
    user: str | None
    folder: str
    tls: bool
    starttls: bool
    password: str | None = field(default=None, repr=False)  # never printed
    #: a login over an unencrypted connection is allowed (``[imap] insecure``)
    insecure: bool = False
    cafile: str | None = None
    max_bytes: int = IMAP_MAX_BYTES
    #: seconds for a connection, a greeting and each reply (``[network] timeout``)
    timeout: float = NETWORK_TIMEOUT_S

    @property
    def encrypted(self) -> bool:
        return self.tls or self.starttls

    def describe(self) -> str:
        return f"{self.host}:{self.port}"


def network_timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds a connection, a greeting and each reply of a mail server, a robot's whole
    answer, or a PostgreSQL connect may take (``[network] timeout``, ECOMOPS_NETWORK_TIMEOUT;
    default 30): counted for the whole reply, however slowly its bytes arrive."""
    return load(environ).timeout
