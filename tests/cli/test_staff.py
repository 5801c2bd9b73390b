"""The roster: add, list, import all-or-nothing, deactivate."""

from __future__ import annotations

import pytest


def test_add_and_list(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:30")
    r = cli("staff", "add", "张伟", "--position", "電商部經理", "--email", "zw@example.com",
            "--json")
    assert r.exit_code == 0, r.stderr
    zw = r.json()
    assert zw["position"] == "manager" and zw["email"] == "zw@example.com"
    assert zw["since"] == "2026-11-23T09:30:00+08:00" and zw["until"] is None
    cli("staff", "add", "李娜", "-p", "文案", "--manager", "張偉")
    staff = cli("staff", "list", "--json").json()
    assert [(s["name"], s["position"], s["manager"]) for s in staff] == [
        ("张伟", "manager", None), ("李娜", "copywriter", "张伟")]
    assert sorted(staff[0]) == list(staff[0])


def test_list_is_an_empty_json_array_when_nobody_is_there(db, cli):
    r = cli("staff", "list", "--json")
    assert r.exit_code == 0 and r.stdout == "[]\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["王芳", "--position", "ceo"], "unknown position 'ceo'"),
        (["王芳", "--position", "文案", "--email", "not-an-address"], "is not an e-mail address"),
        (["王芳", "--position", "文案", "--manager", "nobody"], "no staff member named 'nobody'"),
        (["   ", "--position", "文案"], "a name is empty"),
    ],
)
def test_bad_input_writes_nothing(db, cli, args, message):
    r = cli("staff", "add", *args)
    assert r.exit_code == 1
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert cli("staff", "list", "--json").json() == []


def test_names_are_unique_across_scripts(db, cli):
    assert cli("staff", "add", "張偉", "-p", "manager").exit_code == 0
    r = cli("staff", "add", "张伟", "-p", "clerk")
    assert r.exit_code == 1 and "already exists" in r.stderr


def test_deactivate_keeps_history(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")  # joined before leaving, any year
    cli("staff", "add", "王芳", "-p", "copywriter")
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T18:00")
    out = cli("staff", "deactivate", "王芳", "--json").json()
    assert out["active"] is False and out["until"] == "2026-12-01T18:00:00+08:00"
    assert cli("staff", "list", "--json").json() == []
    everyone = cli("staff", "list", "--all", "--json").json()
    assert [(s["name"], s["active"]) for s in everyone] == [("王芳", False)]
    again = cli("staff", "deactivate", "王芳")
    assert again.exit_code == 1 and "already inactive" in again.stderr
    r = cli("staff", "add", "李娜", "-p", "copywriter", "--manager", "王芳")
    assert r.exit_code == 1 and "no active staff member named '王芳'" in r.stderr


def test_import_with_forward_references_and_chinese_headers(db, cli, tmp_path):
    cli("staff", "add", "总经理甲", "-p", "general_manager")
    f = tmp_path / "roster.csv"
    f.write_text(
        "姓名,岗位,邮箱,上级\n"
        "李娜,文案,lina@example.com,张伟\n"
        "张伟,部門經理,zw@example.com,总经理甲\n"
        "\n"
        "陈静,文員,,张伟\n",
        encoding="utf-8-sig",
    )
    r = cli("staff", "import", str(f), "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["added"] == 3
    got = {s["name"]: (s["position"], s["manager"], s["email"]) for s in out["staff"]}
    assert got == {
        "李娜": ("copywriter", "张伟", "lina@example.com"),
        "张伟": ("manager", "总经理甲", "zw@example.com"),
        "陈静": ("clerk", "张伟", None),
    }


def test_import_reads_gb18030_files_from_excel(db, cli, tmp_path):
    f = tmp_path / "excel.csv"
    f.write_bytes("name,position\n王芳,策划主管\n".encode("gb18030"))
    r = cli("staff", "import", str(f), "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["staff"][0]["position"] == "planning_supervisor"


def test_import_is_all_or_nothing_and_reports_every_bad_line(db, cli, tmp_path):
    cli("staff", "add", "王芳", "-p", "copywriter")
    f = tmp_path / "bad.csv"
    f.write_text(
        "name,position,email,manager\n"
        "李娜,copywriter,lina@example.com,\n"      # 2: fine
        "王芳,clerk,,\n"                           # 3: already on the roster
        "赵敏,astronaut,,\n"                       # 4: unknown position
        "孙丽,clerk,bad-mail,\n"                   # 5: bad e-mail
        "周杰,clerk,,nobody\n"                     # 6: unknown manager
        "李娜,clerk,,\n"                           # 7: twice in the file
        "吴刚,clerk\n",                             # 8: too few fields
        encoding="utf-8",
    )
    r = cli("staff", "import", str(f))
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0] == f"error: {f}: 6 problems; nothing was imported; fix the lines below and run the import again"
    assert [int(line.split(":")[1]) for line in lines[1:]] == [3, 4, 5, 6, 7, 8]
    assert "'王芳' is already on the roster" in lines[1]
    assert "unknown position 'astronaut'" in lines[2]
    assert "manager 'nobody' is neither on the roster nor in the file" in lines[4]
    assert "'李娜' is also on line 2" in lines[5]
    assert "2 fields, expected 4" in lines[6]
    assert [s["name"] for s in cli("staff", "list", "--json").json()] == ["王芳"]


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "is empty"), ("name,role\n王芳,文案\n", "unknown column 'role'"),
     ("email\nx@y.z\n", "the column 'name' is missing")],
)
def test_import_bad_headers(db, cli, tmp_path, content, message):
    f = tmp_path / "h.csv"
    f.write_text(content, encoding="utf-8")
    r = cli("staff", "import", str(f))
    assert r.exit_code == 1 and message in r.stderr


def test_import_missing_file(db, cli, tmp_path):
    r = cli("staff", "import", str(tmp_path / "none.csv"))
    assert r.exit_code == 1 and "no file at" in r.stderr
