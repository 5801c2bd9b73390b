"""A PostgreSQL server of the tests' own, started like a company's: TLS on (a throwaway CA made
by trustme, a certificate for 127.0.0.1 and localhost), listening on 127.0.0.1 only, every TCP
connection over TLS with a SCRAM password (``hostssl … scram-sha-256``; plain TCP rejected),
the superuser trusted only on the server's own Unix socket."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.mailserver import free_port

SUPERUSER_PASSWORD = "keeper:pw\\1"  # a ':' and a '\': the password file's escapes
HBA = """\
local   all   all                 trust
hostssl all   all   127.0.0.1/32  scram-sha-256
hostnossl all all   127.0.0.1/32  reject
"""


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    return found[-1].parent if found else None


def why_not() -> str | None:
    """Why a server cannot be started here (None: it can)."""
    if binaries() is None:
        return "no PostgreSQL server binaries (Debian: apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root with no 'postgres' user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root without runuser"
    return None


@dataclass(frozen=True)
class Server:
    port: int
    #: the CA that signed the server's certificate (what sslrootcert names)
    ca: Path
    folder: Path

    def url(self, database: str = "postgres", user: str = "postgres",
            password: str | None = SUPERUSER_PASSWORD) -> str:
        """A URL over TLS, the server's certificate checked (sslmode=verify-full)."""
        from urllib.parse import quote

        auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        return (
            f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"
            f"?sslmode=verify-full&sslrootcert={quote(str(self.ca))}"
        )

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run ``sql`` as the superuser over the server's socket; its output."""
        return _run(
            [str(binaries() / "psql"), "-X", "-A", "-t", "-h", str(self.folder), "-p",
             str(self.port), "-U", "postgres", "-d", database, "-c", sql],
        ).strip()


def _run(argv: list[str]) -> str:
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


@contextmanager
def tls_server() -> Iterator[Server]:
    """Start the server (one per test session: initdb takes seconds); stop it and remove its
    files afterwards."""
    import trustme

    bindir = binaries()
    assert bindir is not None
    folder = Path(tempfile.mkdtemp(prefix="ecomops-tls-pg."))
    os.chmod(folder, 0o755)  # the CA beside it is read by the tests' own user
    data = folder / "data"
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server_pem, key_pem = folder / "server.crt", folder / "server.key"
    cert.cert_chain_pems[0].write_to_path(str(server_pem))
    cert.private_key_pem.write_to_path(str(key_pem))
    os.chmod(key_pem, 0o600)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(server_pem, "postgres")
        shutil.chown(key_pem, "postgres")
    port = free_port()
    _run([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E",
          "UTF8", "--no-sync"])
    (data / "pg_hba.conf").write_text(HBA, encoding="utf-8")
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c ssl=on "
        f"-c ssl_cert_file={server_pem} -c ssl_key_file={key_pem} "
        "-c password_encryption=scram-sha-256 -c log_statement=all"
    )
    _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
          "-o", options, "start"])
    server = Server(port, ca_file, folder)
    try:
        escaped = SUPERUSER_PASSWORD.replace("'", "''")
        server.psql(f"ALTER ROLE postgres PASSWORD '{escaped}'")
        yield server
    finally:
        subprocess.run(
            (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else [])
            + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
