"""Sending mail through the configured SMTP server (smtplib), each of its replies whole within
``[network] timeout`` (:mod:`ecomops.net`)."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from ecomops.config import Smtp
from ecomops.errors import EcomopsError
from ecomops.net import Exchange, NetworkLimit, reader

#: the most one reply of the server may hold (a greeting or an EHLO list is under 1 KB)
REPLY_MAX = 64 * 1024


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


class _Client(smtplib.SMTP):
    """smtplib's client with each reply (the greeting too) whole within ``exchange.seconds``
    and at most ``exchange.max_bytes`` long, however slowly it trickles in."""

    def __init__(self, host: str, port: int, *, exchange: Exchange, **kw: Any) -> None:
        self.exchange = exchange
        self._reading: socket.socket | None = None
        try:  # connects and reads the greeting
            super().__init__(host, port, timeout=exchange.seconds, **kw)
        except BaseException:  # a stop too: closed at once
            self.close()
            raise

    def getreply(self) -> tuple[int, bytes]:
        self.exchange.start()
        sock = self.sock
        if sock is not None and (self.file is None or self._reading is not sock):
            self.file = reader(sock, self.exchange)  # new, or after STARTTLS
            self._reading = sock
        return super().getreply()


class _SSLClient(_Client, smtplib.SMTP_SSL):
    """:class:`_Client` over implicit TLS."""


def _said(code: int, text: bytes | str, password: str | None) -> str:
    """The server's reply as one short line, never with the password in it."""
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    said = " ".join(f"{code} {said}".split())
    if password:
        said = said.replace(password, "***")
    return said if len(said) <= 160 else said[:159] + "…"


def send(settings: Smtp, *, to: str, to_name: str, subject: str, body: str) -> str:
    """Send one plain-text message; return its Message-ID. A greeting or reply that does not
    arrive whole within ``settings.timeout`` is :class:`MailError`, and so is a server that
    refuses more connections (4xx: try again later), told apart from a refused login."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = formataddr((to_name, to))
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)  # mail clients sort by it; spam filters want it
    msg["Message-ID"] = make_msgid(domain="ecomops")
    msg.set_content(body)
    with _connected(settings) as smtp:
        smtp.send_message(msg)
    return msg["Message-ID"]


def check(settings: Smtp, *, timeout: float) -> str:
    """Connect to the mail server, EHLO, STARTTLS or TLS as configured, log in if a login is
    set, and QUIT: nothing is sent. Returns what was done; raises :class:`MailError`."""
    how = "implicit TLS" if settings.tls else "STARTTLS" if settings.starttls else "no TLS"
    done = f"connected to {settings.describe()} ({how})"
    if settings.user and settings.password:
        done += f", logged in as {settings.user}"
    with _connected(replace(settings, timeout=timeout), greet=True):
        pass
    return f"{done}; nothing sent"


@contextmanager
def _connected(settings: Smtp, *, greet: bool = False) -> Iterator[_Client]:
    """A connection to the mail server, encrypted as configured and logged in when a login is
    set, each reply whole within ``settings.timeout``; QUIT (not awaited) when the block ends
    well, closed at once whatever happened. ``greet``: EHLO even when nothing else needs it.
    A failure is one line (:class:`MailError`), never the password."""
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
    exchange = Exchange(settings.timeout, REPLY_MAX)
    smtp: _Client | None = None
    try:
        if settings.tls:
            smtp = _SSLClient(settings.host, settings.port, exchange=exchange, context=context)
        else:
            smtp = _Client(settings.host, settings.port, exchange=exchange)
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
        try:  # done: QUIT, not waiting for its reply (a slow one must not undo a send)
            smtp.putcmd("quit")
        except OSError:
            pass
    except MailError:
        raise
    except NetworkLimit as exc:
        raise MailError(
            f"the SMTP server {where} {exc}",
            "[network] timeout (ECOMOPS_NETWORK_TIMEOUT) sets the time a reply may take",
        ) from None
    except (smtplib.SMTPConnectError, smtplib.SMTPAuthenticationError) as exc:
        said = _said(exc.smtp_code, exc.smtp_error, settings.password)
        if 400 <= exc.smtp_code < 500:
            raise MailError(
                f"the SMTP server {where} refused more connections (try again later): {said}",
                "the message is tried again on the next run",
            ) from None
        if isinstance(exc, smtplib.SMTPConnectError):
            raise MailError(f"the SMTP server {where} refused the connection: {said}") from None
        raise MailError(
            f"the SMTP server {where} refused the login for {settings.user} (check user and "
            f"password): {said}",
            "check [smtp] user and password (ECOMOPS_SMTP_USER, _PASSWORD)",
        ) from None
    except smtplib.SMTPResponseException as exc:
        said = _said(exc.smtp_code, exc.smtp_error, settings.password)
        if exc.smtp_code == 421:
            raise MailError(
                f"the SMTP server {where} refused more connections (try again later): {said}",
                "the message is tried again on the next run",
            ) from None
        raise MailError(f"the SMTP server {where} refused the message: {said}") from None
    except smtplib.SMTPServerDisconnected as exc:
        said = _said(0, str(exc), settings.password).removeprefix("0 ")
        raise MailError(f"the SMTP server {where} closed the connection: {said}") from None
    except smtplib.SMTPException as exc:
        said = _said(0, str(exc), settings.password).removeprefix("0 ")
        raise MailError(f"the SMTP server {where} refused the message: {said}") from None
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        detail = exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)
        raise MailError(
            f"cannot reach the SMTP server {where}: {detail}",
            "check [smtp] host and port (ECOMOPS_SMTP_HOST, _PORT)",
        ) from None
    finally:  # at once, whatever happened (a stop too): nothing more is awaited
        if smtp is not None:
            smtp.close()
