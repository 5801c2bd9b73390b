"""Servers on 127.0.0.1 that misbehave, for the tests: an IMAP server, an SMTP server and a
group robot (HTTP) that drip their replies a byte at a time, announce one size and send
another, answer garbage, refuse more connections, redirect, or echo the robot's key.

Each runs in threads of this process and stops by itself: it accepts connections for at most
``lifetime`` seconds, every wait of a connection is a short poll, and every loop ends when the
server stops (the end of the ``with`` block, or the lifetime, whichever comes first).
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

#: how often a dripping server sends its next byte
DRIP_EVERY = 0.5


class Conn:
    """One accepted connection, as a scripted server talks on it."""

    def __init__(self, sock: socket.socket, server: Server) -> None:
        self.sock = sock
        self.server = server
        self.buffer = b""
        sock.settimeout(0.1)

    @property
    def over(self) -> bool:
        return self.server.stopped

    def send(self, data: bytes) -> bool:
        """Send ``data``; False once the client has gone or the server stops."""
        view = memoryview(data)
        while view and not self.over:
            try:
                n = self.sock.send(view)
            except TimeoutError:
                continue
            except OSError:
                return False
            self.server.sent += n
            view = view[n:]
        return not view

    def drip(self, data: bytes, every: float = DRIP_EVERY) -> bool:
        """Send ``data`` one byte every ``every`` seconds."""
        for i in range(len(data)):
            if not self.send(data[i : i + 1]) or not self.pause(every):
                return False
        return True

    def pause(self, seconds: float) -> bool:
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            if self.over:
                return False
            time.sleep(0.02)
        return True

    def readline(self) -> bytes | None:
        """The client's next line (with its CRLF); None once it has gone or the server stops."""
        while b"\n" not in self.buffer:
            got = self.recv()
            if not got:
                return None
        line, _, self.buffer = self.buffer.partition(b"\n")
        self.server.received.append(line + b"\n")
        return line + b"\n"

    def read(self, size: int) -> bytes | None:
        while len(self.buffer) < size:
            got = self.recv()
            if not got:
                return None
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def recv(self) -> bytes:
        while not self.over:
            try:
                got = self.sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return b""
            self.buffer += got
            return got
        return b""


@dataclass
class Server:
    """A running server: its port, how many connections it took, what it sent and got."""

    port: int = 0
    connections: int = 0
    sent: int = 0
    received: list[bytes] = field(default_factory=list)
    ends: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def stopped(self) -> bool:
        return self.stop.is_set() or time.monotonic() > self.ends

    def text(self) -> str:
        return b"".join(self.received).decode("utf-8", "replace")


@contextmanager
def serve(
    handle: Callable[[Conn], None],
    *,
    lifetime: float = 30.0,
    tls: ssl.SSLContext | None = None,
) -> Iterator[Server]:
    """Run ``handle`` for each connection to a free port of 127.0.0.1, in a thread of its own,
    for at most ``lifetime`` seconds; everything stops when the block ends. ``tls``: a server
    context, each connection TLS from its first byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    server = Server(port=listener.getsockname()[1], ends=time.monotonic() + lifetime)
    threads: list[threading.Thread] = []

    def one(sock: socket.socket) -> None:
        try:
            if tls is not None:
                sock.settimeout(5)
                sock = tls.wrap_socket(sock, server_side=True)
            handle(Conn(sock, server))
        except OSError:  # the handshake failed
            pass
        finally:
            sock.close()

    def accept() -> None:
        while not server.stopped:
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server.connections += 1
            t = threading.Thread(target=one, args=(sock,), daemon=True)
            threads.append(t)
            t.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        server.stop.set()
        acceptor.join(5)
        for t in threads:
            t.join(5)
        listener.close()


# --- IMAP ------------------------------------------------------------------------------------


def fetch_reply(uid: int, header: bytes, *, size: int, date: str = "23-Nov-2026 09:00:00 +0800"):
    """A FETCH response with a message's UID, received time, size and header fields."""
    return (
        f'* {uid} FETCH (UID {uid} INTERNALDATE "{date}" RFC822.SIZE {size} '
        f"BODY[HEADER.FIELDS (FROM SUBJECT MESSAGE-ID AUTHENTICATION-RESULTS)]<0> "
        f"{{{len(header)}}}\r\n"
    ).encode() + header + b")\r\n"


@dataclass
class FakeImap:
    """An IMAP server that holds ``messages`` (UID: the whole message), says the ``sizes`` it
    is told to, and misbehaves where told: ``drip`` names the step whose reply trickles in a
    byte every :data:`DRIP_EVERY` seconds ("greeting", "search"); the other fields replace a
    step's reply (``{tag}`` stands for the command's tag)."""

    messages: dict[int, bytes] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)
    drip: str | None = None
    greeting: bytes = b"* OK fake IMAP ready\r\n"
    capability: bytes = b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n"
    login: bytes = b"{tag} OK logged in\r\n"
    examine: bytes = b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n{tag} OK [READ-ONLY] done\r\n"
    search: bytes | None = None
    envelopes: bytes | None = None
    #: the body FETCH: None answers with the message as the partial range asks; a number
    #: announces a literal of that many bytes and sends zeros until the client goes
    body_literal: int | None = None
    #: the bytes a body FETCH sent before the client went
    streamed: int = 0
    #: how many body FETCH commands were asked (one round trip each)
    body_fetches: int = 0

    def __call__(self, conn: Conn) -> None:
        if not self.answer(conn, self.greeting, "greeting"):
            return
        while (line := conn.readline()) is not None:
            tag, _, command = line.rstrip(b"\r\n").partition(b" ")
            verb = command.upper()
            if verb.startswith(b"CAPABILITY"):
                reply = self.capability
            elif verb.startswith(b"LOGIN"):
                reply = self.login
            elif verb.startswith((b"EXAMINE", b"SELECT")):
                reply = self.examine
            elif verb.startswith(b"UID SEARCH"):
                found = b" ".join(str(u).encode() for u in sorted(self.messages))
                reply = self.search or b"* SEARCH " + found + b"\r\n{tag} OK done\r\n"
                if not self.answer(conn, reply.replace(b"{tag}", tag), "search"):
                    return
                continue
            elif verb.startswith(b"UID FETCH") and b"HEADER.FIELDS" in verb:
                reply = self.envelopes or self.headers(_most(verb)) + b"{tag} OK done\r\n"
            elif verb.startswith(b"UID FETCH"):
                uids = [int(u) for u in verb.split()[2].split(b",")]  # one, or a batch
                self.body_fetches += 1
                if not all(self.body(conn, uid, verb) for uid in uids):
                    return
                reply = b"{tag} OK done\r\n"
            elif verb.startswith(b"LOGOUT"):
                conn.send(b"* BYE bye\r\n" + tag + b" OK done\r\n")
                return
            else:
                reply = b"{tag} BAD unknown\r\n"
            if not self.answer(conn, reply.replace(b"{tag}", tag), ""):
                return

    def answer(self, conn: Conn, data: bytes, step: str) -> bool:
        return conn.drip(data) if self.drip == step else conn.send(data)

    def headers(self, most: int | None) -> bytes:
        out = b""
        for uid, raw in sorted(self.messages.items()):
            header = (raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")[:most]
            out += fetch_reply(uid, header, size=self.sizes.get(uid, len(raw)))
        return out

    def body(self, conn: Conn, uid: int, verb: bytes) -> bool:
        if self.body_literal is not None:  # the announced size, then zeros for ever
            head = f"* {uid} FETCH (UID {uid} BODY[]<0> {{{self.body_literal}}}\r\n".encode()
            if not conn.send(head):
                return False
            chunk = b"\0" * 65536
            while self.streamed < self.body_literal and conn.send(chunk):
                self.streamed += len(chunk)
            return False
        raw = self.messages[uid][: _most(verb)]
        head = f"* {uid} FETCH (UID {uid} BODY[]<0> {{{len(raw)}}}\r\n".encode()
        return conn.send(head + raw + b")\r\n")


def _most(command: bytes) -> int | None:
    """The N of a partial fetch's ``<0.N>`` (at most N bytes), None without one."""
    if b"<0." not in command:
        return None
    return int(command.split(b"<0.", 1)[1].split(b">", 1)[0])


# --- SMTP ------------------------------------------------------------------------------------


@dataclass
class FakeSmtp:
    """An SMTP server that offers AUTH over plain text and answers as told: ``drip`` names
    the step whose reply trickles ("greeting", "ehlo"); ``greeting`` and ``auth`` replace
    those replies (a 421 greeting, a 535 or a 454 to the login)."""

    drip: str | None = None
    greeting: bytes = b"220 fake.example ESMTP\r\n"
    auth: bytes = b"235 2.7.0 accepted\r\n"
    messages: int = 0

    def __call__(self, conn: Conn) -> None:
        if not self.answer(conn, self.greeting, "greeting") or not self.greeting.startswith(
            b"220"
        ):
            return
        while (line := conn.readline()) is not None:
            verb = line.upper()
            if verb.startswith((b"EHLO", b"HELO")):
                reply = b"250-fake.example\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
                step = "ehlo"
            elif verb.startswith(b"AUTH"):
                reply, step = self.auth, "auth"
            elif verb.startswith((b"MAIL", b"RCPT")):
                reply, step = b"250 ok\r\n", ""
            elif verb.startswith(b"DATA"):
                if not conn.send(b"354 go on\r\n"):
                    return
                while (data := conn.readline()) is not None and data != b".\r\n":
                    pass
                self.messages += 1
                reply, step = b"250 queued\r\n", ""
            elif verb.startswith(b"QUIT"):
                conn.send(b"221 bye\r\n")
                return
            else:
                reply, step = b"502 no\r\n", ""
            if not self.answer(conn, reply, step):
                return

    def answer(self, conn: Conn, data: bytes, step: str) -> bool:
        return conn.drip(data) if self.drip == step else conn.send(data)


# --- a group robot (HTTP) --------------------------------------------------------------------


@dataclass
class FakeRobot:
    """A robot that reads each POST and sends back ``response`` (the whole HTTP response,
    status line and all), dripped when ``drip``; ``posts`` counts the requests it read."""

    response: bytes = field(
        default_factory=lambda: json_response("200 OK", b'{"errcode": 0, "errmsg": "ok"}')
    )
    drip: bool = False
    #: after the response, this many more bytes of body (a robot that never stops talking)
    endless: int = 0
    posts: int = 0

    def __call__(self, conn: Conn) -> None:
        length = 0
        while (line := conn.readline()) is not None and line != b"\r\n":
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if line is None or conn.read(length) is None:
            return
        self.posts += 1
        if self.drip:
            conn.drip(self.response)
            return
        if conn.send(self.response) and self.endless:
            sent = 0
            while sent < self.endless and conn.send(b" " * 65536):
                sent += 65536


def json_response(status: str, body: bytes, *headers: str) -> bytes:
    """An HTTP response with ``status`` ("302 Found"), ``headers`` and a JSON ``body``."""
    head = [f"HTTP/1.1 {status}", "Content-Type: application/json", *headers]
    head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
