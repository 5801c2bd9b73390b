"""Posting a text message to a group robot: WeCom (企业微信), DingTalk (钉钉) or Feishu (飞书).

Each robot takes a JSON text message of its own shape, POSTed to the webhook URL it gives:

- WeCom: ``{"msgtype": "text", "text": {"content": …}}``; answers ``{"errcode": 0, …}``; a
  text holds at most 2,048 bytes.
- DingTalk: ``{"msgtype": "text", "text": {"content": …}}``; with a signing secret the URL
  also carries ``timestamp`` (milliseconds) and ``sign`` = Base64(HMAC-SHA256(key=secret,
  msg="{timestamp}\\n{secret}")); answers ``{"errcode": 0, …}``.
- Feishu: ``{"msg_type": "text", "content": {"text": …}}``; with a signing secret the body
  also carries ``timestamp`` (seconds, a string) and ``sign`` = Base64(HMAC-SHA256(
  key="{timestamp}\\n{secret}", msg="")); answers ``{"code": 0, …}`` (older robots:
  ``{"StatusCode": 0, …}``).

Any other answer, an HTTP error, a redirect (never followed: the key would go to wherever it
points), or no whole answer within ``[network] timeout`` is a failed send
(:class:`WebhookError`); at most :data:`ANSWER_MAX` bytes of an answer are read. The URL (which
carries the robot's key) and the secret never appear in a message, nor in what a robot's
answer is quoted of: the robot is named by its host and kind.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import io
import json
import re
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import (
    quote,
    quote_plus,
    unquote,
    unquote_plus,
    urlencode,
    urlsplit,
    urlunsplit,
)

from ecomops.clock import wall_clock
from ecomops.config import Webhook
from ecomops.errors import EcomopsError
from ecomops.net import Exchange, NetworkLimit, reader

#: the most of a robot's answer that is read (its JSON is a few dozen bytes)
ANSWER_MAX = 64 * 1024
#: the most of the whole reply: status line, headers and answer
REPLY_MAX = 1024 * 1024
#: the most of what a robot said that an error quotes
QUOTE_MAX = 200
#: what each robot takes in one message: WeCom a text ``content`` of at most 2,048 bytes
#: (errcode 40058 past it; 4,096 is markdown's limit, and a text needs no escaping); DingTalk
#: a request body of at most 20,000 bytes (errcode 460101 "message too long, exceed 20000
#: bytes"); Feishu a request body of at most 20 KB. Counted in UTF-8 bytes: WeCom's of the
#: text, the others' of the whole JSON body.
TEXT_MAX = {"wecom": 2048}
BODY_MAX = {"dingtalk": 20_000, "feishu": 20 * 1024}
#: the most messages one text becomes: WeCom and DingTalk take 20 messages a minute from a
#: robot (DingTalk then refuses it for 10 minutes), Feishu 100 a minute and 5 a second
MAX_PARTS = 10
#: room kept in each part for its number, " (10/10)"
_NUMBER = " (99/99)"
#: where a line too long for one message may be broken: after a name in a list of names
#: (``names()`` in core.remind: "、" in Chinese, ", " in English), else after a space
_BREAKS = re.compile(r"(?<=、)|(?<=, )|(?<=，)|(?<=；)|(?<=; )")
_SPACES = re.compile(r"(?<= )")


class WebhookError(EcomopsError):
    """The robot did not take the message."""


def fit(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, at a character boundary, ending in "…"
    when cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[: limit - len("…".encode())].decode("utf-8", errors="ignore")
    return cut + "…"


def _shown(hook: Webhook, text: str) -> str:
    """The text as the robot is sent it: Feishu reads <at user_id="…"> in a text as a
    mention, so a name is shown, never a tag."""
    return text.replace("<", "＜") if hook.kind == "feishu" else text


def _size(hook: Webhook) -> Callable[[str], int]:
    """What a piece of text costs of the robot's limit, in bytes (additive: the cost of a
    text is the sum of its pieces')."""
    if hook.kind in TEXT_MAX:
        return lambda text: len(text.encode("utf-8"))
    return lambda text: len(json.dumps(text, ensure_ascii=False).encode("utf-8")) - 2


def _budget(hook: Webhook) -> int:
    """The bytes a message's text may cost."""
    if hook.kind in TEXT_MAX:
        return TEXT_MAX[hook.kind]
    # the body around an empty text, signed (the signature's fields are in Feishu's body),
    # and a margin for a longer timestamp
    _url, body = request_of(hook, "", datetime(2026, 1, 1, tzinfo=UTC))
    frame = len(json.dumps(body, ensure_ascii=False).encode("utf-8"))
    return BODY_MAX[hook.kind] - frame - 32


def parts(hook: Webhook, text: str) -> list[str]:
    """``text`` as the messages the robot takes: itself when it fits, else several, each
    within the robot's limit, numbered after the heading (the first line) that each repeats:
    "[ecomops] Monday plans 2026-W48: not in yet (1/3)". Never cut inside a line or a name:
    a line too long for one message is broken after a name of its list (or a space) and goes
    on in the next. Past :data:`MAX_PARTS` messages the last one says how many names (or
    lines) it leaves out: "… +N"."""
    text = _shown(hook, text)
    size, budget = _size(hook), _budget(hook)
    if size(text) <= budget:
        return [text]
    heading, _, rest = text.partition("\n")
    room = budget - size(heading) - size(_NUMBER) - size("\n")
    # atoms: (starts a new line, text), each within ``room``
    atoms: list[tuple[bool, str]] = []
    for line in rest.split("\n"):
        if size(line) <= room:
            atoms.append((True, line))
            continue
        pieces = [p for p in _BREAKS.split(line) if p]
        pieces = [q for p in pieces for q in ([p] if size(p) <= room else _SPACES.split(p)) if q]
        for i, piece in enumerate(pieces):
            atoms.append((i == 0, piece if size(piece) <= room else fit(piece, room)))
    bodies: list[list[str]] = []
    used = room + 1  # no part yet
    for new_line, atom in atoms:
        cost = size(atom) + (size("\n") if new_line else 0)
        if used + cost > room:
            bodies.append([atom])  # a part goes on from where the last one stopped
            used = size(atom)
            continue
        if new_line:
            bodies[-1].append("\n")
        bodies[-1].append(atom)
        used += cost
    left_out = 0
    if len(bodies) > MAX_PARTS:
        left_out = sum(len([a for a in b if a != "\n"]) for b in bodies[MAX_PARTS - 1 :])
        bodies = bodies[: MAX_PARTS - 1]
        bodies.append([f"… +{left_out}"])
    n = len(bodies)
    return [f"{heading} ({i}/{n})\n" + "".join(b) for i, b in enumerate(bodies, 1)]


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature (before URL encoding)."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: the HMAC of an empty message keyed by timestamp and secret."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def request_of(hook: Webhook, text: str, at: datetime) -> tuple[str, dict]:
    """The URL to POST to and the JSON body for ``text`` (one message: see :func:`parts`),
    signed at ``at`` when the robot has a secret."""
    content = _shown(hook, text)
    url = hook.url
    if hook.kind == "feishu":
        body: dict = {"msg_type": "text", "content": {"text": content}}
        if hook.secret:
            stamp = int(at.timestamp())
            body.update(timestamp=str(stamp), sign=feishu_sign(hook.secret, stamp))
        return url, body
    body = {"msgtype": "text", "text": {"content": content}}
    if hook.kind == "dingtalk" and hook.secret:
        stamp_ms = int(at.timestamp() * 1000)
        parts = urlsplit(url)
        extra = urlencode({"timestamp": stamp_ms, "sign": dingtalk_sign(hook.secret, stamp_ms)})
        query = f"{parts.query}&{extra}" if parts.query else extra
        url = urlunsplit(parts._replace(query=query))
    return url, body


def _secrets(hook: Webhook, url: str) -> list[str]:
    """What must never be shown: the URLs, every value of their queries (WeCom's ``key``,
    DingTalk's ``access_token``, the signature), the path's key (Feishu's last segment, any
    segment with a digit in it) and the secret, as written and URL-encoded; longest first."""
    found: set[str] = {hook.url, url}
    if hook.secret:
        found.add(hook.secret)
    for address in (hook.url, url):
        parts = urlsplit(address)
        found.update((parts.query, parts.path))
        for pair in parts.query.split("&"):
            value = pair.partition("=")[2]
            found.update((value, unquote_plus(value)))
        segments = [p for p in parts.path.split("/") if p]
        found.update(p for p in segments if len(p) >= 8 and any(c.isdigit() for c in p))
        if segments and len(segments[-1]) >= 8:
            found.add(segments[-1])
    found |= {quote(x, safe="") for x in found} | {quote_plus(x) for x in found}
    return sorted((x for x in found if len(x) >= 4), key=len, reverse=True)


def _hide(text: str, hook: Webhook, url: str | None = None) -> str:
    """``text`` without the URL's key or the secret, should a library or the robot have quoted
    them."""
    for secret in _secrets(hook, url or hook.url):
        text = text.replace(secret, "***")
    return text


def _quoted(said: object, hook: Webhook, url: str) -> str:
    """What a robot said, as an error may quote it: masked (its percent-escapes decoded too),
    then one line, cut short."""
    text = _hide(unquote(_hide(str(said), hook, url)), hook, url)
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1] + "…"


class _Socket:
    """A connected socket whose sends and response keep to the exchange's deadline (the
    response is read through :func:`ecomops.net.reader`)."""

    def __init__(self, sock: socket.socket, exchange: Exchange) -> None:
        self._sock = sock
        self._exchange = exchange

    def makefile(self, *_args: Any, **_kw: Any) -> io.BufferedReader:
        return reader(self._sock, self._exchange)

    def sendall(self, data: Any) -> None:
        self._sock.settimeout(self._exchange.remaining())  # for the whole send
        self._sock.sendall(data)

    def close(self) -> None:
        self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Connection(http.client.HTTPConnection):
    """An HTTP connection whose connecting, request and whole response fit in the exchange's
    time, and whose response holds at most its bytes."""

    def __init__(self, host: str, *, exchange: Exchange, **kw: Any) -> None:
        super().__init__(host, **kw)
        self.exchange = exchange
        self._create_connection = self._connect_within

    def _connect_within(self, address, _timeout=None, source_address=None) -> socket.socket:
        sock = socket.create_connection(address, self.exchange.remaining(), source_address)
        sock.settimeout(self.exchange.remaining())  # the TLS handshake, if any
        return sock

    def connect(self) -> None:
        super().connect()
        self.sock = _Socket(self.sock, self.exchange)


class _TLSConnection(_Connection, http.client.HTTPSConnection):
    """:class:`_Connection` over TLS (the system's certificate authorities)."""


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, exchange: Exchange) -> None:
        super().__init__()
        self.exchange = exchange

    def http_open(self, req):
        return self.do_open(partial(_Connection, exchange=self.exchange), req)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, exchange: Exchange) -> None:
        super().__init__()
        self.exchange = exchange

    def https_open(self, req):
        return self.do_open(partial(_TLSConnection, exchange=self.exchange), req)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed (urllib then raises it as an HTTP error): the URL carries
    the robot's key, and the message would go wherever the answer points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def post(hook: Webhook, text: str, *, at: Callable[[], datetime] = wall_clock) -> int:
    """Post ``text`` to the robot as the messages it takes (:func:`parts`), in order, each
    signed at the real time it is posted (``at``); return how many. Raise
    :class:`WebhookError` at the first the robot does not answer, whole within
    ``hook.timeout``, that it took (saying which, and that those before it went)."""
    texts = parts(hook, text)
    for i, part in enumerate(texts, 1):
        try:
            _post_one(hook, part, at())
        except WebhookError as exc:
            if len(texts) == 1:
                raise
            went = f"; messages 1–{i - 1} went" if i > 1 else ""
            raise WebhookError(
                f"message {i} of {len(texts)}: {exc.message}{went}", exc.hint
            ) from None
    return len(texts)


def _post_one(hook: Webhook, content: str, at: datetime) -> None:
    """Post one message's ``content`` (within the robot's limit), signed at ``at``."""
    where = hook.describe()
    url, body = request_of(hook, content, at)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    exchange = Exchange(hook.timeout, REPLY_MAX)
    opener = urllib.request.build_opener(_NoRedirect, _HTTP(exchange), _HTTPS(exchange))
    try:  # urllib verifies the robot's certificate against the system's authorities
        with opener.open(request, timeout=hook.timeout) as response:
            raw = response.read(ANSWER_MAX + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        if 300 <= exc.code < 400:
            raise WebhookError(
                f"the robot at {where} answered HTTP {exc.code}, a redirect: not followed",
                "check ECOMOPS_WEBHOOK_URL (copy the robot's address again)",
            ) from None
        raise WebhookError(
            f"the robot at {where} answered HTTP {exc.code} {_quoted(exc.reason, hook, url)}"
        ) from None
    except NetworkLimit as exc:
        raise WebhookError(
            f"the robot at {where} {exc}",
            "[network] timeout (ECOMOPS_NETWORK_TIMEOUT) sets the time an answer may take",
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise WebhookError(
            f"cannot reach the robot at {where}: {_quoted(reason, hook, url)}",
            "check [webhook] url (ECOMOPS_WEBHOOK_URL)",
        ) from None
    if len(raw) > ANSWER_MAX:
        raise WebhookError(
            f"the robot at {where} gave an answer of more than {ANSWER_MAX // 1024} KB"
        )
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WebhookError(f"the robot at {where} gave an answer that is not JSON") from None
    if not isinstance(answer, dict):
        raise WebhookError(f"the robot at {where} gave an unexpected answer")
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode")))
    if code != 0:
        detail = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
        said = _quoted(f"{code} {detail}".rstrip(), hook, url)
        raise WebhookError(f"the robot at {where} refused the message: {said}")


def check(hook: Webhook, *, timeout: float) -> str:
    """Reach the robot's host without posting anything (a post would be a message in the
    group, and the robots have no call that is not one): look up its name, connect, and over
    https complete the TLS handshake, verifying its certificate. Returns what was done;
    raises :class:`WebhookError`."""
    import socket

    where = hook.describe()
    parts = urlsplit(hook.url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    try:
        port = parts.port or (443 if secure else 80)
        with socket.create_connection((host, port), timeout=timeout) as sock:
            if secure:
                context = ssl.create_default_context()
                with context.wrap_socket(sock, server_hostname=host):
                    pass
    except ValueError as exc:  # a port that is not a number
        raise WebhookError(
            f"the robot's URL is not usable: {exc}", "check [webhook] url (ECOMOPS_WEBHOOK_URL)"
        ) from None
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        detail = (
            f"certificate verify failed: {exc.verify_message}"
            if isinstance(exc, ssl.SSLCertVerificationError)
            else exc.strerror or str(exc)
            if isinstance(exc, OSError)
            else str(exc)
        )
        raise WebhookError(
            _hide(f"cannot reach the robot at {where}: {detail}", hook),
            "check [webhook] url (ECOMOPS_WEBHOOK_URL)",
        ) from None
    how = "TLS handshake done, certificate verified" if secure else "plain http"
    return f"connected to {host}:{port} ({how}); no message posted"
