"""Network exchanges bounded in time and in size, whatever the server does.

A socket timeout bounds each wait for *a byte*: a server that sends one byte every few seconds
keeps a client reading one reply for ever. Here an :class:`Exchange` (a greeting, one reply
of a mail server, a robot's whole answer) has a deadline on the monotonic clock and a byte
budget, and :func:`reader` gives a buffered file over a socket (plain or TLS) whose every
``recv`` waits at most the time left (``settimeout(remaining)`` before each one) and counts
what arrives: a reply arrives whole within the time, however slowly its bytes trickle in, or
the read stops with :class:`TooSlow`. The socket's own timeout, restored after every read,
still bounds connecting, the TLS handshake and sending.

A signal handler that raises (the command line turns SIGTERM into ``SystemExit``) stops a read
at once: a blocking ``recv`` is interrupted by the signal and the handler's exception comes
out of it (PEP 475), and nothing here catches it.
"""

from __future__ import annotations

import io
import socket
import time


class NetworkLimit(Exception):
    """A server went past a limit. ``str()`` reads after the server's name ("the IMAP server
    imap.example.cn:993 gave no whole reply within 30 s"); not an ``OSError``, so that no
    library turns it into one of its own errors on the way out."""


class TooSlow(NetworkLimit):
    """No whole reply within the time allowed."""


class TooLarge(NetworkLimit):
    """A reply, or a part of one, larger than allowed."""


class Exchange:
    """A deadline and a byte budget for what a server sends: :meth:`start` it when a request
    goes out (or the connection opens); the reply must then arrive whole within ``seconds``
    and hold at most ``max_bytes``."""

    def __init__(self, seconds: float, max_bytes: int) -> None:
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.ends = time.monotonic() + seconds
        self.received = 0

    def start(self) -> None:
        """A new reply is awaited: the whole time and the whole budget again."""
        self.ends = time.monotonic() + self.seconds
        self.received = 0

    def too_slow(self) -> TooSlow:
        return TooSlow(f"gave no whole reply within {self.seconds:g} s")

    def remaining(self) -> float:
        """The seconds left; :class:`TooSlow` when there are none."""
        left = self.ends - time.monotonic()
        if left <= 0:
            raise self.too_slow()
        return left

    def took(self, n: int) -> None:
        """``n`` more bytes arrived; :class:`TooLarge` past the budget."""
        self.received += n
        if self.received > self.max_bytes:
            raise TooLarge(f"sent a reply of more than {self.max_bytes:,} bytes")


class _TimedIO(io.RawIOBase):
    """The socket's own raw file (which keeps the socket open while it is), each read within
    the exchange's time left and counted against its budget."""

    def __init__(self, sock: socket.socket, exchange: Exchange) -> None:
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)
        self._exchange = exchange

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._sock.fileno()

    def readinto(self, buffer) -> int:
        exchange = self._exchange
        self._sock.settimeout(exchange.remaining())
        try:
            n = self._raw.readinto(buffer)
        except TimeoutError:
            raise exchange.too_slow() from None
        finally:
            try:
                self._sock.settimeout(exchange.seconds)  # for connecting and sending
            except OSError:  # closed meanwhile
                pass
        n = n or 0
        exchange.took(n)
        return n

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def reader(sock: socket.socket, exchange: Exchange) -> io.BufferedReader:
    """A buffered file reading ``sock`` (plain or TLS) within ``exchange``'s deadline and
    budget (:meth:`Exchange.start` it for each reply). Closing it does not close the socket,
    which stays open until both are closed."""
    return io.BufferedReader(_TimedIO(sock, exchange))
