"""Reading the files people hand us (CSV from Excel: UTF-8 with or without BOM, or GB18030)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ecomops.errors import InvalidInput, NotFound


def read_text(path: Path) -> str:
    """A text file a user gave (UTF-8, else GB18030), refused with one line when unreadable."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"no file at {file}") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(f"{file}: not UTF-8 or GB18030 text", "save the file as UTF-8 CSV")


# --- files the tool creates: readable by their owner only -------------------------------------


def private_folder(path: Path) -> None:
    """Create ``path`` (and missing parents) as folders only their owner can enter (0700)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for p in missing:
        os.chmod(p, 0o700)


def private_file(path: Path) -> None:
    """Create the empty file ``path`` readable by its owner only (0600), whatever the umask;
    SQLite gives its ``-wal`` and ``-shm`` files the same mode."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.fchmod(fd, 0o600)
    os.close(fd)


def readable_by_others(db: Path) -> list[Path]:
    """The database file, its companions and its folder, where others may read them."""
    out = []
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), db.parent):
        try:
            mode = p.stat().st_mode
        except OSError:
            continue
        if mode & (stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH):
            if p.is_dir() and not mode & (stat.S_IXGRP | stat.S_IXOTH):
                continue  # a folder others cannot enter keeps its files to itself
            out.append(p)
    return out
