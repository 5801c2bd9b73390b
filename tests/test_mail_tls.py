"""Mail to the department head against real SMTP servers on 127.0.0.1: STARTTLS by default
with a login, implicit TLS on request, and never a password over a plain connection unless
explicitly allowed."""

from __future__ import annotations

import pytest

from ecomops.config import load
from ecomops.services.mail import MailError, send
from tests.mailserver import PASSWORD, USER, serve


def _env(port: int, cafile, **extra: str) -> dict[str, str]:
    env = {
        "ECOMOPS_SMTP_HOST": "127.0.0.1",
        "ECOMOPS_SMTP_PORT": str(port),
        "ECOMOPS_SMTP_USER": USER,
        "ECOMOPS_SMTP_PASSWORD": PASSWORD,
        "ECOMOPS_CONFIG": "/nonexistent/config.toml",
    }
    if cafile is not None:
        env["ECOMOPS_SMTP_CAFILE"] = str(cafile)
    env.update(extra)
    return env


def smtp_settings(env: dict[str, str]):
    return load(env).smtp


def _send(env: dict[str, str]) -> None:
    settings = smtp_settings(env)
    assert settings is not None
    send(settings, to="head@huhao.example", to_name="张伟", subject="计划", body="本周")


def test_starttls_is_on_by_default_with_a_login(tmp_path):
    with serve(tmp_path, tls="starttls") as (inbox, port, cafile):
        settings = smtp_settings(_env(port, cafile))
        assert settings is not None and settings.starttls and not settings.tls
        _send(_env(port, cafile))
    assert inbox.logins == [USER] and len(inbox.messages) == 1


def test_implicit_tls(tmp_path):
    with serve(tmp_path, tls="implicit") as (inbox, port, cafile):
        _send(_env(port, cafile, ECOMOPS_SMTP_TLS="1"))
    assert inbox.logins == [USER] and len(inbox.messages) == 1


def test_implicit_tls_defaults_to_port_465():
    env = _env(0, None, ECOMOPS_SMTP_TLS="1")
    del env["ECOMOPS_SMTP_PORT"]
    settings = smtp_settings(env)
    assert settings is not None and (settings.port, settings.tls, settings.starttls) == (
        465, True, False)


def test_no_password_over_a_plain_connection(tmp_path):
    with serve(tmp_path, tls="none") as (inbox, port, cafile):
        with pytest.raises(MailError, match="over an unencrypted connection"):
            _send(_env(port, cafile, ECOMOPS_SMTP_STARTTLS="0"))
        assert inbox.logins == [] and inbox.messages == []
        _send(_env(port, cafile, ECOMOPS_SMTP_STARTTLS="0", ECOMOPS_SMTP_INSECURE="1"))
    assert inbox.logins == [USER] and len(inbox.messages) == 1


def test_an_untrusted_certificate_is_refused(tmp_path):
    with serve(tmp_path, tls="starttls") as (inbox, port, _cafile):
        with pytest.raises(MailError, match="certificate verify failed"):
            _send(_env(port, None))
    assert inbox.logins == [] and inbox.messages == []
