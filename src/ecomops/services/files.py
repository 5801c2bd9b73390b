"""Reading the files people hand us (CSV from Excel: UTF-8 with or without BOM, or GB18030)."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ecomops.errors import InvalidInput, NotFound

#: the largest text file read (a roster or a cycle's sheets is a few KB)
MAX_TEXT_BYTES = 32 * 2**20
ENCODINGS = "utf-8, gb18030, big5 or latin-1"
#: the byte-order mark some editors put first, in whatever encoding
BOM = "\ufeff"


def read_bytes(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """A file a user gave, whole, refused with one line when missing, unreadable or larger
    than ``limit`` bytes (never read past it: /dev/zero)."""
    file = str(path)
    try:
        with path.open("rb") as fh:  # at most ``limit``, and one more to know
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise NotFound(f"no file at {file}") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror}") from None
    if len(raw) > limit:
        raise InvalidInput(f"{file} is larger than {limit // 2**20} MB", "is it the right file?")
    return raw


def read_text(path: Path, encoding: str | None = None) -> str:
    """A text file a user gave (a CSV from Excel, a plan), refused with one line when unreadable.

    With ``encoding`` (the command's ``--encoding``), decoded with that codec. Without it:
    UTF-8 (with or without a BOM); else GB18030 when the bytes decode cleanly *and* read as
    Chinese text (:func:`_reads_as_chinese`); else refused with a hint to name the encoding.
    So a Latin-1 "Renée" (which GB18030 decodes as "Ren閑") is refused, never read garbled."""
    import codecs

    file = str(path)
    codec = name = None
    if encoding is not None:
        name = encoding.strip()
        try:
            info = codecs.lookup(name)
        except (LookupError, ValueError):  # ValueError: a NUL in the name
            info = None
        if info is None or not getattr(info, "_is_text_encoding", True):  # base64, rot13 …
            raise InvalidInput(
                f"unknown encoding {encoding[:40]!r}", f"use one such as {ENCODINGS}",
                param="encoding",
            )
        codec = "utf-8-sig" if info.name == "utf-8" else info.name  # a BOM is not text
    raw = read_bytes(path)
    if codec is not None:
        try:
            return raw.decode(codec).removeprefix(BOM)
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{file}: not {name} text ({_bad_byte(raw, exc)})",
                f"name the file's encoding, e.g. {ENCODINGS}",
                param="encoding",
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        not_utf8 = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _reads_as_chinese(text.removeprefix(BOM)):
        return text.removeprefix(BOM)  # GB18030's byte-order mark (84 31 95 33) is no text
    raise InvalidInput(
        f"{file}: not UTF-8 text ({_bad_byte(raw, not_utf8)}), nor Chinese text in GB18030",
        "save it as UTF-8 CSV, or name its encoding with {param:encoding} "
        "(e.g. {param:encoding} latin-1, gb18030 or big5)",
    )


def _bad_byte(raw: bytes, exc: UnicodeDecodeError) -> str:
    line = raw.count(b"\n", 0, exc.start) + 1
    return f"byte 0x{raw[exc.start]:02X} on line {line}"


#: what Chinese text holds besides ideographs: CJK and full-width punctuation, the middle dot
#: of transcribed names, quotes and dashes, ①, Ⅱ, ■, ×
_CHINESE_MARKS = (
    (0x00B7, 0x00B7), (0x00D7, 0x00D7), (0x00F7, 0x00F7), (0x2010, 0x206F),
    (0x2160, 0x217F), (0x2460, 0x24FF), (0x2500, 0x25FF), (0x3000, 0x303F),
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
)
_IDEOGRAPHS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


def _within(ch: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in ranges)


def _reads_as_chinese(text: str) -> bool:
    """Whether text decoded as GB18030 reads as Chinese: nearly all (90 %) of its non-ASCII
    characters are ideographs or Chinese punctuation, and most of its ideographs do not touch a
    Latin letter. Latin-1 (or Windows-1252) text read as GB18030 fails the second test: an
    accented letter and the byte after it become one ideograph inside the letters of its word
    ("Renée" → "Ren閑", "Müller" → "M黮ler"), while Chinese text puts a Latin letter against
    an ideograph now and then ("A级", "KPI达标"), not everywhere."""
    ideographs = glued = others = 0
    for i, ch in enumerate(text):
        if ch < "\x80":
            continue
        if _within(ch, _IDEOGRAPHS):
            ideographs += 1
            around = text[i - 1 : i] + text[i + 1 : i + 2]
            if any(c.isascii() and c.isalpha() for c in around):
                glued += 1
        elif not _within(ch, _CHINESE_MARKS):
            others += 1
    return ideographs > 0 and 10 * others <= ideographs and 2 * glued <= ideographs


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


def _modes(db: Path) -> Iterator[tuple[Path, int]]:
    """The database file, its ``-wal`` and ``-shm`` files and its folder, each that exists
    with its mode."""
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), db.parent):
        try:
            mode = p.stat().st_mode
        except OSError:
            continue
        yield p, mode


def readable_by_others(db: Path) -> list[Path]:
    """The database file, its companions and its folder, where others may read them."""
    out = []
    for p, mode in _modes(db):
        if mode & (stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH):
            if p.is_dir() and not mode & (stat.S_IXGRP | stat.S_IXOTH):
                continue  # a folder others cannot enter keeps its files to itself
            out.append(p)
    return out


def writable_by_others(db: Path) -> list[Path]:
    """The database file, its companions and its folder, where others may write them (and so
    be anyone: a folder they may write lets them replace the file)."""
    out = []
    for p, mode in _modes(db):
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            if p.is_dir() and mode & stat.S_ISVTX:
                continue  # a sticky folder (/tmp): others may not replace what is not theirs
            out.append(p)
    return out


# --- files the tool writes where the user says (-o, db backup) --------------------------------

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


#: the first bytes of every SQLite database file
SQLITE_HEADER = b"SQLite format 3\x00"


def _is_database(path: Path) -> bool:
    """Whether ``path`` is a SQLite database, or a ``-wal``/``-shm``/``-journal`` file beside
    one (opened only to read its first bytes)."""
    for suffix in ("-wal", "-shm", "-journal"):
        if path.name.endswith(suffix):
            base = path.with_name(path.name[: -len(suffix)])
            if base.is_file() and _is_database(base):
                return True
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _trusted_link(info: os.stat_result, folder: Path) -> bool:
    """Whether a symbolic link may be followed for a write: the rule of the kernel's
    ``protected_symlinks``, made strict for shared folders. A link is followed when the caller
    or root owns it, or when its owner also owns a folder nobody else may write (so nobody else
    can have planted it there)."""
    if info.st_uid in (os.geteuid(), 0):
        return True
    try:
        where = folder.stat()
    except OSError:
        return False
    return where.st_uid == info.st_uid and not where.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _foreign_link(path: Path) -> tuple[Path, int] | None:
    """The first symbolic link on the way to ``path`` that :func:`_trusted_link` refuses, with
    its owner's uid; None when every link met is trusted (or there is none)."""
    queue = list(Path(os.path.join(os.getcwd(), path)).parts)
    current = Path(queue.pop(0))
    hops = 0
    while queue:
        part = queue.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            current = current.parent
            continue
        candidate = current / part
        try:
            info = os.lstat(candidate)
        except OSError:  # a new file (or folder): nothing further to follow
            current = candidate
            continue
        if not stat.S_ISLNK(info.st_mode):
            current = candidate
            continue
        if not _trusted_link(info, current):
            return candidate, info.st_uid
        hops += 1
        if hops > 40:  # a loop of links: stat() says so with its own words
            return None
        target = Path(os.readlink(candidate))
        if target.is_absolute():
            current = Path(target.anchor)
            queue = list(target.parts[1:]) + queue
        else:
            queue = list(target.parts) + queue
    return None


def output_path(
    path: str | os.PathLike[str], *, force: bool = True, database_ok: bool = False
) -> Path:
    """Where to write the file the user named: the path itself, or for a symbolic link the file
    it points to (the link stays a link; a dangling one gets its file). Refused with one line:
    no name, a missing folder, a loop of links, anything but a regular file (a folder, a
    device such as /dev/null, a FIFO), a SQLite database or its ``-wal``/``-shm`` (unless
    ``database_ok``: a backup replacing an older backup), and without ``force`` a file that
    exists."""
    name = os.fspath(path)
    if not name.strip():
        raise InvalidInput("no file name", "name the file to write")
    given = Path(name).expanduser()
    foreign = _foreign_link(given)
    if foreign is not None:
        link, uid = foreign
        raise InvalidInput(
            f"cannot write {given}: {link} is a symbolic link owned by another user (uid {uid})",
            "write to a file of your own, or have the link removed",
        )
    try:
        mode: int | None = given.stat().st_mode  # through links (/dev/stdout: the pipe)
    except FileNotFoundError:
        mode = None  # a new file (or a link to one)
    except OSError as exc:  # a loop of links, a folder we may not enter
        raise InvalidInput(f"cannot write {given}: {exc.strerror}") from None
    target = Path(os.path.realpath(given))  # a link's target; a missing file stays as named
    if mode is not None:
        if not stat.S_ISREG(mode):
            kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
            shown = f"{given} (→ {target})" if given.is_symlink() and target.exists() else given
            raise InvalidInput(f"cannot write {shown}: it is {kind}", "give the name of a file")
        if not database_ok and _is_database(target):  # the live one, say, by any name
            raise InvalidInput(
                f"{given} is a database; a report or export never replaces one",
                "give another file name",
            )
        if not force:
            raise InvalidInput(f"{given} already exists", "add {param:force} to replace it")
    if not target.parent.is_dir():
        raise InvalidInput(f"cannot write {given}: the folder {target.parent} does not exist")
    return target


def replace_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Have ``write`` fill a new private file (0600) beside ``target``, then move it into place:
    ``target`` is never half written, and a failure leaves no temporary file behind (nor the
    ``-journal``/``-wal``/``-shm`` SQLite may give it). ``target``: from :func:`output_path`."""
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror}") from None
    os.close(fd)
    scratch = Path(tmp)
    try:
        write(scratch)
        fd = os.open(scratch, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(scratch, target)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)


def write_output(path: str | os.PathLike[str], data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` (bytes, or pieces of them written as they come: a large report is
    never held whole) to the file the user named (see :func:`output_path`), atomically, as a
    private file; returns the file written (a link's target)."""
    target = output_path(path)

    def fill(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            if isinstance(data, bytes | bytearray):
                fh.write(data)
            else:
                for piece in data:
                    fh.write(piece)

    replace_atomically(target, fill)
    return target
