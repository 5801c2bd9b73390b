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

Any other answer, an HTTP error or no answer is a failed send (:class:`WebhookError`). The
URL (which carries the robot's key) and the secret never appear in a message: the robot is
named by its host and kind.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import ssl
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from ecomops.config import Webhook
from ecomops.errors import EcomopsError

TIMEOUT_S = 15
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


def _hide(text: str, hook: Webhook) -> str:
    """``text`` without the URL's key or the secret, should a library have quoted them."""
    parts = urlsplit(hook.url)
    for secret in (hook.url, parts.query, parts.path, hook.secret):
        if secret and len(secret) > 1:
            text = text.replace(secret, "***")
    return text


def post(hook: Webhook, text: str, *, at: datetime) -> None:
    """Post ``text`` to the robot, signed at ``at`` (the real time); raise
    :class:`WebhookError` unless it answers that it took the message."""
    where = hook.describe()
    url, body = request_of(hook, text, at)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:  # urllib verifies the robot's certificate against the system's authorities
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            raw = response.read(1 << 20)
    except urllib.error.HTTPError as exc:
        raise WebhookError(
            _hide(f"the robot at {where} answered HTTP {exc.code} {exc.reason}", hook)
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookError(
            _hide(f"cannot reach the robot at {where}: {reason}", hook),
            "check [webhook] url (ECOMOPS_WEBHOOK_URL)",
        ) from None
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WebhookError(f"the robot at {where} gave an answer that is not JSON") from None
    if not isinstance(answer, dict):
        raise WebhookError(f"the robot at {where} gave an unexpected answer")
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode")))
    if code != 0:
        detail = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
        raise WebhookError(
            _hide(f"the robot at {where} refused the message: {code} {detail}".rstrip(), hook)
        )


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
