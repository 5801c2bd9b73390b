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
import socket
import ssl
import urllib.error
import urllib.request
from datetime import datetime
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

from ecomops.config import Webhook
from ecomops.errors import EcomopsError
from ecomops.net import Exchange, NetworkLimit, reader

#: the most of a robot's answer that is read (its JSON is a few dozen bytes)
ANSWER_MAX = 64 * 1024
#: the most of the whole reply: status line, headers and answer
REPLY_MAX = 1024 * 1024
#: the most of what a robot said that an error quotes
QUOTE_MAX = 200
#: the most a text may hold, in UTF-8 bytes (WeCom documents 2,048; the others allow more,
#: 20 KB a request for DingTalk and Feishu: a group message is kept well inside it)
LIMITS = {"wecom": 2048, "dingtalk": 4000, "feishu": 4000}


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
    """The URL to POST to and the JSON body for ``text``, signed at ``at`` when the robot has
    a secret."""
    content = fit(text, LIMITS[hook.kind])
    url = hook.url
    if hook.kind == "feishu":
        # Feishu reads <at user_id="…"> in a text as a mention: a name is shown, never a tag
        body: dict = {"msg_type": "text", "content": {"text": content.replace("<", "＜")}}
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


def post(hook: Webhook, text: str, *, at: datetime) -> None:
    """Post ``text`` to the robot, signed at ``at`` (the real time); raise
    :class:`WebhookError` unless it answers, whole within ``hook.timeout``, that it took the
    message."""
    where = hook.describe()
    url, body = request_of(hook, text, at)
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
