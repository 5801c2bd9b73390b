"""Real SMTP servers on 127.0.0.1 for the tests: aiosmtpd with STARTTLS or implicit TLS, a
throwaway certificate authority (trustme) the client is told to trust, and a login required
before any message (and only over TLS)."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

USER, PASSWORD = "plans@huhao.example", "s3cret-pw"


@dataclass
class Inbox:
    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    #: the clients' connections that said EHLO, by their address and port
    peers: set = field(default_factory=set)
    #: when each message arrived (time.time())
    arrived: list[float] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        self.arrived.append(time.time())
        return "250 OK"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.peers.add(session.peer)
        session.host_name = hostname
        return responses

    @property
    def connections(self) -> int:
        return len(self.peers)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def certificate(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for 127.0.0.1 and the CA file a client must trust."""
    import trustme

    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    cafile = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    return server, cafile


@contextmanager
def serve(folder: Path, *, tls: str = "starttls", port: int | None = None) -> Iterator[
    tuple[Inbox, int, Path]
]:
    """An SMTP server that wants a login: ``tls`` is ``starttls``, ``implicit`` or ``none``
    (plain text, still asking for a login). Yields (inbox, port, CA file)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = Inbox()
    context, cafile = certificate(folder)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        if ok:
            inbox.logins.append(auth_data.login.decode())
        # handled=False: aiosmtpd answers a refused login (535) itself; its default (True)
        # leaves the client waiting for an answer that never comes
        return AuthResult(success=ok, handled=False)

    port = port or free_port()
    kwargs: dict = dict(
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_required=True,
        # aiosmtpd counts only STARTTLS as TLS here; an implicit-TLS connection is one anyway
        auth_require_tls=tls == "starttls",
    )
    if tls == "starttls":
        kwargs.update(tls_context=context, require_starttls=True)
    elif tls == "implicit":
        kwargs.update(ssl_context=context)
    controller = Controller(inbox, **kwargs)
    controller.start()
    try:
        yield inbox, port, cafile
    finally:
        controller.stop()
