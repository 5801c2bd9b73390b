"""The scheduled jobs as text (pure): cron's ``%`` escaped and read back, the block merged,
systemd's quoting, the environment file merged keeping lines added by hand."""

from __future__ import annotations

import subprocess

import pytest

from ecomops.core.jobs import (
    BEGIN,
    END,
    REMIND,
    Setup,
    command_of,
    cron_line,
    merge_cron,
    merge_env,
    systemd_exec,
    systemd_word,
)
from ecomops.errors import InvalidInput

SETUP = Setup(
    ("/opt/eco ops/bin/python", "-m", "ecomops"),
    (("ECOMOPS_CONFIG", "/home/zw/.config/ecomops/config.toml"), ("ECOMOPS_DB", "/srv/100%.db")),
    "/home/zw/.config/ecomops/ecomops.env",
    "/home/zw/.local/state/ecomops",
)


def test_a_percent_sign_is_escaped_for_cron_and_read_back():
    line = cron_line(REMIND, SETUP)
    assert line.startswith("*/15 * * * * umask 077; ")
    assert "100\\%.db" in line and "100%.db" not in line.replace("\\%", "")
    command = command_of(line)
    assert "ECOMOPS_DB=/srv/100%.db" in command
    assert "'/opt/eco ops/bin/python' -m ecomops remind" in command
    assert command.endswith(" >>/home/zw/.local/state/ecomops/remind.log 2>&1")


def test_a_line_break_cannot_go_into_a_line():
    with pytest.raises(InvalidInput):
        cron_line(REMIND, Setup(("/p",), (("ECOMOPS_DB", "a\nb"),), "/e", "/l"))


def test_the_block_is_merged_in_place_or_appended():
    block = f"{BEGIN}\nnew\n{END}\n"
    assert merge_cron("", block) == block
    assert merge_cron("a\nb", block) == "a\nb\n" + block
    assert merge_cron(f"a\n{BEGIN}\nold\n{END}\nb\n", block) == f"a\n{block}b\n"
    for broken in (f"{BEGIN}\n", f"{END}\n{BEGIN}\n", f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n"):
        with pytest.raises(InvalidInput, match="do not pair up"):
            merge_cron(broken, block)


def test_systemd_quoting():
    assert systemd_word("ECOMOPS_DB=/srv/x.db") == "ECOMOPS_DB=/srv/x.db"
    assert systemd_word("A=b c") == '"A=b c"'
    assert systemd_word('A=1"2\\3') == '"A=1\\"2\\\\3"'
    assert systemd_word("A=50%") == "A=50%%"  # a specifier otherwise
    assert systemd_exec(["/p/python", "-m", "ecomops", "$x"]) == "/p/python -m ecomops $$x"


def test_the_environment_file_keeps_lines_added_by_hand(tmp_path):
    first = merge_env("", {"ECOMOPS_SMTP_PASSWORD": "p w'd", "PGPASSFILE": "/h/.pgpass"})
    assert first.startswith("# ecomops: settings for its scheduled jobs")
    assert "ECOMOPS_SMTP_PASSWORD='p w'\"'\"'d'\n" in first
    edited = first + "ECOMOPS_NOW=2026-11-23T15:00\n# mine\n"
    again = merge_env(edited, {"ECOMOPS_SMTP_PASSWORD": "new"})
    assert "ECOMOPS_SMTP_PASSWORD=new\n" in again and "p w" not in again
    assert again.endswith("ECOMOPS_NOW=2026-11-23T15:00\n# mine\n")
    assert "PGPASSFILE=/h/.pgpass" in again
    (tmp_path / "env").write_text(first, encoding="utf-8")
    shown = subprocess.run(
        ["/bin/sh", "-c", f'. {tmp_path}/env; printf %s "$ECOMOPS_SMTP_PASSWORD"'],
        capture_output=True, text=True,
    )
    assert shown.stdout == "p w'd"
