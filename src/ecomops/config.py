"""Settings that are not handbook content: the SMTP server, whether plans are mailed.

Read from ``config.toml`` in the user's config directory (or the file ``ECOMOPS_CONFIG`` names)
and overridden by environment variables::

    [smtp]                      # ECOMOPS_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS,
    host = "smtp.example.cn"    # _TLS, _INSECURE, _CAFILE
    port = 587
    user = "plans@example.cn"
    password = "…"
    from = "plans@example.cn"
    starttls = true             # default: on whenever a user or password is set
    tls = false                 # implicit TLS from the first byte (port 465)
    insecure = false            # allow a login over an unencrypted connection (never do)
    cafile = "/etc/ssl/company-ca.pem"   # a company's own certificate authority

    [plans]                     # ECOMOPS_SEND_PLANS
    send = true                 # mail every submitted plan to the department head

    [remind]                    # ECOMOPS_REMIND_PLAN_HOUR
    plan_hour = 10              # `ecomops remind` sends on working days from this hour (0-23)

    [webhook]                   # ECOMOPS_WEBHOOK_URL, _KIND, _SECRET: the group robot
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"   # https (http: 127.0.0.1)
    kind = "wecom"              # wecom, dingtalk or feishu (default: told by the URL's host)
    secret = "SEC…"             # the signing secret of a DingTalk or Feishu robot, if set

    [imap]                      # ECOMOPS_IMAP_HOST, _PORT, _USER, _PASSWORD, _FOLDER, _TLS,
    host = "imap.example.cn"    # _STARTTLS, _INSECURE, _CAFILE, _MAX_BYTES: `plan collect`
    user = "zhangwei@example.cn"   # reads the department head's mailbox (see Imap)

    [network]                   # ECOMOPS_NETWORK_TIMEOUT
    timeout = 30                # seconds: a connection, a greeting and each reply of a mail
                                # server, a robot's whole answer, a PostgreSQL connect
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ecomops.errors import InvalidInput

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def config_path(environ=None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("ECOMOPS_CONFIG"):
        return Path(env["ECOMOPS_CONFIG"])
    from platformdirs import user_config_path

    return user_config_path("ecomops", appauthor=False) / "config.toml"


def _file(environ=None) -> dict:
    path = config_path(environ)
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the settings file {path}: {exc}") from None


def _flag(value, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInput(f"{name}={value!r} is not true or false")


#: how long a network exchange may take, in seconds (``[network] timeout``)
NETWORK_TIMEOUT_S = 30.0


def network_timeout(environ=None) -> float:
    """Seconds a connection, a greeting and each reply of a mail server, a robot's whole
    answer, or a PostgreSQL connect may take (``[network] timeout``, ECOMOPS_NETWORK_TIMEOUT;
    default 30): counted for the whole reply, however slowly its bytes arrive."""
    env = os.environ if environ is None else environ
    raw = env.get("ECOMOPS_NETWORK_TIMEOUT") or _file(environ).get("network", {}).get(
        "timeout", NETWORK_TIMEOUT_S
    )
    try:
        seconds = float(str(raw).strip())
        if not 0.1 <= seconds <= 3600:  # NaN fails this too
            raise ValueError
    except ValueError:
        raise InvalidInput(
            f"ECOMOPS_NETWORK_TIMEOUT={raw!r} is not a number of seconds",
            "give one from 0.1 to 3600 (default 30)",
        ) from None
    return seconds


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
    #: a login over an unencrypted connection is allowed (ECOMOPS_SMTP_INSECURE=1)
    insecure: bool = False
    cafile: str | None = None
    #: seconds for a connection, a greeting and each reply (``[network] timeout``)
    timeout: float = NETWORK_TIMEOUT_S

    @property
    def encrypted(self) -> bool:
        return self.tls or self.starttls

    def describe(self) -> str:
        return f"{self.host}:{self.port}"


def _port(raw, name: str) -> int:
    """A server's port number (1–65535) from the setting ``name``."""
    try:
        port = int(raw)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        raise InvalidInput(f"{name}={raw!r} is not a port number") from None
    return port


def smtp_settings(environ=None) -> Smtp | None:
    env = os.environ if environ is None else environ
    section = _file(environ).get("smtp", {})
    host = env.get("ECOMOPS_SMTP_HOST") or section.get("host")
    if not host:
        return None
    tls = _flag(env.get("ECOMOPS_SMTP_TLS", section.get("tls", False)), "ECOMOPS_SMTP_TLS")
    port = _port(
        env.get("ECOMOPS_SMTP_PORT") or section.get("port") or (465 if tls else 25),
        "ECOMOPS_SMTP_PORT",
    )
    user = env.get("ECOMOPS_SMTP_USER") or section.get("user") or None
    sender = env.get("ECOMOPS_SMTP_FROM") or section.get("from") or user or f"ecomops@{host}"
    password = env.get("ECOMOPS_SMTP_PASSWORD") or section.get("password") or None
    # a login is never sent in the clear unless asked: STARTTLS is on by default with one
    starttls = not tls and _flag(
        env.get("ECOMOPS_SMTP_STARTTLS", section.get("starttls", bool(user or password))),
        "ECOMOPS_SMTP_STARTTLS",
    )
    insecure = _flag(
        env.get("ECOMOPS_SMTP_INSECURE", section.get("insecure", False)), "ECOMOPS_SMTP_INSECURE"
    )
    cafile = env.get("ECOMOPS_SMTP_CAFILE") or section.get("cafile") or None
    return Smtp(
        host,
        port,
        user,
        sender,
        starttls,
        password,
        tls,
        insecure,
        cafile,
        timeout=network_timeout(environ),
    )


def send_plans_by_default(environ=None) -> bool:
    env = os.environ if environ is None else environ
    if "ECOMOPS_SEND_PLANS" in env:
        return _flag(env["ECOMOPS_SEND_PLANS"], "ECOMOPS_SEND_PLANS")
    return _flag(_file(environ).get("plans", {}).get("send", False), "plans.send")


def remind_plan_hour(environ=None) -> int:
    """The hour from which ``ecomops remind`` sends on a working day (default 10)."""
    from ecomops.core.remind import DEFAULT_PLAN_HOUR

    env = os.environ if environ is None else environ
    raw = env.get("ECOMOPS_REMIND_PLAN_HOUR") or _file(environ).get("remind", {}).get(
        "plan_hour", DEFAULT_PLAN_HOUR
    )
    try:
        hour = int(str(raw).strip())
        if not 0 <= hour <= 23:
            raise ValueError
    except ValueError:
        raise InvalidInput(
            f"ECOMOPS_REMIND_PLAN_HOUR={raw!r} is not an hour", "give one from 0 to 23"
        ) from None
    return hour


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


def webhook_settings(environ=None) -> Webhook | None:
    """The group robot webhook, or None when no URL is set."""
    from urllib.parse import urlsplit

    env = os.environ if environ is None else environ
    section = _file(environ).get("webhook", {})
    url = (env.get("ECOMOPS_WEBHOOK_URL") or section.get("url") or "").strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("https", "http") or not host:
        raise InvalidInput(
            "ECOMOPS_WEBHOOK_URL is not an http(s) URL", "copy the robot's webhook address"
        )
    if parts.scheme != "https" and host not in _LOOPBACK:
        raise InvalidInput(
            f"the webhook URL for {host} is not https: its key would travel in the clear",
            "use the https:// address the robot gives",
        )
    kind = (env.get("ECOMOPS_WEBHOOK_KIND") or section.get("kind") or "").strip().lower()
    if not kind:
        kind = _WEBHOOK_HOSTS.get(host, "")
        if not kind:
            raise InvalidInput(
                f"cannot tell which robot {host} is",
                "set ECOMOPS_WEBHOOK_KIND to wecom, dingtalk or feishu",
            )
    if kind not in WEBHOOK_KINDS:
        raise InvalidInput(
            f"ECOMOPS_WEBHOOK_KIND={kind!r} is not a robot this tool knows",
            "use wecom, dingtalk or feishu",
        )
    secret = env.get("ECOMOPS_WEBHOOK_SECRET") or section.get("secret") or None
    return Webhook(url, kind, secret, timeout=network_timeout(environ))


#: the largest message ``plan collect`` reads (``[imap] max_bytes``, ECOMOPS_IMAP_MAX_BYTES)
IMAP_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Imap:
    """The department head's mailbox that ``plan collect`` reads (``[imap]``)::

        [imap]                  # ECOMOPS_IMAP_HOST, _PORT, _USER, _PASSWORD, _FOLDER, _TLS,
        host = "imap.example.cn"  # _STARTTLS, _INSECURE, _CAFILE, _MAX_BYTES
        user = "zhangwei@example.cn"
        password = "…"
        folder = "INBOX"        # the default
        tls = true              # implicit TLS (port 993); else STARTTLS (port 143)
        max_bytes = 5242880     # a larger message is listed, not read
    """

    host: str
    port: int
    user: str | None
    folder: str
    tls: bool
    starttls: bool
    password: str | None = field(default=None, repr=False)  # never printed
    #: a login over an unencrypted connection is allowed (ECOMOPS_IMAP_INSECURE=1)
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


def imap_settings(environ=None) -> Imap | None:
    """The ``[imap]`` settings, the environment's ``ECOMOPS_IMAP_*`` first; None without a
    host. TLS unless ``insecure``: implicit with ``tls``, else STARTTLS."""
    env = os.environ if environ is None else environ
    section = _file(environ).get("imap", {})
    host = env.get("ECOMOPS_IMAP_HOST") or section.get("host")
    if not host:
        return None
    tls = _flag(env.get("ECOMOPS_IMAP_TLS", section.get("tls", False)), "ECOMOPS_IMAP_TLS")
    insecure = _flag(
        env.get("ECOMOPS_IMAP_INSECURE", section.get("insecure", False)), "ECOMOPS_IMAP_INSECURE"
    )
    starttls = not tls and _flag(
        env.get("ECOMOPS_IMAP_STARTTLS", section.get("starttls", not insecure)),
        "ECOMOPS_IMAP_STARTTLS",
    )
    port = _port(
        env.get("ECOMOPS_IMAP_PORT") or section.get("port") or (993 if tls else 143),
        "ECOMOPS_IMAP_PORT",
    )
    raw_max = env.get("ECOMOPS_IMAP_MAX_BYTES") or section.get("max_bytes") or IMAP_MAX_BYTES
    try:
        max_bytes = int(raw_max)
        if max_bytes <= 0:
            raise ValueError
    except ValueError:
        raise InvalidInput(
            f"ECOMOPS_IMAP_MAX_BYTES={raw_max!r} is not a positive number of bytes"
        ) from None
    return Imap(
        host=host,
        port=port,
        user=env.get("ECOMOPS_IMAP_USER") or section.get("user") or None,
        folder=env.get("ECOMOPS_IMAP_FOLDER") or section.get("folder") or "INBOX",
        tls=tls,
        starttls=starttls,
        password=env.get("ECOMOPS_IMAP_PASSWORD") or section.get("password") or None,
        insecure=insecure,
        cafile=env.get("ECOMOPS_IMAP_CAFILE") or section.get("cafile") or None,
        max_bytes=max_bytes,
        timeout=network_timeout(environ),
    )
