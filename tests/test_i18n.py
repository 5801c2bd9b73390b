"""Every word in the user's language (issue 24): the catalogs are complete and up to date with
the code, the locale chooses the language, and errors, summaries, confirmations and --help read
in en, zh and zh-hans with no English word outside what the user types."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ecomops import i18n
from tests.conftest import REPO

babel = pytest.importorskip("babel", reason="the catalog tests need Babel (pip install babel)")

HOWTO = (
    "see docs/translating.md: PYTHONPATH=src python -m ecomops._catalogs update, translate in "
    "src/ecomops/locale/zh_Hans/LC_MESSAGES/ecomops.po (and zh), then compile"
)


# --- the catalogs ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "zh-hans"])
def test_every_message_has_a_translation(lang):
    from ecomops._catalogs import missing

    untranslated = missing(lang)
    assert untranslated == [], (
        f"{len(untranslated)} message(s) without a {lang} translation ({HOWTO}):\n  "
        + "\n  ".join(untranslated)
    )


def test_the_catalogs_are_up_to_date_with_the_code(monkeypatch):
    """Babel extracts the code's messages (babel.cfg, ecomops._extract) into a template; the
    catalogs hold exactly its msgids. The source tree's (CI tests an installed copy, which has
    neither babel.cfg nor the tree to extract from)."""
    import ecomops._catalogs as catalogs

    root = REPO
    monkeypatch.setattr(catalogs, "ROOT", root)
    monkeypatch.setattr(catalogs, "MAPPING", root / "babel.cfg")
    monkeypatch.setattr(catalogs, "LOCALE_DIR", root / "src" / "ecomops" / "locale")
    new, gone = catalogs.stale()
    assert new == [], f"messages in the code but not in the catalogs ({HOWTO}):\n  " + (
        "\n  ".join(new)
    )
    assert gone == [], f"messages in the catalogs the code no longer has ({HOWTO}):\n  " + (
        "\n  ".join(gone)
    )


def test_every_translation_keeps_the_placeholders():
    """A translation uses only the fields of its English (``{name}``), never a pasted value."""
    from ecomops._catalogs import read

    field = re.compile(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}")
    for lang in ("zh", "zh-hans"):
        for m in read(lang):
            if not m.id:
                continue
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            allowed = {f for i in ids for f in field.findall(i)}
            for s in strings:
                assert set(field.findall(s)) <= allowed, (lang, m.id, s)


def test_a_changed_po_is_read_without_a_build(tmp_path, monkeypatch):
    """A translator edits a .po: a checkout uses it at once (the .mo, older, is ignored), and
    the build's compile makes the .mo say the same."""
    from ecomops._catalogs import compile_all

    src = REPO / "src" / "ecomops" / "locale"
    work = tmp_path / "locale"
    import shutil

    shutil.copytree(src, work)
    monkeypatch.setattr(i18n, "LOCALE_DIR", work)
    i18n.catalog.cache_clear()
    i18n._templates.cache_clear()
    po = work / "zh_Hans" / "LC_MESSAGES" / "ecomops.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "未知语言 {value!r}"' in text
    po.write_text(text.replace('msgstr "未知语言 {value!r}"', 'msgstr "不认识的语言 {value!r}"'),
                  encoding="utf-8")
    import os

    mo = po.with_suffix(".mo")
    if mo.exists():
        os.utime(mo, (1, 1))
    try:
        assert i18n.translate("unknown language 'xx'", "zh-hans") == "不认识的语言 'xx'"
        import ecomops._catalogs as catalogs

        monkeypatch.setattr(catalogs, "LOCALE_DIR", work)
        compile_all()
        i18n.catalog.cache_clear()
        i18n._templates.cache_clear()
        assert mo.stat().st_mtime >= po.stat().st_mtime
        assert i18n.translate("unknown language 'xx'", "zh-hans") == "不认识的语言 'xx'"
    finally:
        i18n.catalog.cache_clear()
        i18n._templates.cache_clear()


def test_plural_forms():
    i18n.use("en")
    try:
        assert i18n.ngettext("{n} late", "{n} late", 2).format(n=2) == "2 late"
        i18n.use("zh-hans")
        assert i18n.ngettext("{n} late", "{n} late", 2).format(n=2) == "2 人迟交"
        i18n.use("zh")
        assert i18n.ngettext("{n} late", "{n} late", 1).format(n=1) == "1 人遲交"
    finally:
        i18n.use(None)


def test_a_message_built_in_english_is_matched_to_its_template():
    assert (
        i18n.translate("no staff member named '王芳'", "zh-hans") == "没有名为 '王芳' 的员工"
    )
    assert i18n.translate("no staff member named '王芳'", "zh") == "沒有名為 '王芳' 的員工"
    assert i18n.translate("something no catalog knows", "zh-hans") == "something no catalog knows"


# --- which language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-hans"),
        ({"LANG": "zh_SG.UTF-8"}, "zh-hans"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "zh_HK.UTF-8"}, "zh"),
        ({"LANG": "zh_MO.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        # LC_ALL, then LC_MESSAGES, then LANG
        ({"LC_ALL": "zh_TW.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "zh_TW.UTF-8"}, "zh-hans"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        # ECOMOPS_LANG over the locale
        ({"ECOMOPS_LANG": "zh", "LANG": "zh_CN.UTF-8"}, "zh"),
        ({"ECOMOPS_LANG": "en", "LC_ALL": "zh_CN.UTF-8"}, "en"),
        ({"ECOMOPS_LANG": "zh-hans", "LANG": "en_US.UTF-8"}, "zh-hans"),
    ],
)
def test_the_locale_chooses_the_language(env, expected, monkeypatch, tmp_path):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "ECOMOPS_LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    i18n._default_lang.cache_clear()
    assert i18n.current() == expected


def test_the_settings_file_then_ecomops_lang_then_the_option(monkeypatch, tmp_path, cli):
    config = tmp_path / "config.toml"
    config.write_text('[display]\nlang = "zh"\n', encoding="utf-8")
    monkeypatch.setenv("ECOMOPS_CONFIG", str(config))
    monkeypatch.delenv("ECOMOPS_LANG")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    i18n._default_lang.cache_clear()
    assert i18n.default_lang(dict(__import__("os").environ)) == "zh"  # the file over the locale
    monkeypatch.setenv("ECOMOPS_LANG", "zh-hans")
    i18n._default_lang.cache_clear()
    r = cli("tasks", "list", "--db", str(tmp_path / "none.db"))
    assert r.stderr.startswith("错误：") and "没有数据库" in r.stderr  # ECOMOPS_LANG over the file
    r = cli("tasks", "list", "--db", str(tmp_path / "none.db"), "--lang", "en")
    assert r.stderr.startswith("error: no database at")  # --lang over everything
    r = cli("--lang", "zh", "tasks", "list", "--db", str(tmp_path / "none.db"))
    assert r.stderr.startswith("錯誤：") and "沒有數據庫" in r.stderr


# --- no English under Chinese ------------------------------------------------------------------

#: what a user types, and so may appear in Chinese output: the commands and their words, the
#: handbook's position ids, formats, and the names of standards
TYPED = {
    "ecomops", "init", "rules", "manual", "roles", "rubric", "goals", "staff", "cycle",
    "appraise", "calibrate", "appraisals", "quota", "plan", "calendar", "leave", "handover",
    "visitor", "tasks", "phases", "report", "today", "remind", "schedule", "demo", "config",
    "audit", "list", "show", "add", "edit", "import", "link", "deactivate", "reactivate",
    "company", "mail", "open", "close", "reopen", "check", "submit", "send", "collect", "status",
    "load", "request", "approve", "decline", "ack", "start", "done", "assign", "due", "cancel",
    "backup", "restore", "copy", "grant", "permissions", "history", "copywriter", "clerk",
    "manager", "supervisor", "planning", "general", "json", "csv", "xlsx", "html", "markdown",
    "table", "yaml", "toml", "utf", "gb18030", "big5", "latin", "iso", "ics", "sqlite",
    "postgresql", "imap", "smtp", "tls", "starttls", "https", "http", "url", "ssl", "sslmode",
    "cron", "systemd", "crontab", "editor", "nov", "dec", "sql", "pem", "mb", "kb", "ecomops_db",
    "str", "int", "bool", "float", "path", "name", "text", "file",
    "wecom", "dingtalk", "feishu", "true", "false", "off", "work", "swap", "goal", "phase",
    "assigned", "doing", "cancelled", "employee", "rater", "note",
    # the settings file's sections and keys (config.toml), and the products named
    "database", "display", "lang", "webhook", "network", "host", "port", "user", "password",
    "folder", "kind", "secret", "timeout", "sqlalchemy", "shell", "positions",
}


def english_words(text: str) -> list[str]:
    """The English words of ``text`` (3 letters or more) that are not typed by the user:
    options (``--lang``), environment variables, paths, addresses and ids are left out."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    text = re.sub(r"'[^'\n]*'", "", text)  # a value as typed, quoted ('lst')
    words = []
    for token in re.split(r"[\s，。；：、（）()\[\]【】「」'\"|│╭╮╰╯─*<>…,;:!?]+", text):
        if not token or re.search(r"[-/.=@_\\$~]|\d", token) or token.isupper():
            continue
        for word in re.findall(r"[A-Za-z]{3,}", token):
            if word.lower() not in TYPED:
                words.append(word)
    return words


TOUR = [
    ("staff", "add", "张伟", "--position", "部门经理", "--email", "zw@example.com"),
    ("staff", "add", "李娜", "--position", "文案", "--manager", "张伟", "--email", "ln@example.com"),
    ("staff", "add", "赵海", "--position", "总经理"),
    ("staff", "list"),
    ("staff", "show", "李娜"),
    ("staff", "edit", "李娜", "--position", "文员", "--effective", "2026-10-08"),
    ("roles", "list"),
    ("roles", "show", "策划主管"),
    ("rubric", "show", "copywriter"),
    ("goals", "list", "--month", "2026-11"),
    ("tasks", "list", "--overdue"),
    ("tasks", "show", "1"),
    ("today", "--as", "张伟"),
    ("plan", "status"),
    ("cycle", "open", "2026-10"),
    ("cycle", "list"),
    ("quota", "check", "--cycle", "2026-10", "--as", "赵海"),
    ("leave", "list", "--as", "张伟"),
    ("calendar", "--month", "2026-10"),
    ("calendar", "--year", "2026"),
    ("report", "--month", "2026-10"),
    ("report", "--month", "2026-10", "--format", "markdown", "--as", "赵海"),
    ("staff", "show", "无名"),  # errors
    ("staff", "add", "李娜", "--position", "文案"),
    ("staff", "add", "王五", "--position", "不存在"),
    ("tasks", "show", "99999"),
    ("cycle", "open", "2026-13"),
    ("staff", "lst"),  # Click's errors
    ("staff", "add"),
    ("staff", "list", "--bogus"),
    ("--help",),
    ("staff", "--help"),
    ("staff", "add", "--help"),
    ("tasks", "list", "--help"),
]


@pytest.mark.parametrize("lang", ["zh-hans", "zh"])
def test_the_tour_in_chinese_has_no_english_word(db, cli, monkeypatch, lang):
    """The README's tour, a representative part, under ``LANG=zh_CN.UTF-8`` (zh_TW: zh)."""
    monkeypatch.delenv("ECOMOPS_LANG")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if lang == "zh-hans" else "zh_TW.UTF-8")
    i18n._default_lang.cache_clear()
    found = {}
    for args in TOUR:
        r = cli(*args)
        output = r.stdout + r.stderr
        if "--json" not in args:
            words = english_words(output)
            if words:
                found[" ".join(args)] = (words, output)
    assert not found, "\n\n".join(f"$ ecomops {k}\n{w}\n{o}" for k, (w, o) in found.items())


@pytest.mark.parametrize("lang", ["zh-hans", "zh"])
def test_the_tour_reports_in_chinese_have_no_english_word(db, cli, monkeypatch, tmp_path, lang):
    """The tour's report as an HTML page and a workbook under ``LANG=zh_CN.UTF-8`` (zh_TW:
    zh): their text (the page without its markup, the workbook's text cells and sheet names)
    has no English word, and dates are written as Chinese does."""
    import html as htmllib

    import openpyxl

    monkeypatch.delenv("ECOMOPS_LANG")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if lang == "zh-hans" else "zh_TW.UTF-8")
    i18n._default_lang.cache_clear()
    for args in TOUR[:6]:
        cli(*args)
    page, book = tmp_path / "r.html", tmp_path / "r.xlsx"
    for fmt, target in (("html", page), ("xlsx", book)):
        r = cli("report", "--month", "2026-10", "--format", fmt, "-o", str(target), "--as", "赵海")
        assert r.exit_code == 0 and english_words(r.stderr) == [], r.stderr
    raw = page.read_text(encoding="utf-8")
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", raw, flags=re.DOTALL)
    text = htmllib.unescape(text)
    assert english_words(text) == [], text
    assert "2026年10月8日 09:00" in text and not re.search(r"\d{4}-\d\d-\d\d", text)
    wb = openpyxl.load_workbook(book)
    cells = [ws.title for ws in wb.worksheets] + [
        c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
        if isinstance(c.value, str)
    ]
    assert english_words("\n".join(cells)) == [], cells


# --- every error, in three languages ---------------------------------------------------------

ERRORS = [
    # (the error class, a command that raises it, its English, its simplified, its traditional)
    ("NotFound", ("staff", "show", "无名"), "no staff member named", "没有名为", "沒有名為"),
    ("InvalidInput", ("cycle", "open", "2026-13"), "is not a cycle id", "不是周期编号",
     "不是周期編號"),
    ("NoDatabase", ("tasks", "list", "--db", "{tmp}/none.db"), "no database at", "没有数据库",
     "沒有數據庫"),
    ("ManualError", ("init", "--manual", "{tmp}/bad.yaml", "--db", "{tmp}/new.db"),
     "a handbook file is a YAML mapping", "手册文件是 YAML 映射", "手冊文件是 YAML 映射"),
    ("NotAllowed", ("cycle", "open", "2026-10", "--as", "李娜"), "may not", "不能", "不能"),
    ("DatabaseError", ("tasks", "list", "--database-url", "mysql://x/y"),
     "unsupported database", "不支持的数据库", "不支持的數據庫"),
]


@pytest.mark.parametrize("lang", ["en", "zh-hans", "zh"])
@pytest.mark.parametrize(("kind", "args", "en", "hans", "hant"), ERRORS,
                         ids=[e[0] for e in ERRORS])
def test_every_error_reads_in_each_language(db, cli, tmp_path, lang, kind, args, en, hans, hant):
    (tmp_path / "bad.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    cli("staff", "add", "张伟", "--position", "部门经理")
    cli("staff", "add", "李娜", "--position", "文案", "--manager", "张伟")
    args = tuple(a.replace("{tmp}", str(tmp_path)) for a in args)
    r = cli("--lang", lang, *args)
    assert r.exit_code != 0
    message = r.stderr
    expected = {"en": en, "zh-hans": hans, "zh": hant}[lang]
    assert expected in message, message
    if lang == "en":
        assert message.startswith("error: ")
    else:
        assert message.startswith("错误：" if lang == "zh-hans" else "錯誤：")
        assert english_words(message) == [], message


def test_every_error_class_is_covered():
    """Each error class the services raise has a case above (a new one needs its own)."""
    from ecomops import errors
    from ecomops.services import mail, mailbox, webhook  # noqa: F401

    classes = {c.__name__ for c in _subclasses(errors.EcomopsError)}
    # the mail errors: test_the_mail_errors_read_in_each_language
    covered = {e[0] for e in ERRORS} | {"EcomopsError", "MailError", "MailboxError"}
    # the robot's errors read from the same catalog (every message of theirs has a
    # translation: test_every_message_has_a_translation); a case needs an HTTPS server
    assert classes - covered <= {"WebhookError"}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_help_without_the_orm_in_chinese():
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ecomops", "--lang", "zh-hans", "--help"],
        capture_output=True, text=True, check=True,
    )
    loaded = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in out.stderr.splitlines()
              if line.startswith("import time:")}
    assert loaded & {"sqlalchemy", "sqlmodel", "yaml", "pydantic", "alembic"} == set()
    assert "用法：ecomops" in out.stdout and "命令" in out.stdout


# --- dates and numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "long", "short", "text", "score"),
    [
        ("zh-hans", "2026年12月7日（星期一）", "12月7日 周一", "2026年12月7日", "85.0分"),
        ("zh", "2026年12月7日（星期一）", "12月7日 周一", "2026年12月7日", "85.0分"),
        ("en", "2026-12-07 (Mon)", "7 Dec Mon", "2026-12-07", "85.0"),
    ],
)
def test_dates_and_numbers_as_the_language_writes_them(lang, long, short, text, score):
    from datetime import date, datetime

    day = date(2026, 12, 7)
    assert i18n.date_long(day, lang) == long
    assert i18n.date_short(day, lang) == short
    assert i18n.date_text(day, lang) == text
    assert i18n.datetime_text(datetime(2026, 12, 7, 9, 5), lang) == f"{text} 09:05"
    assert i18n.score_text(85, lang) == score
    assert i18n.date_short(date(2026, 12, 13), lang).endswith("周日" if lang != "en" else "Sun")


def test_tables_write_dates_in_chinese_and_json_keeps_iso(db, cli):
    cli("staff", "add", "张伟", "--position", "部门经理", "--joined", "2026-03-02")
    human = cli("staff", "show", "张伟", "--lang", "zh-hans")
    assert "2026年3月2日" in human.stdout and "2026-03-02" not in human.stdout
    assert "2026-03-02" in cli("staff", "show", "张伟", "--lang", "zh-hans", "--json").stdout
    assert "2026-03-02" in cli("staff", "show", "张伟", "--lang", "en").stdout


@pytest.mark.parametrize("lang", ["en", "zh-hans", "zh"])
def test_the_mail_errors_read_in_each_language(db, cli, monkeypatch, lang):
    """MailError and MailboxError, from servers that refuse the connection (nothing listens
    on port 1): the message, the system's words and the hint in the language."""
    cli("staff", "add", "张伟", "--position", "部门经理", "--email", "zw@example.com")
    cli("staff", "add", "李娜", "--position", "文案", "--manager", "张伟", "--email", "ln@example.com")
    assert cli("plan", "submit", "--as", "李娜", "--summary", "完成", "--plan", "写").exit_code == 0
    monkeypatch.setenv("ECOMOPS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ECOMOPS_SMTP_PORT", "1")
    monkeypatch.setenv("ECOMOPS_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("ECOMOPS_IMAP_PORT", "1")
    monkeypatch.setenv("ECOMOPS_IMAP_USER", "head")
    monkeypatch.setenv("ECOMOPS_IMAP_PASSWORD", "pw")
    monkeypatch.setenv("ECOMOPS_IMAP_TLS", "1")
    sent = cli("--lang", lang, "plan", "send", "李娜")
    collected = cli("--lang", lang, "plan", "collect")
    assert sent.exit_code != 0 and collected.exit_code != 0
    if lang == "en":
        assert sent.stderr.startswith("error: sending failed: cannot reach the SMTP server")
        assert collected.stderr.startswith("error: cannot reach the IMAP server")
        return
    hans = lang == "zh-hans"
    assert ("发送失败：无法连接 SMTP 服务器" if hans else "發送失敗：無法連接 SMTP 服務器") in sent.stderr
    assert ("无法连接 IMAP 服务器" if hans else "無法連接 IMAP 服務器") in collected.stderr
    for r in (sent, collected):
        assert english_words(r.stderr) == [], r.stderr


# --- the reminders: the catalog is their only Chinese ------------------------------------------


@pytest.mark.parametrize("lang", ["zh-hans", "zh"])
def test_every_reminder_text_reads_in_chinese_from_the_catalog(lang):
    """core/remind.py keeps English only; each text in Chinese comes from the catalog, keeps
    its values, and has no English word; a period and a time as Chinese writes them."""
    import string

    from ecomops.core import remind

    assert all(isinstance(t, str) for t in remind._T.values())  # no Chinese columns left
    for key, english in remind._T.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        values = {f: f"⟨{i}⟩" for i, f in enumerate(sorted(fields))}
        shown = remind.say(key, lang, **values)
        assert shown != english.format(**values), (key, shown)
        rest = shown
        for v in values.values():
            rest = rest.replace(v, " ")
        assert english_words(rest) == [], (key, shown)
        for f, v in values.items():
            if f != "period":
                assert v in shown, (key, f, shown)
    assert "2026年第48周" in remind.say("plan.before", lang, period="2026-W48", due="x")
    from datetime import datetime

    assert remind._when(datetime(2026, 11, 23, 23, 59), lang) == "2026年11月23日 23:59"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "李娜 (copywriter) may not add, edit or deactivate staff; bind logins; who may: "
               "General Manager; E-commerce Department Manager"),
        ("zh-hans", "李娜 (文案) 不能管理人员名册；可以操作的人：总经理、电商部经理"),
        ("zh", "李娜 (文案) 不能管理人員名冊；可以操作的人：總經理、電商部經理"),
    ],
)
def test_who_may_names_the_positions_in_the_language(db, cli, lang, expected):
    """The permission hint lists the positions by the manual's names, not their ids; the
    department's jobs read in the language too."""
    cli("staff", "add", "张伟", "--position", "部门经理")
    cli("staff", "add", "李娜", "--position", "文案", "--manager", "张伟")
    r = cli("--lang", lang, "staff", "add", "王五", "--position", "文案", "--as", "李娜")
    assert r.exit_code != 0 and expected in r.stderr, r.stderr
    assert "general_manager" not in r.stderr
    job = cli("--lang", lang, "remind", "--dry-run", "--as", "李娜")
    assert job.exit_code != 0
    if lang != "en":
        assert english_words(job.stderr.replace("permissions.act_for_others", "")) == [], job.stderr
        assert ("发送部门的提醒" if lang == "zh-hans" else "發送部門的提醒") in job.stderr


@pytest.mark.parametrize("lang", ["zh-hans", "zh"])
def test_messages_with_variable_endings_read_in_chinese(db, cli, lang):
    """Messages once put together from English pieces (an optional override, a count, a
    status, a kind) are whole templates of the catalog's: no English word under Chinese."""
    cli("staff", "add", "赵海", "--position", "总经理")
    cli("staff", "add", "张伟", "--position", "部门经理")
    cli("staff", "add", "李娜", "--position", "文案", "--manager", "张伟")
    assert cli("cycle", "open", "2026-10", "--as", "张伟").exit_code == 0
    outputs = {}
    outputs["pending"] = cli("--lang", lang, "cycle", "close", "2026-10", "--as", "张伟")
    outputs["closed"] = cli("--lang", lang, "cycle", "close", "2026-10", "--as", "赵海",
                            "--override", "人手不足")
    tid = cli("tasks", "add", "海报", "--owner", "李娜", "--due", "2026-10-20", "--as", "张伟",
              "--json").json()["id"]
    cli("tasks", "done", str(tid), "--as", "李娜")
    outputs["task"] = cli("--lang", lang, "tasks", "start", str(tid), "--as", "李娜")
    asked = cli("leave", "request", "--as", "李娜", "--from", "2026-10-13", "--to", "2026-10-13",
                "--reason", "体检")
    assert asked.exit_code == 0, asked.stderr
    cli("leave", "approve", "1", "--as", "张伟")
    outputs["leave"] = cli("--lang", lang, "leave", "approve", "1", "--as", "张伟")
    outputs["plan"] = cli("--lang", lang, "plan", "submit", "--as", "李娜", "--summary", "完成",
                          "--plan", "写")
    hans = lang == "zh-hans"
    expected = {
        "pending": "还有 2 份考核待评" if hans else "還有 2 份考核待評",
        "closed": "（破例：人手不足）；仍有 2 份考核待评" if hans else "（破例：人手不足）；仍有 2 份考核待評",
        "task": "不能改为进行中" if hans else "不能改為進行中",
        "leave": "已批准，不是待批" if hans else "已批准，不是待批",
        "plan": "的周一计划（2026年第41周" if hans else "的周一計劃（2026年第41周",
    }
    for name, r in outputs.items():
        text = r.stdout + r.stderr
        assert expected[name] in text, (name, text)
        assert english_words(text) == [], (name, text)


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "no score for execution, expertise, communication, collaboration;"),
    ("zh-hans", "执行能力(execution)、专业知识和技能(expertise)、沟通能力(communication)、"
                "协作能力(collaboration) 没有分数"),
    ("zh", "執行能力(execution)、專業知識和技能(expertise)、溝通能力(communication)、"
           "協作能力(collaboration) 沒有分數"),
])
def test_missing_criteria_are_named_as_the_rubric_names_them(db, cli, lang, expected):
    """After Chinese criterion names, the ones left out are named in Chinese (with the id)."""
    cli("staff", "add", "张伟", "--position", "部门经理")
    cli("staff", "add", "李娜", "--position", "文案", "--manager", "张伟")
    cli("cycle", "open", "2026-10", "--as", "张伟")
    r = cli("--lang", lang, "appraise", "李娜", "-c", "2026-10", "-l", "分析能力=B", "--as", "张伟")
    assert r.exit_code != 0 and expected in r.stderr, r.stderr


@pytest.mark.parametrize(("lang", "week", "leave"), [("zh-hans", "2026年第41周，截止", "0 人休假"),
                                                      ("zh", "2026年第41周，截止", "0 人休假"),
                                                      ("en", "2026-W41, due", "0 on leave")])
def test_plan_status_writes_the_week_and_every_count_in_the_language(db, cli, lang, week, leave):
    """`plan status`: the week as Chinese writes it in the title, and every count of the line
    under the table (on leave too) from the catalog."""
    for args in (["张伟", "--position", "manager"], ["李娜", "--position", "copywriter",
                                                     "--manager", "张伟"]):
        assert cli("staff", "add", *args).exit_code == 0
    r = cli("--lang", lang, "plan", "status", "--week", "2026-W41")
    assert r.exit_code == 0, r.stderr
    assert week in r.stdout and leave in r.stderr
    if lang != "en":
        assert "on leave" not in r.stderr and "W41" not in r.stdout


def test_db_status_reads_in_chinese(db, cli, monkeypatch):
    """`db status`: the clock and mode words, the warnings, the handbook's day and the table's
    header in the language (its --json keeps the English values)."""
    r = cli("--lang", "zh-hans", "db", "status")
    assert r.exit_code == 0, r.stderr
    assert "模拟时钟" in r.stderr and "载入于 2026年" in r.stderr
    assert r.stdout.split()[:2] == ["表", "行数"]
    for word in ("clock", "loaded", "readable by", "writable by", "keeper"):
        assert word not in r.stderr, (word, r.stderr)
    data = cli("db", "status", "--json").json()
    assert data["clock"] == "simulated" and data["mode"] == "single-keeper"


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh-hans", "陈静（文员）不给文案评分；手册规定的评分人：电商部经理、总经理"),
    ("en", "陈静 (clerk) does not rate copywriters; the handbook names: manager, general_manager"),
])
def test_a_rater_the_rubric_does_not_name_is_told_in_the_language(db, cli, lang, expected):
    """Positions by the manual's names in Chinese (their ids, what --position takes, in
    English), the rubric's raters too."""
    cli("staff", "add", "张伟", "--position", "manager")
    cli("staff", "add", "李娜", "--position", "copywriter", "--manager", "张伟")
    cli("staff", "add", "陈静", "--position", "clerk", "--manager", "张伟")
    assert cli("cycle", "open", "2026-10").exit_code == 0
    r = cli("--lang", lang, "appraise", "李娜", "--cycle", "2026-10", "--as", "陈静",
            "-s", "analysis=80")
    assert r.exit_code == 1 and expected in r.stderr, r.stderr
