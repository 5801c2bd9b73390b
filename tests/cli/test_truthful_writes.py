"""Writes that tell the truth: a failed write to stdout exits non-zero with one line, a closed
pipe exits quietly (status ``CLOSED_PIPE_EXIT``, 0: the reader had what it wanted); ``-o``
writes only a regular file (a link: the file it points to, the link stays); ``db backup``
replaces a file only with ``--force`` and never the database it backs up; a failed
``db restore`` leaves no temporary copy behind.

Stdout on /dev/full or on a closed pipe needs a real process: those tests run ``python -m
ecomops`` (the environment the fixtures set, the database included, is inherited)."""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ecomops.cli import CLOSED_PIPE_EXIT

ECOMOPS = [sys.executable, "-m", "ecomops"]

#: data on stdout by every route: orjson (--json), bytes (report --format), Rich (tables)
COMMANDS = [
    ["report", "--month", "2026-11", "--format", "json"],
    ["report", "--month", "2026-11", "--format", "markdown"],
    ["report", "--month", "2026-11"],
    ["tasks", "list"],
    ["tasks", "list", "--json"],
    ["--help"],
]


@pytest.fixture
def dept(db, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T09:00")
    return db


def quiet(stderr: str) -> bool:
    return "Traceback" not in stderr and "Exception ignored" not in stderr


# --- stdout ------------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_disk_is_an_error_of_one_line(dept, args):
    with open("/dev/full", "wb") as full:  # every write fails with ENOSPC
        r = subprocess.run([*ECOMOPS, *args], stdout=full, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 1, r.stderr
    assert r.stderr == "error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_closed_pipe_exits_quietly(dept, args):
    """The reader is gone before the first write: every write fails with EPIPE."""
    read, write = os.pipe()
    os.close(read)
    try:
        r = subprocess.run([*ECOMOPS, *args], stdout=write, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write)
    assert quiet(r.stderr) and r.stderr == "", r.stderr
    assert r.returncode == CLOSED_PIPE_EXIT == 0


def test_head_1(dept):
    """ecomops tasks list | head -1"""
    r = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$@" tasks list | head -1', "sh", *ECOMOPS],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and quiet(r.stderr) and r.stderr == "", r.stderr
    assert r.stdout.count("\n") == 1 and "Tasks" in r.stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_full_disk_after_a_command_that_failed_keeps_its_status(dept):
    with open("/dev/full", "wb") as full:
        r = subprocess.run(
            [*ECOMOPS, "report", "--format", "pdf"], stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert r.returncode == 1 and r.stderr.startswith("error: unknown format 'pdf'")
    assert quiet(r.stderr)


# --- report -o -----------------------------------------------------------------------------------


def report(cli, *out: str):
    return cli("report", "--month", "2026-11", "--format", "markdown", *out)


def test_output_through_a_symlink_writes_its_file_and_keeps_the_link(dept, cli, tmp_path):
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "2026-11.md"
    target.write_text("last month's")
    link = tmp_path / "latest.md"
    link.symlink_to(Path("reports") / "2026-11.md")
    r = report(cli, "-o", str(link))
    assert r.exit_code == 0, r.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("reports") / "2026-11.md")
    assert target.read_text().startswith("# ") and "2026-11" in target.read_text()
    assert f"(→ {target})" in r.stderr
    assert sorted(p.name for p in target.parent.iterdir()) == ["2026-11.md"]  # no temp file
    dangling = tmp_path / "next.md"
    dangling.symlink_to("made-by-the-report.md")
    assert report(cli, "-o", str(dangling)).exit_code == 0
    made = tmp_path / "made-by-the-report.md"
    assert dangling.is_symlink() and made.read_text().startswith("# ")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600


@pytest.mark.parametrize("command", ["report", "backup"])
def test_no_write_through_a_link_another_user_planted(dept, cli, tmp_path, command):
    """A shared folder (group- and world-writable, or sticky like /tmp) where someone else left
    a link named like the file one is about to write: the kernel's ``protected_symlinks`` rule,
    for ``-o`` and ``db backup`` alike. Nothing is written, neither the link's target nor the
    link; one line names the link and its owner."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    victim = tmp_path / "victim.txt"
    victim.write_text("someone's file")
    link = shared / "out.md"
    link.symlink_to(victim)
    os.lchown(link, 4242, 4242)  # planted by uid 4242
    args = ["-o", str(link)] if command == "report" else []
    r = report(cli, *args) if command == "report" else cli("db", "backup", str(link), "--force")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1, r.stderr
    assert f"{link} is a symbolic link owned by another user (uid 4242)" in r.stderr
    assert victim.read_text() == "someone's file" and link.is_symlink()
    assert sorted(p.name for p in shared.iterdir()) == ["out.md"]
    # a folder on the way that is such a link is refused too
    os.chmod(shared, 0o777)
    (tmp_path / "mine").mkdir()
    hop = shared / "reports"
    hop.symlink_to(tmp_path / "mine")
    os.lchown(hop, 4242, 4242)
    r = report(cli, "-o", str(hop / "r.md"))
    assert r.exit_code == 1 and "owned by another user" in r.stderr
    assert list((tmp_path / "mine").iterdir()) == []
    # one's own link in the same folder is followed, as before
    own = shared / "own.md"
    own.symlink_to(tmp_path / "mine" / "r.md")
    assert report(cli, "-o", str(own)).exit_code == 0
    assert (tmp_path / "mine" / "r.md").read_text().startswith("# ")


def test_output_refuses_what_is_not_a_regular_file(dept, cli, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    r = report(cli, "-o", str(folder))
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "it is a folder" in r.stderr
    assert list(folder.iterdir()) == []
    r = report(cli, "-o", "/dev/null")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert "cannot write /dev/null: it is a device" in r.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and not os.path.islink("/dev/null")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = report(cli, "-o", str(fifo))  # refused without opening it (which would block)
    assert r.exit_code == 1 and "it is a pipe (FIFO)" in r.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    link = tmp_path / "null-link"
    link.symlink_to("/dev/null")
    r = report(cli, "-o", str(link))
    assert r.exit_code == 1 and "it is a device" in r.stderr and link.is_symlink()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file


def test_output_with_no_file_name(dept, cli):
    r = report(cli, "-o", "")
    assert r.exit_code == 1 and r.stderr == "error: no file name; name the file to write\n"
    r = cli("report", "--format", "xlsx", "-o", "")
    assert r.exit_code == 1 and "no file name" in r.stderr


# --- db backup -----------------------------------------------------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_replaces_a_file_only_with_force(dept, cli, tmp_path):
    existing = tmp_path / "last-week.db"
    existing.write_bytes(b"last week's backup, kept")
    r = cli("db", "backup", str(existing))
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert "already exists; add --force to replace it" in r.stderr
    assert existing.read_bytes() == b"last week's backup, kept"
    r = cli("db", "backup", str(existing), "--force", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["file"] == str(existing)
    magic = b"SQLite format 3\x00" if dept.kind == "sqlite" else b"\x1f\x8b"
    assert existing.read_bytes().startswith(magic)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    r = cli("db", "backup", "")
    assert r.exit_code == 1 and "no file name" in r.stderr
    r = cli("db", "backup", str(tmp_path))
    assert r.exit_code == 1 and "it is a folder" in r.stderr


def test_backup_never_replaces_the_database_it_backs_up(dept, cli, tmp_path):
    if dept.path is None:
        pytest.skip("a PostgreSQL database has no file")  # the SQLite pass checks it
    live = dept.path
    assert cli("staff", "list").exit_code == 0  # settled: SQLite has checkpointed its WAL
    before = digest(live)
    staff = cli("staff", "list", "--json").json()
    alias = tmp_path / "alias.db"
    alias.symlink_to(live)
    hard = tmp_path / "hard.db"
    os.link(live, hard)
    for name, what in [
        (str(live), "the database"),
        (str(alias), "the database"),
        (str(hard), "the database"),
        (os.path.relpath(live), "the database"),
        (f"{live}-wal", "the -wal file of the database"),
        (f"{live}-shm", "the -shm file of the database"),
    ]:
        for force in ([], ["--force"]):
            r = cli("db", "backup", name, *force)
            assert r.exit_code == 1, (name, force, r.stderr)
            assert f"{name} is {what} being backed up" in r.stderr and r.stderr.count("\n") == 1
    # opened through the link, backed up onto its real name: the same file
    r = cli("db", "backup", str(live), "--force", "--db", str(alias))
    assert r.exit_code == 1 and "is the database being backed up" in r.stderr
    assert alias.is_symlink() and digest(live) == before
    assert cli("staff", "list", "--json").json() == staff
    assert not [p for p in live.parent.iterdir() if p.name.startswith(f".{live.name}.")]


# --- db restore ----------------------------------------------------------------------------------


def test_a_failed_restore_leaves_no_temporary_file(dept, cli, tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    good = tmp_path / "good.db"
    assert cli("db", "backup", str(good)).exit_code == 0
    truncated = tmp_path / "truncated.db"  # SQLite's: restored through a scratch copy
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    cut = "cannot read" if dept.kind == "sqlite" else "is not a readable ecomops dump"
    import sqlite3

    other = tmp_path / "other.db"  # a SQLite file, but not an ecomops database
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    header_only = tmp_path / "header-only.db"
    header_only.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    dump = tmp_path / "cut.jsonl.gz"
    with gzip.open(dump, "wt") as fh:
        fh.write('{"format": "ecomops-dump", "revision"')
    before = cli("staff", "list", "--json").json()
    tasks = cli("tasks", "list", "--json").json()
    for backup, message in [
        (truncated, cut),
        (other, "is not an ecomops database"),
        (header_only, "cannot read"),
        (dump, "is not a readable ecomops dump"),
    ]:
        r = cli("db", "restore", str(backup), "--yes")
        assert r.exit_code == 1, (backup.name, r.stderr)
        assert message in r.stderr and r.stderr.count("\n") == 1, r.stderr
        assert "ecomops-restore-" not in r.stderr  # the scratch copy is not the user's file
        assert list(scratch.iterdir()) == [], backup.name
    assert cli("staff", "list", "--json").json() == before
    assert cli("tasks", "list", "--json").json() == tasks
    done = cli("db", "restore", str(good), "--yes")
    assert done.exit_code == 0, done.stderr
    assert list(scratch.iterdir()) == []
