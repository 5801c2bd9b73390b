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

    @property
    def encrypted(self) -> bool:
        return self.tls or self.starttls

    def describe(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_settings(environ=None) -> Smtp | None:
    env = os.environ if environ is None else environ
    section = _file(environ).get("smtp", {})
    host = env.get("ECOMOPS_SMTP_HOST") or section.get("host")
    if not host:
        return None
    tls = _flag(env.get("ECOMOPS_SMTP_TLS", section.get("tls", False)), "ECOMOPS_SMTP_TLS")
    raw_port = env.get("ECOMOPS_SMTP_PORT") or section.get("port") or (465 if tls else 25)
    try:
        port = int(raw_port)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        raise InvalidInput(f"ECOMOPS_SMTP_PORT={raw_port!r} is not a port number") from None
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
    return Smtp(host, port, user, sender, starttls, password, tls, insecure, cafile)


def send_plans_by_default(environ=None) -> bool:
    env = os.environ if environ is None else environ
    if "ECOMOPS_SEND_PLANS" in env:
        return _flag(env["ECOMOPS_SEND_PLANS"], "ECOMOPS_SEND_PLANS")
    return _flag(_file(environ).get("plans", {}).get("send", False), "plans.send")
