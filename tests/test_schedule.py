"""``ecomops schedule``: the cron line runs in cron's own bare environment and sends Monday's
reminders; the systemd units pass ``systemd-analyze verify``; ``--install`` merges into a
crontab (a stand-in ``crontab`` on PATH) keeping every other line, and again changes nothing."""

from __future__ import annotations

import getpass
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from ecomops.core.jobs import BEGIN, END, command_of
from tests.mailserver import PASSWORD, USER, serve

MONDAY_15 = "2026-11-23T15:00"  # W48's Monday afternoon: two plans missing
PEOPLE = [
    ("总经理甲", "general_manager", "gm@huhao.example"),
    ("张伟", "manager", "zhangwei@huhao.example"),
    ("李娜", "copywriter", "lina@huhao.example"),
    ("王强", "supervisor", "wangqiang@huhao.example"),
    ("陈静", "clerk", "chenjing@huhao.example"),
]
FAKE_CRONTAB = """\
#!/bin/sh
# a stand-in for crontab(1): the user's table is the file $FAKE_CRONTAB
case "$1" in
  -l) if [ -f "$FAKE_CRONTAB" ]; then cat "$FAKE_CRONTAB"; else
        echo "no crontab for $(id -un)" >&2; exit 1; fi ;;
  -) cat > "$FAKE_CRONTAB"; echo x >> "$FAKE_CRONTAB.writes" ;;
  *) echo "usage: crontab -l | crontab -" >&2; exit 2 ;;
esac
"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home of the test's own: the jobs' files go under it (XDG defaults)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(var, raising=False)
    return folder


@pytest.fixture
def crontab(tmp_path, monkeypatch):
    """``crontab`` on PATH storing the table in a file; yields that file."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "crontab"
    script.write_text(FAKE_CRONTAB, encoding="utf-8")
    script.chmod(0o755)
    table = tmp_path / "crontab.txt"
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_CRONTAB", str(table))
    return table


@pytest.fixture
def dept(db, cli, monkeypatch, home):
    """Five people; 张伟 and 陈静 have handed in W48's Monday plan, 李娜 and 王强 have not."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-16T09:00")
    for name, pos, mail in PEOPLE:
        assert cli("staff", "add", name, "-p", pos, "--email", mail).exit_code == 0
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:30")
    for name in ("张伟", "陈静"):
        assert cli("plan", "submit", "--as", name, "--summary", "s", "--plan", "p").exit_code == 0
    monkeypatch.delenv("ECOMOPS_NOW")  # never a job's: the test adds it to the env file
    return db


def _block(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[lines.index(BEGIN + "\n"): lines.index(END + "\n") + 1])


def _line(block: str, job: str) -> str:
    lines = block.splitlines()
    return lines[lines.index(next(x for x in lines if x.startswith(f"# {job} "))) + 1]


def test_the_cron_line_sends_mondays_reminders_from_crons_bare_environment(
    dept, cli, home, crontab, tmp_path, monkeypatch
):
    with serve(tmp_path) as (inbox, port, cafile):
        settings = home / "settings" / "config.toml"
        settings.parent.mkdir()
        settings.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nuser = "{USER}"\n'
            f'from = "ecomops@huhao.example"\ncafile = "{cafile}"\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("ECOMOPS_CONFIG", str(settings))
        monkeypatch.setenv("ECOMOPS_SMTP_PASSWORD", PASSWORD)  # a secret: the env file's
        printed = cli("schedule", "--cron")
        assert printed.exit_code == 0, printed.stderr
        block = _block(printed.stdout)
        assert PASSWORD not in printed.stdout + printed.stderr
        assert "ECOMOPS_SMTP_PASSWORD" in printed.stderr  # named, never shown
        installed = cli("schedule", "--cron", "--install")
        assert installed.exit_code == 0, installed.stderr
        assert crontab.read_text(encoding="utf-8") == block  # what was printed is installed
        env_file = home / ".config" / "ecomops" / "ecomops.env"
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
        env_text = env_file.read_text(encoding="utf-8")
        assert f"ECOMOPS_SMTP_PASSWORD={PASSWORD}" in env_text and "ECOMOPS_NOW" not in env_text
        # only the tests pin the clock (a simulated-clock database): added to the file by hand
        env_file.write_text(env_text + f"ECOMOPS_NOW={MONDAY_15}\n", encoding="utf-8")

        line = _line(block, "remind")
        assert line.startswith("*/15 * * * * ")
        assert f"ECOMOPS_CONFIG={settings}" in line
        if dept.path is not None:  # the database named explicitly
            assert f"ECOMOPS_DB={dept.path}" in line
        else:
            url = dept.url.replace("postgresql://", "postgresql+psycopg2://")
            assert f"ECOMOPS_DATABASE_URL={url}" in line
        run = subprocess.run(
            ["env", "-i", "SHELL=/bin/sh", "PATH=/usr/bin:/bin", f"HOME={home}",
             f"LOGNAME={getpass.getuser()}", "/bin/sh", "-c", command_of(line)],
            capture_output=True, text=True, timeout=300,
        )
        logs = home / ".local" / "state" / "ecomops"
        log = (logs / "remind.log").read_text(encoding="utf-8")
        assert run.returncode == 0, log + run.stderr
        assert run.stdout == run.stderr == ""  # everything went to the log
        assert stat.S_IMODE(logs.stat().st_mode) == 0o700
        assert stat.S_IMODE((logs / "remind.log").stat().st_mode) == 0o600
        assert "sent" in log
        to = {rcpt[0] for rcpt, _m in inbox.messages}
        assert {"lina@huhao.example", "wangqiang@huhao.example"} <= to
        lina = next(m for rcpt, m in inbox.messages if rcpt == ["lina@huhao.example"])
        body = lina.get_payload(decode=True).decode(lina.get_content_charset() or "utf-8")
        assert "Your Monday plan for 2026-W48 is not in yet" in body
        # the job's run is in the ledger: nothing is sent twice
        monkeypatch.setenv("ECOMOPS_NOW", MONDAY_15)
        again = cli("remind", "--json")
        assert again.exit_code == 0, again.stderr
        assert again.json()["reminders"] == [] and again.json()["already_sent"] >= 2


def test_the_jobs_run_every_day_because_weekends_can_be_working_days(db, cli, monkeypatch):
    """cron's day-of-week field knows no 调休: a job limited to Monday–Friday would never
    remind on a working Saturday, so the jobs run daily and the commands skip days off."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-10-01T09:00")
    days = cli("calendar", "--month", "2026-10", "--json").json()
    saturday = next(d for d in days["days"] if d["date"] == "2026-10-10")
    assert saturday["working"] is True  # a Saturday worked for the National Day holiday
    block = cli("schedule", "--cron").stdout
    assert [line.split()[:5] for line in block.splitlines() if line[:1] in "*0"] == [
        ["*/15", "*", "*", "*", "*"]
    ]


def test_install_keeps_every_other_line_and_is_idempotent(db, cli, home, crontab, monkeypatch):
    monkeypatch.setenv("ECOMOPS_IMAP_HOST", "imap.huhao.example")  # a mailbox: both jobs
    foreign = (
        "MAILTO=admin@huhao.example\n"
        "# backups\n"
        "30 2 * * * tar czf /srv/backup-$(date +\\%F).tgz /srv/data\n"
        "@reboot /usr/local/bin/other"  # no newline at the end
    )
    crontab.write_text(foreign, encoding="utf-8")
    first = cli("schedule", "--cron", "--install")
    assert first.exit_code == 0, first.stderr
    text = crontab.read_text(encoding="utf-8")
    assert text.startswith(foreign + "\n" + BEGIN + "\n")
    block = _block(text)
    assert _line(block, "remind").startswith("*/15 * * * * ")
    assert _line(block, "collect").startswith("0 * * * * ")
    assert " -m ecomops plan collect; } >>" in _line(block, "collect")
    writes = Path(f"{crontab}.writes")
    assert writes.read_text().count("x") == 1
    second = cli("schedule", "--cron", "--install")
    assert second.exit_code == 0, second.stderr
    assert crontab.read_text(encoding="utf-8") == text
    assert writes.read_text().count("x") == 1  # nothing to change: crontab not rewritten
    # a block in the middle is replaced where it stands; the lines after it stay after it
    crontab.write_text(f"# before\n{BEGIN}\n* * * * * old\n{END}\n# after\n", encoding="utf-8")
    assert cli("schedule", "--cron", "--install", "--lang", "zh-hans").exit_code == 0
    moved = crontab.read_text(encoding="utf-8")
    assert moved.startswith(f"# before\n{BEGIN}\n") and moved.endswith(f"{END}\n# after\n")
    assert "old" not in moved and "ECOMOPS_LANG=zh-hans" in moved
    # a marker without its pair is not guessed at
    crontab.write_text(f"{BEGIN}\n* * * * * mine\n", encoding="utf-8")
    r = cli("schedule", "--cron", "--install")
    assert r.exit_code == 1 and "do not pair up" in r.stderr
    assert crontab.read_text(encoding="utf-8") == f"{BEGIN}\n* * * * * mine\n"


def test_no_crontab_yet_and_no_crontab_command(db, cli, home, crontab, monkeypatch):
    assert cli("schedule", "--cron", "--install").exit_code == 0
    assert crontab.read_text(encoding="utf-8").startswith(BEGIN + "\n")
    monkeypatch.setenv("PATH", "/nonexistent")
    r = cli("schedule", "--cron", "--install")
    assert r.exit_code == 1 and "there is no crontab command here" in r.stderr


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is missing (Debian: apt-get install systemd)"
)
def test_the_systemd_units_pass_systemd_analyze_verify(db, cli, home, monkeypatch):
    monkeypatch.setenv("ECOMOPS_IMAP_HOST", "imap.huhao.example")
    monkeypatch.setenv("ECOMOPS_WEBHOOK_SECRET", "SEC%n$HOME 'x'")  # specifiers, $, quotes
    printed = cli("schedule", "--systemd")
    assert printed.exit_code == 0, printed.stderr
    installed = cli("schedule", "--systemd", "--install")
    assert installed.exit_code == 0, installed.stderr
    assert "systemctl --user enable --now ecomops-remind.timer ecomops-collect.timer" in (
        installed.stderr)
    folder = home / ".config" / "systemd" / "user"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["ecomops-collect.service", "ecomops-collect.timer",
                     "ecomops-remind.service", "ecomops-remind.timer"]
    for name in names:  # what was printed is what was written
        assert f"# {folder / name}\n" + (folder / name).read_text() in printed.stdout
    service = (folder / "ecomops-remind.service").read_text()
    assert "EnvironmentFile=-" + str(home / ".config" / "ecomops" / "ecomops.env") in service
    assert "SEC%n" not in service  # the secret is in the env file, not the unit
    assert "OnCalendar=*-*-* *:00/15:00" in (folder / "ecomops-remind.timer").read_text()
    r = subprocess.run([SYSTEMD_ANALYZE, "verify", *(str(folder / n) for n in names)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ignoring" not in r.stderr and "Unknown" not in r.stderr, r.stderr
    env = (home / ".config" / "ecomops" / "ecomops.env").read_text(encoding="utf-8")
    # read back as sh reads it (systemd's EnvironmentFile= takes the same quoting)
    shown = subprocess.run(
        ["/bin/sh", "-c", f'set -a; . "{home}/.config/ecomops/ecomops.env"; '
                          'printf %s "$ECOMOPS_WEBHOOK_SECRET"'],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"},
    )
    assert shown.stdout == "SEC%n$HOME 'x'", env
