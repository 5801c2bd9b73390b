"""What a member needs to connect to a shared PostgreSQL database, in libpq's own conventions
(pure): a connection service entry and a password-file line.

- **The service entry** is a section of the connection service file (``~/.pg_service.conf``,
  or the file ``PGSERVICEFILE`` names): ``[ecomops]`` then ``key=value`` lines (``host``,
  ``port``, ``dbname``, ``user``, ``sslmode``, ``sslrootcert``). Any libpq client reads it:
  ``psql service=ecomops``, and ecomops with ``ECOMOPS_DATABASE_URL=postgresql:///?service=
  ecomops`` (SQLAlchemy hands ``service`` to psycopg2, which hands it to libpq).
- **The password line** goes in ``~/.pgpass`` (or the file ``PGPASSFILE`` names, mode 0600):
  ``hostname:port:database:username:password``, ``:`` and ``\\`` escaped with ``\\``; the
  hostname is the entry's ``host`` as written (a socket folder too), else ``localhost``.
- **TLS.** A server on another machine is reached with ``sslmode=verify-full`` (encrypted, and
  the server's certificate checked against its CA and its name) unless the keeper says
  otherwise; the CA is ``sslrootcert`` (libpq's default: ``~/.postgresql/root.crt``). A server
  on this machine (a loopback address, ``localhost``, a socket folder) is reached with libpq's
  own default, ``prefer``, unless a CA is given.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ecomops.errors import InvalidInput

#: the service's name in the service file, and the URL that uses it
SERVICE = "ecomops"
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
#: the modes that refuse a connection without TLS
ENCRYPTED = ("require", "verify-ca", "verify-full")


def is_local(host: str | None) -> bool:
    """Whether ``host`` is this machine: none (libpq's default socket), a socket folder, a
    loopback address or ``localhost``."""
    if not host or host.startswith("/") or host.startswith("@"):
        return True
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_sslmode(host: str | None, ca: str | None) -> str:
    """``verify-full`` for a server on another machine, or whenever a CA is given; libpq's own
    default, ``prefer``, on this machine."""
    return "verify-full" if ca or not is_local(host) else "prefer"


@dataclass(frozen=True, slots=True)
class Service:
    """One connection service: where the server is, the database, the role, and TLS."""

    host: str | None
    port: int | None
    dbname: str
    user: str
    sslmode: str
    #: the CA file that signed the server's certificate, as the member's machine names it
    sslrootcert: str | None = None
    name: str = SERVICE

    def __post_init__(self) -> None:
        if self.sslmode not in SSLMODES:
            raise InvalidInput(
                f"{self.sslmode!r} is not an sslmode", f"use one of {', '.join(SSLMODES)}",
                param="sslmode",
            )
        for key, value in self.items():
            if any(c in value for c in "\r\n\0") or value != value.strip():
                raise InvalidInput(
                    f"the service's {key} {value!r} cannot be written in a service file",
                    "no line breaks, and no spaces at either end",
                )

    def items(self) -> list[tuple[str, str]]:
        """The entry's keys and values, in libpq's order."""
        pairs = [
            ("host", self.host),
            ("port", None if self.port is None else str(self.port)),
            ("dbname", self.dbname),
            ("user", self.user),
            ("sslmode", self.sslmode),
            ("sslrootcert", self.sslrootcert),
        ]
        return [(k, v) for k, v in pairs if v is not None]

    @property
    def entry(self) -> str:
        """The section of the service file, ending in a newline."""
        return "".join([f"[{self.name}]\n", *(f"{k}={v}\n" for k, v in self.items())])

    @property
    def url(self) -> str:
        """The database URL that connects through this service."""
        return f"postgresql:///?service={self.name}"

    def pgpass(self, password: str) -> str:
        """The password file's line for this service (no newline)."""
        host = self.host or "localhost"
        fields = [host, str(self.port or 5432), self.dbname, self.user, password]
        return ":".join(pgpass_escape(f) for f in fields)


def pgpass_escape(value: str) -> str:
    """A field of a password-file line: ``\\`` and ``:`` escaped with ``\\``. A line break
    cannot be written (the file is one entry a line)."""
    if any(c in value for c in "\r\n"):
        raise InvalidInput("a password file's field cannot hold a line break")
    return value.replace("\\", "\\\\").replace(":", "\\:")
