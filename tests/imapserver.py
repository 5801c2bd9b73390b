"""A real IMAP server on 127.0.0.1 for the tests: Dovecot (Debian's ``dovecot-imapd``) started
with a throwaway configuration, plain text or TLS with a throwaway certificate authority
(trustme), a static password and a static user, and a Maildir in a temporary folder.

Messages are placed with IMAP ``APPEND`` and an internal date of the test's choosing, as a
mail server records a message's arrival. Dovecot missing: the test is skipped on a developer's
machine and fails under CI (``CI`` set), where ``.ci/run`` installs it.
"""

from __future__ import annotations

import dataclasses
import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from tests.mailserver import free_port

USER, PASSWORD = "head@huhao.example", "imap-s3cret"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def dovecot_or_skip() -> str:
    """The ``dovecot`` binary; a missing one fails the test under CI and skips it elsewhere."""
    if os.path.exists(DOVECOT):
        return DOVECOT
    message = "Dovecot is not installed (Debian: apt-get install dovecot-imapd)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def real_clock_env() -> dict[str, str]:
    """This environment without libfaketime's: the far-date lane (``faketime … pytest``) moves
    the clock of ecomops, not the mail server's (on a faked clock Dovecot kept some of 16 logins
    at once waiting past the client's 30 s timeout)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKETIME", "DONT_FAKE_"))}
    preload = [lib for lib in env.pop("LD_PRELOAD", "").split() if "faketime" not in lib]
    if preload:
        env["LD_PRELOAD"] = " ".join(preload)
    return env


@dataclass
class Imap:
    """A running Dovecot: where it listens and how to log in; ``append`` places a message."""

    port: int
    tls: str
    cafile: Path | None
    log: Path
    user: str = USER
    password: str = PASSWORD

    def env(self) -> dict[str, str]:
        """The ``ECOMOPS_IMAP_*`` settings that reach this server."""
        env = {
            "ECOMOPS_IMAP_HOST": "127.0.0.1",
            "ECOMOPS_IMAP_PORT": str(self.port),
            "ECOMOPS_IMAP_USER": self.user,
            "ECOMOPS_IMAP_PASSWORD": self.password,
        }
        if self.tls == "implicit":
            env["ECOMOPS_IMAP_TLS"] = "1"
        if self.tls == "none":
            env["ECOMOPS_IMAP_INSECURE"] = "1"
        if self.cafile is not None:
            env["ECOMOPS_IMAP_CAFILE"] = str(self.cafile)
        return env

    @contextmanager
    def client(self) -> Iterator[imaplib.IMAP4]:
        """A logged-in client of the test's own (not the code under test)."""
        conn: imaplib.IMAP4
        if self.tls == "implicit":
            context = ssl.create_default_context(cafile=str(self.cafile))
            conn = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context)
        else:
            conn = imaplib.IMAP4("127.0.0.1", self.port)
            if self.tls == "starttls":
                conn.starttls(ssl.create_default_context(cafile=str(self.cafile)))
        try:
            conn.login(self.user, self.password)
            yield conn
        finally:
            try:
                conn.logout()
            except (imaplib.IMAP4.error, OSError):
                pass

    def append(self, raw: bytes, received: datetime, folder: str = "INBOX") -> None:
        """Place a message in ``folder`` as received at ``received`` (its INTERNALDATE)."""
        with self.client() as c:
            if folder != "INBOX":
                c.create(folder)
            typ, data = c.append(folder, "", imaplib.Time2Internaldate(received), raw)
            assert typ == "OK", data

    def folder(self, name: str = "INBOX") -> list[tuple[bytes, bytes]]:
        """The messages in ``name``: (flags, RFC 822 text) of each, by UID, without marking
        them read."""
        with self.client() as c:
            from ecomops.services.mailbox import quote_folder

            typ, _ = c.select(quote_folder(name), readonly=True)
            if typ != "OK":
                return []
            typ, data = c.uid("SEARCH", "ALL")
            uids = data[0].split() if data and data[0] else []
            out = []
            for uid in uids:
                typ, parts = c.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                first = parts[0]
                assert isinstance(first, tuple)
                out.append((first[0], first[1]))
            return out


def _config(
    root: Path,
    port: int,
    tls: str,
    uid: int,
    gid: int,
    login: str | None,
    userip_connections: int = 64,
) -> str:
    """Dovecot's configuration; ``login``: the user every process runs as (when not started
    as root, which runs them as ``dovecot`` and ``dovenull``)."""
    plain, implicit = (0, port) if tls == "implicit" else (port, 0)
    listeners = (
        f"  inet_listener imap {{\n    address = 127.0.0.1\n    port = {plain}\n  }}\n"
        f"  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {implicit}\n"
        "    ssl = yes\n  }\n"
    )
    users = ""
    if login is not None:
        group = grp.getgrgid(gid).gr_name
        users = (
            f"default_internal_user = {login}\ndefault_internal_group = {group}\n"
            f"default_login_user = {login}\n"
        )
    ssl_lines = (
        "ssl = no\n"
        if tls == "none"
        else f"ssl = required\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem\n"
    )
    return f"""\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl_lines}disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
# many runs of `plan collect` at once (the race test) log in from one address as one user
mail_max_userip_connections = {userip_connections}
{users}mail_location = maildir:{root}/mail/%n
mail_access_groups =
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%n
}}
service imap-login {{
{listeners}}}
service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def _wait(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"dovecot exited with {proc.returncode}: {text[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("dovecot did not start listening within 20 s")


@contextmanager
def serve(folder: Path, *, tls: str = "none", userip_connections: int = 64) -> Iterator[Imap]:
    """Dovecot on a free port of 127.0.0.1: ``tls`` is ``none`` (plain text), ``starttls``
    or ``implicit``; ``userip_connections``: how many logins of one user from one address it
    takes at once; stopped (and its files removed) when the block ends.

    Run as root (the mail processes then run as the ``dovecot`` user, whom ``imap-login``
    needs since it refuses root) or as an ordinary user (everything runs as that user)."""
    binary = dovecot_or_skip()
    login: str | None = None
    if os.geteuid() == 0:
        user = pwd.getpwnam("dovecot")
        uid, gid = user.pw_uid, user.pw_gid
        # the mail processes run as dovecot: a folder it can reach (not under pytest's 0700 one)
        root = Path(tempfile.mkdtemp(prefix="ecomops-dovecot-"))
        root.chmod(0o711)
    else:
        uid, gid = os.getuid(), os.getgid()
        login = pwd.getpwuid(uid).pw_name
        root = folder / "dovecot"
        root.mkdir()
    cafile: Path | None = None
    try:
        for sub in ("run", "state"):
            (root / sub).mkdir()
        mail = root / "mail"
        mail.mkdir(mode=0o700)
        os.chown(mail, uid, gid)
        if tls != "none":
            import trustme

            ca = trustme.CA()
            cert = ca.issue_cert("127.0.0.1", "localhost")
            cert.private_key_pem.write_to_path(str(root / "key.pem"))
            cert.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
            (root / "key.pem").chmod(0o600)
            cafile = folder / "imap-ca.pem"
            ca.cert_pem.write_to_path(str(cafile))
        port = free_port()
        conf = root / "dovecot.conf"
        conf.write_text(
            _config(root, port, tls, uid, gid, login, userip_connections), encoding="utf-8"
        )
        conf.chmod(0o600)
        log = root / "dovecot.log"
        with open(root / "stderr.log", "wb") as errors:
            proc = subprocess.Popen(
                [binary, "-F", "-c", str(conf)],
                env=real_clock_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        try:
            _wait(port, proc, log)
            yield Imap(port=port, tls=tls, cafile=cafile, log=log)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    finally:
        if root.parent != folder:
            shutil.rmtree(root, ignore_errors=True)


class Shared:
    """One Dovecot per ``tls`` mode for the whole test session (the ``dovecot`` fixture of
    tests/conftest.py), started when first asked for; each test logs in as a user of its own
    (the password database takes any name), so it has a mailbox of its own."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._servers: dict[str, Imap] = {}

    def __call__(self, tls: str = "none") -> Imap:
        if tls not in self._servers:
            dovecot_or_skip()
            folder = Path(tempfile.mkdtemp(prefix="ecomops-imap-"))
            self._stack.callback(shutil.rmtree, folder, ignore_errors=True)
            self._servers[tls] = self._stack.enter_context(serve(folder, tls=tls))
        user = f"head-{uuid.uuid4().hex[:10]}@huhao.example"
        return dataclasses.replace(self._servers[tls], user=user)

    def close(self) -> None:
        self._stack.close()
