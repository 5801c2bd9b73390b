"""Sending mail through the configured SMTP server (smtplib)."""

from __future__ import annotations

import smtplib
import ssl
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
    where = settings.describe()
    login = bool(settings.user and settings.password)
    if login and not settings.encrypted and not settings.insecure:
        raise MailError(
            f"refusing to send the SMTP password to {where} over an unencrypted connection",
            "use STARTTLS (ECOMOPS_SMTP_STARTTLS=1, the default with a login) or implicit TLS "
            "(ECOMOPS_SMTP_TLS=1, port 465); ECOMOPS_SMTP_INSECURE=1 allows it",
        )
    context = tls_context(settings.cafile, "ECOMOPS_SMTP_CAFILE", MailError)
    try:
        smtp: smtplib.SMTP
        if settings.tls:
            smtp = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=TIMEOUT_S, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
        with smtp:
            if settings.starttls:
                smtp.starttls(context=context)
            if login:
                assert settings.user and settings.password
                smtp.login(settings.user, settings.password)
            smtp.send_message(msg)
    except smtplib.SMTPAuthenticationError:
        raise MailError(
            f"the SMTP server {where} refused the login for {settings.user}",
            "check ECOMOPS_SMTP_USER and ECOMOPS_SMTP_PASSWORD",
        ) from None
    except smtplib.SMTPException as exc:
        raise MailError(f"the SMTP server {where} refused the message: {exc}") from None
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        detail = exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)
        raise MailError(
            f"cannot reach the SMTP server {where}: {detail}",
            "check ECOMOPS_SMTP_HOST and ECOMOPS_SMTP_PORT",
        ) from None
    return msg["Message-ID"]
