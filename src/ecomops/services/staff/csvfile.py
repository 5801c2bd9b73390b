"""A roster CSV file parsed: its columns (English or Chinese headers) and rows."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from operator import itemgetter
from typing import NamedTuple

from ecomops.errors import InvalidInput
from ecomops.text import key

HEADERS = {
    "name": "name",
    "姓名": "name",
    "position": "position",
    "岗位": "position",
    "职位": "position",
    "email": "email",
    "e-mail": "email",
    "邮箱": "email",
    "manager": "manager",
    "上级": "manager",
    "直接上级": "manager",
    "joined": "joined",
    "joined on": "joined",
    "入职日期": "joined",  # 入職日期 too: headers are compared in simplified characters
    "入职时间": "joined",
}


COLUMNS = "name, position, email, manager, joined"


class _NewStaff(NamedTuple):
    line: int
    name: str
    position: str
    email: str | None
    manager: str | None
    joined: str | None = None


class Problems:
    """The problems found in a file, each with its line as data (0: the file as a whole), to
    be said in the order of their lines (``append`` as on a list of them)."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def append(self, said: str, line: int = 0) -> None:
        self.found.append((line, said))

    def __len__(self) -> int:
        return len(self.found)

    def said(self) -> list[str]:
        """Each problem, in the order found."""
        return [text for _line, text in self.found]

    def by_line(self) -> list[str]:
        """Each problem, by its line (the file's own first; found order within a line)."""
        return [text for _line, text in sorted(self.found, key=itemgetter(0))]


def _lines(text: str) -> Iterator[str]:
    """``text``'s lines, each with its ``\\n`` (as a text file reads; a StringIO would hold a
    copy of the whole file at four bytes a character)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _read(text: str, file: str) -> tuple[list[_NewStaff], Problems, set[str]]:
    """The file's rows, every problem of the file itself, and the columns it has."""
    reader = csv.reader(_lines(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(
            f"{file} is empty", f"the first line names the columns: {COLUMNS.replace(' ', '')}"
        ) from None
    except csv.Error as exc:
        raise InvalidInput(f"{file}:1: {exc}") from None
    cols: list[str | None] = []
    problems = Problems()
    while header and not header[-1].strip():  # Excel's empty columns after the last one
        header.pop()
    unnamed: list[int] = []  # empty headers between named columns: ignored while empty
    for i, h in enumerate(header):
        col = HEADERS.get(key(h))
        if col is None and not h.strip():
            unnamed.append(i)
        elif col is None:
            problems.append(f"{file}:1: unknown column {h!r} (columns: {COLUMNS})", 1)
        cols.append(col)
    for need in ("name", "position"):
        if need not in cols:
            problems.append(f"{file}:1: the column {need!r} is missing", 1)
    if problems:
        return [], problems, set()
    where = {c: i for i, c in enumerate(cols) if c is not None}
    n_cols = len(cols)
    i_name, i_pos = where["name"], where["position"]
    i_mail, i_boss, i_join = where.get("email"), where.get("manager"), where.get("joined")
    rows = []
    try:
        for record in reader:
            while len(record) > n_cols and not record[-1].strip():
                record.pop()  # the empty cells of Excel's trailing columns
            if len(record) < n_cols and len(record) > max(where.values()):
                record += [""] * (n_cols - len(record))
            if len(record) != n_cols:
                if not any(cell.strip() for cell in record):
                    continue
                problems.append(
                    f"{file}:{reader.line_num}: {len(record)} fields, expected {n_cols}",
                    reader.line_num,
                )
                continue
            if not any(record) or not any(cell.strip() for cell in record):
                continue
            stray = [i + 1 for i in unnamed if record[i].strip()]
            if stray:
                problems.append(
                    f"{file}:{reader.line_num}: a value in column {stray[0]}, which has no "
                    "name in the first line",
                    reader.line_num,
                )
                continue
            boss = record[i_boss].strip() if i_boss is not None else ""
            joined = record[i_join].strip() if i_join is not None else ""
            rows.append(
                _NewStaff(
                    reader.line_num,
                    record[i_name],
                    record[i_pos],
                    (record[i_mail] or None) if i_mail is not None else None,
                    boss or None,
                    joined or None,
                )
            )
    except csv.Error as exc:
        problems.append(f"{file}:{reader.line_num}: {exc}", reader.line_num)
    if not rows and not problems:
        raise InvalidInput(
            f"{file} has the line of column names and no rows; nothing was imported",
            "add one line per person below it",
        )
    return rows, problems, set(where)


def read_staff_csv(text: str, file: str) -> tuple[list[_NewStaff], list[str]]:
    """Parse the CSV; return the rows and every problem found in the file itself."""
    rows, problems, _cols = _read(text, file)
    return rows, problems.said()
