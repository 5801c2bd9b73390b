"""Sending mail through the configured SMTP server (smtplib), each of its replies whole within
``[network] timeout`` (:mod:`ecomops.net`).

:class:`Mailer` sends a run's mails over one connection, with one TLS context (loading the
system's certificate authorities takes ~50 ms: once per run, not once per mail); :func:`send`
is one mail on a connection of its own. Every mail is marked as sent by a program
(``Auto-Submitted: auto-generated``, RFC 3834 §5), so that out-of-office and other automatic
replies leave it alone (``X-Auto-Response-Suppress`` asks the same of Exchange and Outlook)."""

from __future__ import annotations

import base64
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from functools import cache
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

    #: the message's text has begun to go (DATA sent): the server may have taken it
    in_data = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.in_data = True
        return super().data(msg)

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


def message(settings: Smtp, *, to: str, to_name: str, subject: str, body: str) -> EmailMessage:
    """One plain-text message from the configured sender, marked as sent by a program."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = formataddr((to_name, to))
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)  # mail clients sort by it; spam filters want it
    msg["Message-ID"] = make_msgid(domain="ecomops")
    # RFC 3834: no vacation notice or other automatic reply to a reminder
    msg["Auto-Submitted"] = "auto-generated"
    # Exchange/Outlook's own header: no out-of-office or auto-reply (delivery reports still
    # come back, so that a wrong address is seen)
    msg["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    msg.set_content(body)
    return msg


def _header(name: str, text: str) -> str:
    """A header line ``name: text``: ASCII words as they are, each run of other words as
    RFC 2047 encoded-words (UTF-8, base64), folded before 78 characters (CRLF and a space)."""
    words: list[str] = []
    run: list[str] = []
    for word in text.split(" "):
        if word.isascii():
            if run:
                words += Header(" ".join(run), "utf-8").encode(maxlinelen=76).split("\n ")
                run = []
            words.append(word)
        else:
            run.append(word)
    if run:
        words += Header(" ".join(run), "utf-8").encode(maxlinelen=76).split("\n ")
    line = f"{name}:"
    lines: list[str] = []
    for word in words:
        if len(line) + 1 + len(word) > 76 and line.strip() and not line.endswith(":"):
            lines.append(line)
            line = ""
        line += " " + word
    lines.append(line)
    return "\r\n".join(lines)


@cache
def _sender(sender: str) -> tuple[str, str] | None:
    """The From header and the envelope's sender for ``sender`` ("Name <addr>" or "addr"),
    or None when the address is not ASCII."""
    name, address = parseaddr(sender)
    if not address.isascii():
        return None
    return formataddr((name, address), charset="utf-8"), address


def _compose(
    settings: Smtp, *, to: str, to_name: str, subject: str, body: str
) -> tuple[str, bytes, str] | None:
    """The same message as :func:`message` (its headers, UTF-8 text in base64), built
    directly: (envelope sender, bytes, Message-ID); None when an address is not ASCII. The
    email package's header folding costs a few milliseconds a message, more than sending it
    to a local server."""
    sender = _sender(settings.sender)
    if sender is None or not to.isascii():
        return None
    message_id = make_msgid(domain="ecomops")
    # a header is one line, whatever a name or subject holds
    to_name, subject = " ".join(to_name.split()), " ".join(subject.split())
    # the text's lines end in LF inside the base64, as the email package writes them
    text = base64.encodebytes(body.replace("\r\n", "\n").encode("utf-8"))
    head = "\r\n".join(
        [
            f"From: {sender[0]}",
            f"To: {formataddr((to_name, to), charset='utf-8')}",
            _header("Subject", subject),
            f"Date: {formatdate(localtime=True)}",
            f"Message-ID: {message_id}",
            "Auto-Submitted: auto-generated",
            "X-Auto-Response-Suppress: OOF, AutoReply",
            "MIME-Version: 1.0",
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: base64",
        ]
    )
    data = head.encode("ascii") + b"\r\n\r\n" + text.replace(b"\n", b"\r\n")
    return sender[1], data, message_id


def send(settings: Smtp, *, to: str, to_name: str, subject: str, body: str) -> str:
    """Send one plain-text message on a connection of its own; return its Message-ID. A
    greeting or reply that does not arrive whole within ``settings.timeout`` is
    :class:`MailError`, and so is a server that refuses more connections (4xx: try again
    later), told apart from a refused login."""
    with Mailer(settings) as mailer:
        return mailer.send(to=to, to_name=to_name, subject=subject, body=body)


class Mailer:
    """A run's mails over one connection to the mail server, opened at the first mail, with
    one TLS context (built only when the connection is encrypted).

    A mail the server took none of (the connection dropped, or it answered 421 or another
    4xx before the message's text: many servers cap the mails of one connection) is sent
    again once on a new connection. One whose text had begun to go when the connection
    failed is not (the server may have taken it: it is :class:`MailError`, and the next mail
    connects again). When connecting itself fails (no answer in time, refused, a login
    refused), every later mail of the run fails at once with the same error instead of
    waiting out the timeout again: the next run tries them all again."""

    def __init__(self, settings: Smtp) -> None:
        self.settings = settings
        self._context: ssl.SSLContext | None = None
        self._smtp: _Client | None = None
        self._down: MailError | None = None
        #: connections opened (one, unless the server made us reconnect)
        self.connections = 0

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _tls(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = tls_context(
                self.settings.cafile, "[smtp] cafile (ECOMOPS_SMTP_CAFILE)", MailError
            )
        return self._context

    def _connect(self) -> _Client:
        if self._down is not None:
            raise self._down
        try:
            smtp = _open(self.settings, self._tls if self.settings.encrypted else None)
        except MailError as exc:
            self._down = exc
            raise
        self.connections += 1
        return smtp

    def send(self, *, to: str, to_name: str, subject: str, body: str) -> str:
        """Send one plain-text message; return its Message-ID (see the class)."""
        composed = _compose(self.settings, to=to, to_name=to_name, subject=subject, body=body)
        msg = None
        if composed is None:  # an address beyond ASCII: the email package's SMTPUTF8 path
            msg = message(self.settings, to=to, to_name=to_name, subject=subject, body=body)
        for again in (False, True):
            if self._smtp is None:
                self._smtp = self._connect()
            smtp = self._smtp
            smtp.in_data = False
            try:
                if composed is not None:
                    sender, data, message_id = composed
                    smtp.sendmail(sender, [to], data)
                    return message_id
                assert msg is not None
                smtp.send_message(msg)
                return msg["Message-ID"]
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
                code = _code(exc)
                if code is not None and code >= 500:  # this message only: the connection is
                    raise _failure(exc, self.settings) from None  # still good (RSET done)
                self._drop()
                if again or smtp.in_data:
                    raise _failure(exc, self.settings) from None
            except BaseException as exc:
                self._drop()
                if again or smtp.in_data or not _retryable(exc):
                    if isinstance(exc, Exception):
                        raise _failure(exc, self.settings) from None
                    raise  # a stop: at once
        raise AssertionError("unreachable")

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def close(self) -> None:
        """QUIT (not awaited: a slow reply must not undo a send) and close."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.putcmd("quit")
        except OSError:
            pass
        finally:
            smtp.close()


def _code(exc: smtplib.SMTPException) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _said in exc.recipients.values()]
        return min(codes) if codes else None
    return getattr(exc, "smtp_code", None)


def _retryable(exc: BaseException) -> bool:
    """Whether a failure before the message's text means: try it on a new connection (the
    server dropped this one, or said 4xx to MAIL or RCPT)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | BrokenPipeError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return False


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
    context = None
    if settings.encrypted:
        made = tls_context(settings.cafile, "[smtp] cafile (ECOMOPS_SMTP_CAFILE)", MailError)
        context = lambda: made  # noqa: E731
    smtp = _open(settings, context, greet=greet)
    try:
        yield smtp
        try:  # done: QUIT, not waiting for its reply (a slow one must not undo a send)
            smtp.putcmd("quit")
        except OSError:
            pass
    except MailError:
        raise
    except Exception as exc:
        raise _failure(exc, settings) from None
    finally:  # at once, whatever happened (a stop too): nothing more is awaited
        smtp.close()


def _open(
    settings: Smtp, context: Callable[[], ssl.SSLContext] | None, *, greet: bool = False
) -> _Client:
    """Connect, EHLO when ``greet``, STARTTLS or TLS as configured (``context`` gives the TLS
    context), log in when a login is set: the connection, or :class:`MailError`."""
    where = settings.describe()
    login = bool(settings.user and settings.password)
    if login and not settings.encrypted and not settings.insecure:
        raise MailError(
            f"refusing to send the SMTP password to {where} over an unencrypted connection",
            "use STARTTLS ([smtp] starttls = true, the default with a login) or implicit TLS "
            "(tls = true, port 465); insecure = true allows it (ECOMOPS_SMTP_STARTTLS, _TLS, "
            "_INSECURE)",
        )
    tls = context() if context is not None else None
    exchange = Exchange(settings.timeout, REPLY_MAX)
    smtp: _Client | None = None
    try:
        if settings.tls:
            smtp = _SSLClient(settings.host, settings.port, exchange=exchange, context=tls)
        else:
            smtp = _Client(settings.host, settings.port, exchange=exchange)
        if greet:
            code, answer = smtp.ehlo()
            if code != 250:
                raise smtplib.SMTPHeloError(code, answer)
        if settings.starttls:
            smtp.starttls(context=tls)
        if login:
            assert settings.user and settings.password
            smtp.login(settings.user, settings.password)
        return smtp
    except BaseException as exc:
        if smtp is not None:
            smtp.close()
        if isinstance(exc, MailError) or not isinstance(exc, Exception):
            raise
        raise _failure(exc, settings) from None


def _failure(exc: Exception, settings: Smtp) -> MailError | Exception:
    """``exc`` as one line (:class:`MailError`), never the password; an error that is not
    the server's or the network's is returned as it is."""
    where = settings.describe()
    if isinstance(exc, MailError):
        return exc
    if isinstance(exc, NetworkLimit):
        return MailError(
            f"the SMTP server {where} {exc}",
            "[network] timeout (ECOMOPS_NETWORK_TIMEOUT) sets the time a reply may take",
        )
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPAuthenticationError):
        said = _said(exc.smtp_code, exc.smtp_error, settings.password)
        if 400 <= exc.smtp_code < 500:
            return MailError(
                f"the SMTP server {where} refused more connections (try again later): {said}",
                "the message is tried again on the next run",
            )
        if isinstance(exc, smtplib.SMTPConnectError):
            return MailError(f"the SMTP server {where} refused the connection: {said}")
        return MailError(
            f"the SMTP server {where} refused the login for {settings.user} (check user and "
            f"password): {said}",
            "check [smtp] user and password (ECOMOPS_SMTP_USER, _PASSWORD)",
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        said = _said(exc.smtp_code, exc.smtp_error, settings.password)
        if exc.smtp_code == 421:
            return MailError(
                f"the SMTP server {where} refused more connections (try again later): {said}",
                "the message is tried again on the next run",
            )
        return MailError(f"the SMTP server {where} refused the message: {said}")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        said = _said(0, str(exc), settings.password).removeprefix("0 ")
        return MailError(f"the SMTP server {where} closed the connection: {said}")
    if isinstance(exc, smtplib.SMTPException):
        said = _said(0, str(exc), settings.password).removeprefix("0 ")
        return MailError(f"the SMTP server {where} refused the message: {said}")
    if isinstance(exc, TimeoutError | OSError | ssl.SSLError):
        detail = exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)
        return MailError(
            f"cannot reach the SMTP server {where}: {detail}",
            "check [smtp] host and port (ECOMOPS_SMTP_HOST, _PORT)",
        )
    return exc
