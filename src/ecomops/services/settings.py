"""``ecomops config show`` and ``config check``: the settings in force, and whether each
configured server can be reached (nothing is sent, posted, written or created)."""

from __future__ import annotations

from collections.abc import Callable

from ecomops.config import Settings
from ecomops.errors import EcomopsError
from ecomops.views import ConfigCheckOut, ConfigOut, ServerCheckOut, SettingOut

#: the deadline of each server's check, in seconds, unless told otherwise
TIMEOUT_S = 5


def show_settings(settings: Settings) -> ConfigOut:
    """Every setting in force, secrets masked, each with where it came from."""
    rows = [
        SettingOut(
            key=s.key.dotted,
            value=s.shown(),
            source=s.source,
            origin=s.origin,
            environment=list(s.key.env),
            option=s.key.option,
            secret=bool(s.key.secret),
        )
        for s in settings.all()
    ]
    return ConfigOut(
        file=str(settings.file),
        found=settings.found,
        database=settings.database.shown(),
        settings=rows,
        warnings=list(settings.warnings),
    )


#: how a failed check's error reads
Said = Callable[[EcomopsError], str]


def check_servers(
    settings: Settings,
    *,
    timeout: int = TIMEOUT_S,
    said: Callable[[EcomopsError], str] = EcomopsError.plain,
) -> ConfigCheckOut:
    """Try the database, the mail server, the mailbox and the group robot that ``settings``
    configure, each within ``timeout`` seconds: connect, greet, encrypt and log in as a real
    run would, then leave without sending, posting or writing anything. ``said``: how a
    failure reads (default: the domain's words; the command line passes its own)."""
    checks = [
        _database(settings, timeout, said),
        _smtp(settings, timeout, said),
        _imap(settings, timeout, said),
        _webhook(settings, timeout, said),
    ]
    return ConfigCheckOut(
        ok=all(c.status != "failed" for c in checks), timeout=timeout, checks=checks
    )


def _tried(
    server: str,
    where: str | None,
    attempt: Callable[[], str],
    said: Callable[[EcomopsError], str] = EcomopsError.plain,
) -> ServerCheckOut:
    """``attempt`` as the check of ``server`` at ``where`` (None: not configured): ok with
    what it did, or failed with why."""
    if where is None:
        return ServerCheckOut(server=server, status="not_configured", target=None, detail=None)
    try:
        done = attempt()
    except EcomopsError as exc:
        return _failed(server, where, said(exc))
    except Exception as exc:  # a network library's surprise is a failed check, not a crash
        return _failed(server, where, f"{type(exc).__name__}: {exc}")
    return ServerCheckOut(server=server, status="ok", target=where, detail=done)


def _failed(server: str, where: str | None, why: str) -> ServerCheckOut:
    return ServerCheckOut(server=server, status="failed", target=where, detail=why)


def _database(settings: Settings, timeout: int, said: Said) -> ServerCheckOut:
    from ecomops.services.database import check_database

    choice = settings.database
    return _tried(
        "database",
        choice.shown(),
        lambda: check_database(choice.file, choice.url, timeout=timeout),
        said,
    )


def _smtp(settings: Settings, timeout: int, said: Said) -> ServerCheckOut:
    from ecomops.services.mail import check

    smtp = settings.smtp
    if smtp is None:
        return _tried("smtp", None, str, said)
    return _tried("smtp", smtp.describe(), lambda: check(smtp, timeout=timeout), said)


def _imap(settings: Settings, timeout: int, said: Said) -> ServerCheckOut:
    from ecomops.services.mailbox import check

    imap = settings.imap
    if imap is None:
        return _tried("imap", None, str, said)
    where = f"{imap.user or ''}@{imap.describe()}/{imap.folder}"
    return _tried("imap", where, lambda: check(imap, timeout=timeout), said)


def _webhook(settings: Settings, timeout: int, said: Said) -> ServerCheckOut:
    from ecomops.services.webhook import check

    try:
        hook = settings.webhook
    except EcomopsError as exc:  # a URL that is not https, a robot that cannot be told
        return _failed("webhook", None, str(exc))
    if hook is None:
        return _tried("webhook", None, str, said)
    return _tried("webhook", hook.describe(), lambda: check(hook, timeout=timeout), said)
