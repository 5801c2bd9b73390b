"""Sending mail through the configured SMTP server (smtplib)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from ecomops.config import Smtp
from ecomops.errors import EcomopsError

TIMEOUT_S = 15


class MailError(EcomopsError):
    """The message could not be handed to the SMTP server."""


def tls_context(
    cafile: str | None, setting: str, error: type[EcomopsError] = EcomopsError
) -> ssl.SSLContext:
    """A TLS context that verifies the server, trusting the certificate authority ``cafile``
    too (a company's own), for SMTP and IMAP alike; a file that cannot be used is ``error``,
    naming the ``setting`` that gave it."""
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError) as exc:
        raise error(
            f"cannot use the certificate authority file {cafile}: {exc}", f"check {setting}"
        ) from None


def send(settings: Smtp, *, to: str, to_name: str, subject: str, body: str) -> str:
    """Send one plain-text message; return its Message-ID."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = formataddr((to_name, to))
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)  # mail clients sort by it; spam filters want it
    msg["Message-ID"] = make_msgid(domain="ecomops")
    msg.set_content(body)
    with _connected(settings, TIMEOUT_S) as smtp:
        try:
            smtp.send_message(msg)
        except smtplib.SMTPException as exc:
            raise MailError(
                f"the SMTP server {settings.describe()} refused the message: {exc}"
            ) from None
    return msg["Message-ID"]


def check(settings: Smtp, *, timeout: float) -> str:
    """Connect to the mail server, EHLO, STARTTLS or TLS as configured, log in if a login is
    set, and QUIT: nothing is sent. Returns what was done; raises :class:`MailError`."""
    how = "implicit TLS" if settings.tls else "STARTTLS" if settings.starttls else "no TLS"
    done = f"connected to {settings.describe()} ({how})"
    if settings.user and settings.password:
        done += f", logged in as {settings.user}"
    with _connected(settings, timeout, greet=True):
        pass
    return f"{done}; nothing sent"


@contextmanager
def _connected(settings: Smtp, timeout: float, *, greet: bool = False) -> Iterator[smtplib.SMTP]:
    """A connection to the mail server, encrypted as configured and logged in when a login is
    set; QUIT when the block ends. ``greet``: EHLO even when nothing else needs it. A failure
    is one line (:class:`MailError`), never the password."""
    where = settings.describe()
    login = bool(settings.user and settings.password)
    if login and not settings.encrypted and not settings.insecure:
        raise MailError(
            f"refusing to send the SMTP password to {where} over an unencrypted connection",
            "use STARTTLS ([smtp] starttls = true, the default with a login) or implicit TLS "
            "(tls = true, port 465); insecure = true allows it (ECOMOPS_SMTP_STARTTLS, _TLS, "
            "_INSECURE)",
        )
    context = tls_context(settings.cafile, "[smtp] cafile (ECOMOPS_SMTP_CAFILE)", MailError)
    try:
        smtp: smtplib.SMTP
        if settings.tls:
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        with smtp:
            if greet:
                code, answer = smtp.ehlo()
                if code != 250:
                    raise smtplib.SMTPHeloError(code, answer)
            if settings.starttls:
                smtp.starttls(context=context)
            if login:
                assert settings.user and settings.password
                smtp.login(settings.user, settings.password)
            yield smtp
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError:
        raise MailError(
            f"the SMTP server {where} refused the login for {settings.user}",
            "check [smtp] user and password (ECOMOPS_SMTP_USER, _PASSWORD)",
        ) from None
    except smtplib.SMTPException as exc:
        raise MailError(f"the SMTP server {where} refused: {exc}") from None
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        detail = exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)
        raise MailError(
            f"cannot reach the SMTP server {where}: {detail}",
            "check [smtp] host and port (ECOMOPS_SMTP_HOST, _PORT)",
        ) from None
