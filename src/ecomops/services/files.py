"""Reading the files people hand us (CSV from Excel: UTF-8 with or without BOM, or GB18030)."""

from __future__ import annotations

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
