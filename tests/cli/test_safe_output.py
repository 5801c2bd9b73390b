"""Outputs carry text, not commands: what people type (names, task titles and notes) is shown as
typed in every output, never run as Rich markup, a terminal escape, a spreadsheet formula or
HTML; and a name cannot hide a control, zero-width or bidirectional-override character."""

from __future__ import annotations

import unicodedata
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecomops.errors import InvalidInput
from ecomops.text import check_name, safe

ESC_TITLE = "t\x1b[31mRED\x07"  # turns the terminal red and rings its bell
FORMULA_TITLE = '=HYPERLINK("http://evil","x")'
HTML_TITLE = "<script>alert(1)</script>|x"
OSC_NOTE = "n\x1b]8;;http://x\x1b\\L"  # an OSC 8 hyperlink
CLOSING_TAG = "[/red]"
LINK_TAG = "[link=http://x]Z"


@pytest.fixture
def attacked(db, cli, monkeypatch, prepared):
    """Two people named with Rich markup, and done tasks whose titles and notes attack every
    output; the clock on 2026-11-23."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:30")

    def build():
        assert cli("staff", "add", CLOSING_TAG, "-p", "manager").exit_code == 0
        assert cli("staff", "add", LINK_TAG, "-p", "clerk").exit_code == 0
        ids = {}
        for title in (ESC_TITLE, FORMULA_TITLE, HTML_TITLE, "+1 555", "@SUM(A1)", "-2+3"):
            r = cli("tasks", "add", "--owner", CLOSING_TAG, "--due", "2026-11-30", "--json", "--",
                    title)
            assert r.exit_code == 0, r.stderr
            ids[title] = str(r.json()["id"])
            done = cli("tasks", "done", ids[title], "--note", OSC_NOTE)
            assert done.exit_code == 0, done.stderr
        r = cli("tasks", "add", ESC_TITLE, "--owner", LINK_TAG, "--due", "2026-11-25")
        assert r.exit_code == 0, r.stderr
        return ids

    return prepared(build)


# text.safe and text.check_name


def test_safe_shows_control_characters():
    assert safe(ESC_TITLE) == "t␛[31mRED␇"
    assert safe("a\x00b\x7fc\x9bd\u202ee") == "a␀b␡c\\x9bd\\u202ee"
    assert safe("two\nlines\r\nand\ta tab") == "two lines and a tab"
    assert safe("two\r\nlines\rand\ta tab", lines=True) == "two\nlines\nand\ta tab"
    assert safe("赵海 [/red] <b>") == "赵海 [/red] <b>"


@given(st.text())
def test_safe_never_lets_a_control_character_through(text):
    bidi = set(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
    one_line = safe(text)
    assert not any(unicodedata.category(ch) == "Cc" or ch in bidi for ch in one_line)
    kept = set(safe(text, lines=True)) - {"\n", "\t"}
    assert not any(unicodedata.category(ch) == "Cc" or ch in bidi for ch in kept)


HIDDEN = (
    [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2060, 0x2065)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\ufeff", "\x1b", "\x00", "\x07", "\x7f", "\x85", "\u00ad", "\u3164"]
)


@pytest.mark.parametrize("ch", HIDDEN, ids=lambda ch: f"U+{ord(ch):04X}")
def test_check_name_refuses_hidden_characters(ch):
    with pytest.raises(InvalidInput, match=f"U\\+{ord(ch):04X}"):
        check_name(f"赵{ch}海")


@pytest.mark.parametrize("name", ["赵海", "王芳(二)", "Anne-Marie O'Neil", "[/red]", "李 娜"])
def test_check_name_keeps_plain_names(name):
    assert check_name(name) == name


# names: refused at every door


def test_staff_add_refuses_a_lookalike_of_the_gm(db, cli):
    assert cli("staff", "add", "赵海", "-p", "general_manager").exit_code == 0
    r = cli("staff", "add", "赵\u200b海", "-p", "general_manager")
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("error: ")
    assert "U+200B ZERO WIDTH SPACE" in r.stderr and "\u200b" not in r.stderr
    r = cli("staff", "add", "a\x1b[2Jb", "-p", "clerk")
    assert r.exit_code == 1 and "U+001B" in r.stderr and "\x1b" not in r.stderr
    r = cli("staff", "add", "李娜", "-p", "clerk", "--login", "lina\u202e")
    assert r.exit_code == 1 and "U+202E" in r.stderr
    assert [s["name"] for s in cli("staff", "list", "--json").json()] == ["赵海"]


def test_staff_import_names_the_line_of_a_hidden_character(db, cli, tmp_path):
    f = tmp_path / "roster.csv"
    f.write_text("name,position\n赵海,general_manager\n赵\u200b海,clerk\nX\u202eY,clerk\n",
                 encoding="utf-8")
    r = cli("staff", "import", str(f))
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith(f"error: {f}: 2 problems; nothing was imported")
    assert lines[1].startswith(f"  {f}:3: ") and "U+200B" in lines[1]
    assert lines[2].startswith(f"  {f}:4: ") and "U+202E" in lines[2]
    assert cli("staff", "list", "--json").json() == []


# the terminal


def test_markup_in_names_is_shown_not_run(attacked, cli):
    for args in (["staff", "list"], ["tasks", "list"], ["plan", "status"], ["audit"],
                 ["tasks", "show", attacked[HTML_TITLE]], ["report", "--month", "2026-11"],
                 ["today", "--as", CLOSING_TAG]):
        r = cli(*args)
        assert r.exit_code == 0, (args, r.stderr)
        assert CLOSING_TAG in r.stdout, args
    assert LINK_TAG in cli("staff", "list").stdout


def test_a_forced_terminal_gets_no_hyperlink_and_no_escape_from_data(attacked, cli,
                                                                     monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # Rich writes styles, as to a terminal
    listed = cli("staff", "list")
    assert listed.exit_code == 0 and "\x1b[" in listed.stdout  # styled
    assert "\x1b]8;" not in listed.stdout and LINK_TAG in listed.stdout
    shown = cli("tasks", "show", attacked[ESC_TITLE])
    assert "\x1b[31mRED" not in shown.stdout and "\x07" not in shown.stdout
    assert "␛[31mRED␇" in shown.stdout
    assert "\x1b]8;" not in shown.stdout and "␛]8;;http://x␛\\L" in shown.stdout


def test_control_characters_never_reach_the_terminal(attacked, cli):
    tid = attacked[ESC_TITLE]
    for args in (["tasks", "list"], ["tasks", "show", tid], ["report", "--month", "2026-11"],
                 ["today"], ["audit"]):
        r = cli(*args)
        assert r.exit_code == 0, (args, r.stderr)
        assert "\x1b" not in r.stdout and "\x07" not in r.stdout, args
    assert "t␛[31mRED␇" in cli("tasks", "show", tid).stdout
    assert "t␛[31mRED␇" in cli("today").stdout  # due this week
    reopened = cli("tasks", "reopen", tid)
    assert reopened.exit_code == 0
    assert "\x1b" not in reopened.stderr and "t␛[31mRED␇" in reopened.stderr


def test_error_and_note_messages_show_escapes(capsys):
    import typer

    from ecomops.cli.common import fail, note

    note("added t\x1b[2J")
    with pytest.raises(typer.Exit):
        fail(InvalidInput("bad \x1b]8;;http://x\x07", problems=["line \x9b2J"]))
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\x9b" not in err
    assert err.splitlines() == ["ecomops: added t␛[2J", "error: bad ␛]8;;http://x␇",
                                "  line \\x9b2J"]


# files


def test_xlsx_keeps_formulas_as_text_and_survives_control_characters(attacked, cli, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "report.xlsx"
    r = cli("report", "--month", "2026-11", "--format", "xlsx", "-o", str(target))
    assert r.exit_code == 0, r.stderr
    sheet = load_workbook(target)["Tasks"]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    for title in (FORMULA_TITLE, "+1 555", "@SUM(A1)", "-2+3"):
        assert cells[title].data_type == "s", title
        assert cells[title].quotePrefix, title
    assert cells["t␛[31mRED␇"].data_type == "s"
    ids = [c.value for c in sheet["A"] if isinstance(c.value, int)]
    assert sorted(ids) == sorted(int(i) for i in attacked.values())  # numbers stay numbers
    with zipfile.ZipFile(target) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name


def test_markdown_shows_html_and_markup_as_text(attacked, cli):
    r = cli("report", "--month", "2026-11", "--format", "markdown")
    assert r.exit_code == 0, r.stderr
    md = r.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\|x" in md and "<script" not in md
    assert "\x1b" not in md and "\x07" not in md and "t␛\\[31mRED␇" in md
    assert "\\[/red\\]" in md


def test_html_escapes_user_text(attacked, cli, tmp_path):
    target = tmp_path / "report.html"
    r = cli("report", "--month", "2026-11", "--format", "html", "-o", str(target))
    assert r.exit_code == 0, r.stderr
    html = target.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|x" in html and "<script" not in html
    assert "\x1b" not in html and "\x07" not in html and "t␛[31mRED␇" in html
    assert "=HYPERLINK(&quot;http://evil&quot;,&quot;x&quot;)" in html


def test_a_visitors_name_refuses_hidden_characters(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    assert cli("staff", "add", "赵海", "-p", "general_manager").exit_code == 0
    assert cli("staff", "add", "李娜", "-p", "copywriter").exit_code == 0
    r = cli("visitor", "add", "--name", "王\u202e先生", "--purpose", "洽谈",
            "--approved-by", "赵海", "--escort", "李娜")
    assert r.exit_code == 1
    assert "holds an invisible character, U+202E RIGHT-TO-LEFT OVERRIDE" in r.stderr
    assert cli("visitor", "list", "--json").json() == []


@pytest.mark.parametrize(
    "args",
    [
        ["staff", "show", "赵" * 40000],
        ["rubric", "show", "x" * 120000],
        ["tasks", "list", "--owner", "王 " + "五" * 50000],
        ["report", "--month", "9" * 100000],
    ],
    ids=["person", "position", "owner", "month"],
)
def test_a_value_typed_at_great_length_is_cut_in_the_message(db, cli, args):
    """Errors echo what was typed so the user sees which value was wrong, but a 120 KB value is
    cut to its start and its length: one short line, not a screenful."""
    r = cli(*args)
    assert r.exit_code != 0
    assert r.stderr.count("\n") <= 2 and len(r.stderr) < 700, len(r.stderr)
    run = max(args, key=len).split()[-1]
    assert "…" in r.stderr and run[:30] in r.stderr  # which value it was, cut
    if args[0] != "report":  # (a month is cut by its own parser, shorter)
        assert f"…({len(run)})" in r.stderr
