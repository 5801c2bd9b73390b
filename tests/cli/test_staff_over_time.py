"""The roster over time (issue 13, items 1 and 11): join and leaving dates, edits that keep a
history, reactivation, re-importing a roster with --update, the rules every write of a record
keeps (one address each, exact positions, one department head, the handbook's reporting
lines, company mail) and the company mail setting."""

from __future__ import annotations

import pytest

NOW = "2026-11-20T10:00"
RULE = ("§3.2 rule 3: “Until company e-mail exists, personal e-mail may be used for work; once "
        "it exists, only company e-mail.”")


@pytest.fixture
def dept(db, cli, monkeypatch, prepared):
    """赵海 (general manager) over 张伟 (the department head, manager) and 王强 (supervisor);
    李娜 (copywriter) reports to 张伟."""
    monkeypatch.setenv("ECOMOPS_NOW", NOW)

    def build():
        for args in (["赵海", "-p", "general_manager", "--email", "zh@huhao.cn"],
                     ["张伟", "-p", "manager", "--manager", "赵海", "--email", "zw@huhao.cn"],
                     ["王强", "-p", "supervisor", "--manager", "赵海"],
                     ["李娜", "-p", "copywriter", "--manager", "张伟", "--email", "lina@qq.com"]):
            r = cli("staff", "add", *args)
            assert r.exit_code == 0, r.stderr

    prepared(build)
    return db


def roster(cli) -> list[dict]:
    return cli("staff", "list", "--all", "--json").json()


def history(cli, name: str) -> list[dict]:
    return cli("staff", "show", name, "--json").json()["changes"]


def refused(r, message: str) -> bool:
    """Exit 1 with exactly one line: ``error: message``."""
    return r.exit_code == 1 and r.stdout == "" and r.stderr == f"error: {message}\n"


# --- joined and left ------------------------------------------------------------------------


def test_joined_defaults_to_the_day_added_and_can_be_given(dept, cli):
    out = cli("staff", "add", "陈静", "-p", "clerk", "--manager", "张伟", "--joined",
              "2026年11月2日", "--json").json()
    assert out["joined"] == "2026-11-02" and out["left"] is None
    assert sorted(out) == list(out)
    lina = next(s for s in roster(cli) if s["name"] == "李娜")
    assert lina["joined"] == "2026-11-20" and lina["left"] is None


def test_joined_is_refused_when_it_is_not_a_date(dept, cli):
    r = cli("staff", "add", "陈静", "-p", "clerk", "--joined", "2026-13-01")
    assert r.exit_code == 1 and "--joined '2026-13-01'" in r.stderr
    assert len(roster(cli)) == 4


def test_deactivate_sets_the_leaving_day_and_reactivate_brings_them_back(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-03T18:00")
    out = cli("staff", "deactivate", "李娜", "--left", "2026-12-02", "--json").json()
    assert (out["active"], out["left"], out["until"]) == (
        False, "2026-12-02", "2026-12-03T18:00:00+08:00")
    assert refused(cli("staff", "deactivate", "王强", "--left", "2026-12-04"),
                   "the leaving day 2026-12-04 is after today (2026-12-03); deactivate them on "
                   "or after 2026-12-04 (--left)")
    # the name stays with its person: the way back is reactivate, said so
    assert refused(cli("staff", "add", "李娜", "-p", "copywriter"),
                   "李娜 left on 2026-12-02; bring them back with: ecomops staff reactivate 李娜 "
                   "(names are unique: someone else needs a distinguishing mark, e.g. 王芳(二))")
    monkeypatch.setenv("ECOMOPS_NOW", "2027-01-04T09:00")
    back = cli("staff", "reactivate", "李娜", "--as", "张伟", "--json").json()
    assert (back["active"], back["left"], back["until"]) == (True, None, None)
    assert (back["position"], back["manager"], back["joined"]) == ("copywriter", "张伟", "2026-11-20")
    assert [(c["field"], c["old"], c["new"], c["effective"], c["by"]) for c in history(cli, "李娜")] == [
        ("active", "true", "false", "2026-12-02", None),
        ("active", "false", "true", "2027-01-04", "张伟"),
    ]
    assert refused(cli("staff", "reactivate", "李娜"), "李娜 is active; nothing to bring back")


def test_reactivating_a_second_department_head_needs_force(dept, cli):
    cli("staff", "deactivate", "张伟")
    assert cli("staff", "add", "周敏", "-p", "manager", "--manager", "赵海").exit_code == 0
    assert refused(cli("staff", "reactivate", "张伟"),
                   "张伟 would be a second department head (manager) beside 周敏; the handbook "
                   "has one department head; give --force to record it all the same")
    assert cli("staff", "reactivate", "张伟", "--force").exit_code == 0


# --- edit and history -----------------------------------------------------------------------


def test_edit_changes_the_record_and_keeps_the_history(dept, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-02T09:00")
    r = cli("staff", "edit", "李娜", "--position", "文员", "--email", "lina@huhao.cn",
            "--effective", "2026-12-01", "--as", "张伟", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["staff"]["position"], out["staff"]["email"]) == ("clerk", "lina@huhao.cn")
    assert [(c["field"], c["old"], c["new"]) for c in out["changes"]] == [
        ("position", "copywriter", "clerk"), ("email", "lina@qq.com", "lina@huhao.cn")]
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-05T09:00")
    cli("staff", "edit", "李娜", "--manager", "赵海", "--position", "copywriter", "--force")
    changes = history(cli, "李娜")
    assert [(c["effective"], c["field"], c["old"], c["new"], c["by"]) for c in changes] == [
        ("2026-12-01", "position", "copywriter", "clerk", "张伟"),
        ("2026-12-01", "email", "lina@qq.com", "lina@huhao.cn", "张伟"),
        ("2026-12-05", "position", "clerk", "copywriter", None),
        ("2026-12-05", "manager", "张伟", "赵海", None),
    ]
    assert changes[0]["recorded_at"] == "2026-12-02T09:00:00+08:00"
    assert all(c["name"] == "李娜" for c in changes) and sorted(changes[0]) == list(changes[0])
    # the same values again change nothing and record nothing
    same = cli("staff", "edit", "李娜", "--manager", "赵海", "--json").json()
    assert same["changes"] == [] and len(history(cli, "李娜")) == 4
    shown = cli("staff", "show", "李娜")
    assert shown.exit_code == 0 and "History" in shown.stdout and "lina@huhao.cn" in shown.stdout


def test_an_empty_value_removes_it(dept, cli):
    out = cli("staff", "edit", "李娜", "--email", "", "--manager", "", "--json").json()
    assert (out["staff"]["email"], out["staff"]["manager"]) == (None, None)
    assert [(c["field"], c["new"]) for c in out["changes"]] == [("manager", None), ("email", None)]


def test_a_cycle_member_keeps_the_position_held_when_the_cycle_opened(dept, cli):
    assert cli("cycle", "open", "2026-11").exit_code == 0
    assert cli("staff", "edit", "李娜", "--position", "clerk").exit_code == 0
    listed = cli("appraisals", "list", "-c", "2026-11", "--as", "赵海", "--json").json()
    assert {a["employee"]: a["position"] for a in listed}["李娜"] == "copywriter"
    assert next(s for s in roster(cli) if s["name"] == "李娜")["position"] == "clerk"


BEFORE_EDIT = [
    # (arguments of `staff edit`, the one line it answers)
    (["李娜"], "say what to change; give --position, --manager, --email, --login or --joined"),
    (["李娜", "--email", "ZW@HUHAO.CN"],
     "the e-mail address 'ZW@HUHAO.CN' is already 张伟's; each person has an address of their "
     "own (--email)"),
    (["李娜", "--position", "经"],
     "position '经' matches general_manager (总经理) and manager (经理): say which; give the "
     "position's id or its full name (--position)"),
    (["李娜", "--position", "Manag"],
     "position 'Manag' matches general_manager and manager: say which; give the position's id "
     "or its full name (--position)"),
    (["李娜", "--manager", "王强"],
     "王强 (supervisor) is not 李娜's superior by the handbook: a copywriter reports to a "
     "manager; choose someone in the manager position as their manager, or give --force to "
     "record it all the same"),
    (["王强", "--position", "manager"],
     "王强 would be a second department head (manager) beside 张伟; the handbook has one "
     "department head; give --force to record it all the same"),
    (["张伟", "--position", "supervisor"],
     "张伟 manages 李娜 (copywriter), who reports to a manager by the handbook, not to a "
     "supervisor; give them another manager first (ecomops staff edit NAME --manager …), or "
     "give --force to record it all the same"),
    (["李娜", "--manager", "李娜"], "李娜 cannot be their own manager (--manager)"),
    (["张伟", "--manager", "李娜", "--force"],
     "李娜 reports to 张伟: a reporting cycle (张伟 → 李娜 → 张伟); choose someone who is not "
     "under them (--manager)"),
    (["李娜", "--position", "clerk", "--effective", "2026-11-21"],
     "the change would take effect on 2026-11-21, after today (2026-11-20); record it on the "
     "day: run the edit on or after 2026-11-21 (--effective)"),
    (["李娜", "--position", "clerk", "--effective", "2026-11-19"],
     "李娜 joined on 2026-11-20, after 2026-11-19; give a day since they joined (--effective)"),
    (["nobody", "--position", "clerk"],
     "no staff member named 'nobody'; see the roster with: ecomops staff list"),
]


@pytest.mark.parametrize(("args", "message"), BEFORE_EDIT, ids=[" ".join(a) for a, _ in BEFORE_EDIT])
def test_edit_refusals_write_nothing(dept, cli, args, message):
    before = roster(cli)
    r = cli("staff", "edit", *args)
    assert refused(r, message), r.stderr
    assert roster(cli) == before
    assert all(history(cli, p["name"]) == [] for p in before)


# --- the rules at add -----------------------------------------------------------------------

BEFORE_ADD = [
    (["孙悦", "-p", "clerk", "--manager", "张伟", "--email", "Lina@QQ.com"],
     "the e-mail address 'Lina@QQ.com' is already 李娜's; each person has an address of their "
     "own (--email)"),
    (["孙悦", "-p", "经"],
     "position '经' matches general_manager (总经理) and manager (经理): say which; give the "
     "position's id or its full name (--position)"),
    (["孙悦", "-p", "經"],  # typed in traditional characters: shown so
     "position '經' matches general_manager (總經理) and manager (經理): say which; give the "
     "position's id or its full name (--position)"),
    (["孙悦", "-p", "電商部"],
     "position '電商部' matches manager (電商部經理), supervisor (電商部主管) and clerk (電商部文員): "
     "say which; give the position's id or its full name (--position)"),
    (["孙悦", "-p", "策划"],
     "unknown position '策划' (did you mean planning_supervisor (策划主管)?); give the "
     "position's id or its full name (--position)"),
    (["周敏", "-p", "manager", "--manager", "赵海"],
     "周敏 would be a second department head (manager) beside 张伟; the handbook has one "
     "department head; give --force to record it all the same"),
    (["孙悦", "-p", "copywriter", "--manager", "王强"],
     "王强 (supervisor) is not 孙悦's superior by the handbook: a copywriter reports to a "
     "manager; choose someone in the manager position as their manager, or give --force to "
     "record it all the same"),
    (["孙悦", "-p", "copywriter", "--manager", "赵海"],
     "赵海 (general_manager) is not 孙悦's superior by the handbook: a copywriter reports to a "
     "manager; choose someone in the manager position as their manager, or give --force to "
     "record it all the same"),
    (["钱总", "-p", "general_manager", "--manager", "张伟"],
     "a general_manager reports to nobody by the handbook, but 钱总's manager would be 张伟 "
     "(manager); leave the manager out, or give --force to record it all the same"),
]


@pytest.mark.parametrize(("args", "message"), BEFORE_ADD, ids=[" ".join(a) for a, _ in BEFORE_ADD])
def test_add_refusals_write_nothing(dept, cli, args, message):
    before = roster(cli)
    assert refused(cli("staff", "add", *args), message)
    assert roster(cli) == before


def test_an_exact_name_wins_and_force_records_what_the_handbook_does_not_name(dept, cli):
    # 经理 is the manager's own alias: it wins over 总经理, which holds it too
    r = cli("staff", "add", "周敏", "-p", "经理", "--manager", "赵海", "--force", "--json")
    assert r.exit_code == 0 and r.json()["position"] == "manager"
    r = cli("staff", "add", "孙悦", "-p", "Manager", "--manager", "王强", "--force", "--json")
    assert r.exit_code == 0 and (r.json()["position"], r.json()["manager"]) == ("manager", "王强")


# --- company mail (§3.2 rule 3) -------------------------------------------------------------


def test_company_mail_refuses_other_addresses_from_its_day(dept, cli, tmp_path, monkeypatch):
    shown = cli("staff", "company-mail", "--json").json()
    assert (shown["domain"], shown["applies_from"], shown["in_force"]) == (None, None, False)
    assert refused(cli("staff", "company-mail", "huhao.cn", "--as", "李娜"),
                   "李娜 (copywriter) may not add, edit or deactivate staff; bind logins; "
                   "who may: General Manager; E-commerce Department Manager (the handbook's "
                   "permissions.manage_staff)")
    out = cli("staff", "company-mail", "@HuHao.cn", "--from", "2026-12-01", "--json").json()
    assert out == {"applies_from": "2026-12-01", "domain": "huhao.cn", "in_force": False,
                   "outside": ["李娜"], "rule": RULE.replace("“", "").replace("”", "")}
    # before the day any address will do
    assert cli("staff", "add", "陈静", "-p", "clerk", "--email", "cj@163.com").exit_code == 0
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T09:00")
    message = (f"'sy@163.com' is not a company address (@huhao.cn, from 2026-12-01): {RULE}; "
               "use the person's company mailbox (--email)")
    assert refused(cli("staff", "add", "孙悦", "-p", "clerk", "--email", "sy@163.com"), message)
    assert refused(cli("staff", "edit", "陈静", "--email", "sy@163.com"), message)
    assert cli("staff", "add", "孙悦", "-p", "clerk", "--email", "SY@huhao.cn").exit_code == 0
    f = tmp_path / "r.csv"
    f.write_text("name,position,email\n吴磊,clerk,wl@gmail.com\n", encoding="utf-8")
    r = cli("staff", "import", str(f))
    assert r.exit_code == 1 and r.stderr.splitlines()[1] == (
        f"  {f}:2: 'wl@gmail.com' is not a company address (@huhao.cn, from 2026-12-01): {RULE}")
    assert cli("staff", "company-mail", "--json").json()["outside"] == ["李娜", "陈静"]
    bad = cli("staff", "company-mail", "huhao")
    assert bad.exit_code == 1 and bad.stderr.startswith(
        "error: 'huhao' is not a mail domain; write it like example.cn")


def test_core_mail_allowed_is_the_rule_the_services_use():
    from datetime import date

    from ecomops.core.roster import mail_allowed

    assert mail_allowed("x@huhao.cn", "huhao.cn", date(2026, 12, 1), date(2026, 12, 1))
    assert not mail_allowed("x@163.com", "huhao.cn", date(2026, 12, 1), date(2026, 12, 1))


# --- import -----------------------------------------------------------------------------------

ROSTER = (
    "姓名,岗位,邮箱,上级,入職日期\n"
    "赵海,总经理,zh@huhao.cn,,2020-03-01\n"
    "张伟,部门经理,zw@huhao.cn,赵海,2021-05-10\n"
    "王强,主管,wq@huhao.cn,赵海,2022-01-04\n"
    "李娜,文案,lina@huhao.cn,张伟,2023-07-01\n"
    "陈静,文员,cj@huhao.cn,张伟,2024-02-19\n"
)


@pytest.fixture
def imported(db, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", NOW)
    f = tmp_path / "roster.csv"
    f.write_text(ROSTER, encoding="utf-8")
    r = cli("staff", "import", str(f), "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["added"] == 5
    return f


def test_the_join_date_column_is_read(imported, cli):
    assert {s["name"]: s["joined"] for s in roster(cli)} == {
        "赵海": "2020-03-01", "张伟": "2021-05-10", "王强": "2022-01-04", "李娜": "2023-07-01",
        "陈静": "2024-02-19"}


def test_a_roster_reimported_with_one_change_changes_one_person(imported, cli):
    before = roster(cli)
    imported.write_text(ROSTER.replace("李娜,文案,", "李娜,文员,"), encoding="utf-8")
    r = cli("staff", "import", str(imported), "--update", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["added"], out["changed"], out["unchanged"], out["deactivated"]) == (0, 1, 4, 0)
    assert [(s["name"], s["position"]) for s in out["staff"]] == [("李娜", "clerk")]
    assert [(c["name"], c["field"], c["old"], c["new"], c["effective"]) for c in out["changes"]] == [
        ("李娜", "position", "copywriter", "clerk", "2026-11-20")]
    after = roster(cli)
    assert [a for a, b in zip(after, before, strict=True) if a != b] == [
        {**next(b for b in before if b["name"] == "李娜"), "position": "clerk",
         "position_name": "Clerk"}]
    assert [len(history(cli, p["name"])) for p in after] == [0, 0, 0, 1, 0]
    # the same file again: nothing changes
    again = cli("staff", "import", str(imported), "--update", "--json").json()
    assert (again["changed"], again["unchanged"], again["changes"]) == (0, 5, [])
    terminal = cli("staff", "import", str(imported), "--update")
    assert terminal.stderr.splitlines()[-1] == (
        f"ecomops: {imported}: 0 added, 0 changed, 5 unchanged, 0 deactivated")


def test_update_adds_the_new_and_keeps_what_the_file_does_not_say(imported, cli):
    imported.write_text("name,position\n李娜,copywriter\n孙悦,clerk\n", encoding="utf-8")
    out = cli("staff", "import", str(imported), "--update", "--json").json()
    assert (out["added"], out["changed"], out["unchanged"]) == (1, 0, 1)
    lina = next(s for s in roster(cli) if s["name"] == "李娜")
    assert (lina["email"], lina["manager"], lina["joined"]) == ("lina@huhao.cn", "张伟", "2023-07-01")
    # a blank cell of a column the file has removes the value
    imported.write_text("name,position,email,manager\n李娜,copywriter,,张伟\n", encoding="utf-8")
    out = cli("staff", "import", str(imported), "--update", "--json").json()
    assert [(c["field"], c["old"], c["new"]) for c in out["changes"]] == [
        ("email", "lina@huhao.cn", None)]


def test_deactivate_missing(imported, cli):
    imported.write_text("\n".join(ROSTER.splitlines()[:1] + ROSTER.splitlines()[2:4]) + "\n",
                        encoding="utf-8")  # 张伟 and 王强; not 赵海 (outside the department)
    refused_alone = cli("staff", "import", str(imported), "--deactivate-missing")
    assert refused(refused_alone, "--deactivate-missing works with --update; give both: "
                   "ecomops staff import FILE --update --deactivate-missing")
    # the words in the user's language, the options and the command as the command line has
    # them (the service names its parameters and suggests a use case: cli/suggest.py)
    in_chinese = cli("--lang", "zh-hans", "staff", "import", str(imported), "--deactivate-missing")
    assert in_chinese.stderr == ("错误：--deactivate-missing 需与 --update 一起使用；两者都要给："
                                 "ecomops staff import 文件 --update --deactivate-missing\n")
    out = cli("staff", "import", str(imported), "--update", "--deactivate-missing",
              "--json").json()
    assert (out["added"], out["changed"], out["unchanged"], out["deactivated"]) == (0, 0, 2, 2)
    assert {s["name"]: (s["active"], s["left"]) for s in roster(cli)} == {
        "赵海": (True, None), "张伟": (True, None), "王强": (True, None),
        "李娜": (False, "2026-11-20"), "陈静": (False, "2026-11-20")}
    assert [(c["field"], c["old"], c["new"]) for c in history(cli, "李娜")] == [
        ("active", "true", "false")]


def test_deactivate_missing_refuses_a_manager_it_would_deactivate(imported, cli):
    imported.write_text("name,position,manager\n李娜,copywriter,张伟\n", encoding="utf-8")
    r = cli("staff", "import", str(imported), "--update", "--deactivate-missing")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[1] == (
        f"  {imported}:2: manager 张伟 is not in the file, and --deactivate-missing would "
        "deactivate them")


def test_import_refusals_name_every_line_and_write_nothing(imported, cli, tmp_path):
    before = roster(cli)
    f = tmp_path / "bad.csv"
    f.write_text(
        "name,position,email,manager\n"
        "孙悦,clerk,sy@huhao.cn,张伟\n"          # 2: fine
        "吴磊,clerk,SY@HUHAO.CN,张伟\n"          # 3: the address of line 2
        "郑爽,clerk,ZW@huhao.cn,张伟\n"          # 4: 张伟's address
        "冯涛,经,,\n"                            # 5: two positions
        "周敏,manager,,赵海\n"                   # 6: a second head
        "褚明,copywriter,,王强\n"                # 7: not the superior the handbook names
        "卫东,clerk,,卫东\n"                     # 8: their own manager
        "蒋一,clerk,,蒋二\n"                     # 9: a cycle with line 10
        "蒋二,manager,,蒋一\n"                   # 10: a head again, not under the gm, a cycle
        "李娜,clerk,,\n",                        # 11: already there (no --update)
        encoding="utf-8",
    )
    r = cli("staff", "import", str(f))
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[0].startswith(f"error: {f}: ")
    got = [line.removeprefix(f"  {f}:") for line in lines[1:]]
    assert got == [
        "3: the e-mail address 'SY@HUHAO.CN' is also on line 2",
        "4: the e-mail address 'ZW@huhao.cn' is already 张伟's",
        "5: position '经' matches general_manager (总经理) and manager (经理): say which",
        "6: 周敏 would be a second department head (manager) beside 张伟 and 蒋二; give --force "
        "to record it all the same",
        "7: 王强 (supervisor) is not 褚明's superior by the handbook: a copywriter reports to a "
        "manager; give --force to record it all the same",
        "8: 卫东 cannot be their own manager",
        "9: a reporting cycle: 蒋一 → 蒋二 → 蒋一",
        "10: 蒋二 would be a second department head (manager) beside 张伟 and 周敏; give --force "
        "to record it all the same",
        "10: 蒋一 (clerk) is not 蒋二's superior by the handbook: a manager reports to a "
        "general_manager; give --force to record it all the same",
        "10: a reporting cycle: 蒋二 → 蒋一 → 蒋二",
        "11: '李娜' is already on the roster (import with --update to change it)",
    ]
    assert lines[0] == (f"error: {f}: 11 problems; nothing was imported; fix the lines below "
                        "and run the import again")
    assert roster(cli) == before


def test_update_applies_the_rules_to_what_changes(imported, cli, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text(ROSTER.replace("陈静,文员,cj@huhao.cn,张伟", "陈静,文员,cj@huhao.cn,王强")
                 .replace("王强,主管,wq@huhao.cn", "王强,经理,wq@huhao.cn"), encoding="utf-8")
    r = cli("staff", "import", str(f), "--update")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[1:] == [
        f"  {f}:4: 王强 would be a second department head (manager) beside 张伟; give --force "
        "to record it all the same",
    ]
    ok = cli("staff", "import", str(f), "--update", "--force", "--json")
    assert ok.exit_code == 0, ok.stderr
    assert sorted((c["name"], c["field"], c["new"]) for c in ok.json()["changes"]) == [
        ("王强", "position", "manager"), ("陈静", "manager", "王强")]
    # a position change that leaves someone under the wrong kind of superior
    f.write_text(ROSTER.replace("张伟,部门经理,", "张伟,主管,"), encoding="utf-8")
    r = cli("staff", "import", str(f), "--update", "--json")
    assert r.exit_code == 1 and r.stderr.splitlines()[1:] == [
        f"  {f}:3: 张伟 (supervisor) is not 李娜's superior by the handbook: a copywriter "
        "reports to a manager; give --force to record it all the same",
        # 陈静 went back to 张伟 in this file (王强 had been her manager): her own line
        f"  {f}:6: 张伟 (supervisor) is not 陈静's superior by the handbook: a clerk reports "
        "to a manager; give --force to record it all the same",
    ]


def test_a_left_person_in_the_file_is_pointed_at_reactivate(imported, cli):
    cli("staff", "deactivate", "陈静")
    r = cli("staff", "import", str(imported), "--update")
    assert r.exit_code == 1 and r.stderr.splitlines()[1] == (
        f"  {imported}:6: 陈静 left on 2026-11-20; bring them back with: ecomops staff "
        "reactivate 陈静")


def test_every_new_command_has_an_example(cli):
    for command in ("edit", "show", "reactivate", "company-mail", "import", "deactivate"):
        r = cli("staff", command, "--help")
        assert r.exit_code == 0 and "Example: ecomops staff" in r.stdout


def test_the_audit_names_what_was_touched(dept, cli):
    cli("staff", "edit", "李娜", "--position", "clerk", "--email", "x@huhao.cn")
    entry = cli("audit", "--json").json()[-1]
    assert (entry["command"], entry["details"]) == ("staff edit", {"name": "李娜",
                                                                   "position": "clerk"})


# --- PostgreSQL: the server keeps the history's and the setting's rules too ----------------


@pytest.fixture
def granted(dept, cli, monkeypatch, backend):
    """Login roles for 张伟 (the manager) and 李娜 (a copywriter); dropped afterwards."""
    import uuid

    from sqlalchemy.engine import make_url

    from tests.conftest import PG_ADMIN_URL

    if PG_ADMIN_URL is None:
        pytest.skip("row-level security is PostgreSQL's (set ECOMOPS_TEST_DATABASE_URL)")
    suffix = uuid.uuid4().hex[:8]
    logins = {"张伟": f"zw_{suffix}", "李娜": f"ln_{suffix}"}
    for name, role in logins.items():
        r = cli("db", "grant", name, "--login", role, "--password-stdin", input="pw-" + suffix)
        assert r.exit_code == 0, r.stderr
    base = make_url(backend.url)
    yield {n: base.set(username=r, password="pw-" + suffix).render_as_string(hide_password=False)
           for n, r in logins.items()}
    import psycopg2

    admin = psycopg2.connect(backend.url.replace("+psycopg2", ""))
    admin.autocommit = True
    with admin.cursor() as cur:
        for role in logins.values():
            cur.execute(f'DROP OWNED BY "{role}"')
            cur.execute(f'DROP ROLE IF EXISTS "{role}"')
    admin.close()


def _attempt(url: str, sql: str) -> int:
    """Rows ``sql`` changed when run by the role of ``url`` (0 when refused outright)."""
    import psycopg2

    conn = psycopg2.connect(url.replace("+psycopg2", ""))
    try:
        with conn.cursor() as cur:
            try:
                cur.execute(sql)
                changed = cur.rowcount
            except psycopg2.Error:
                changed = 0
        conn.commit()
    finally:
        conn.close()
    return changed


def test_the_server_keeps_the_history_and_the_setting_to_those_who_manage_staff(
    granted, cli, monkeypatch
):
    from sqlalchemy.engine import make_url

    monkeypatch.delenv("ECOMOPS_DATABASE_URL")
    zhang = ["--database-url", granted["张伟"]]
    r = cli("staff", "edit", "李娜", "--position", "clerk", "--json", *zhang)
    assert r.exit_code == 0, r.stderr
    assert [(c["field"], c["by"]) for c in r.json()["changes"]] == [("position", "张伟")]
    r = cli("staff", "company-mail", "huhao.cn", "--from", "2026-12-01", "--json", *zhang)
    assert r.exit_code == 0, r.stderr
    lina = granted["李娜"]
    for sql in [
        "INSERT INTO staff_change (staff_id, field, old_value, new_value, effective, "
        "recorded_at, by_id) SELECT id, 'position', 'clerk', 'manager', '2026-11-20', now(), id "
        "FROM staff WHERE name = '李娜'",
        "UPDATE staff_change SET new_value = 'manager'",
        "DELETE FROM staff_change",
        "UPDATE database_option SET value = 'gmail.com' WHERE key = 'company_mail_domain'",
        "UPDATE database_option SET value = 'simulated'",
        "INSERT INTO database_option (key, value) VALUES ('company_mail_x', 'y')",
    ]:
        assert _attempt(lina, sql) == 0, sql
    # the manager's role writes the mail setting, never the database's clock, nor the history
    # of its own record
    for sql in [
        "UPDATE database_option SET value = 'real' WHERE key = 'clock'",
        "INSERT INTO database_option (key, value) VALUES ('demo', '1')",
        "UPDATE staff_change SET new_value = 'manager'",
        "INSERT INTO staff_change (staff_id, field, old_value, new_value, effective, "
        "recorded_at, by_id) SELECT id, 'position', 'manager', 'general_manager', '2026-11-20', "
        "now(), id FROM staff WHERE name = '张伟'",
    ]:
        assert _attempt(granted["张伟"], sql) == 0, sql
    assert _attempt(
        granted["张伟"],
        "UPDATE database_option SET value = 'huhao.cn' WHERE key = 'company_mail_domain'",
    ) == 1
    shown = cli("staff", "show", "李娜", "--json", "--database-url", lina).json()
    role = make_url(lina).username
    assert [(c["field"], c["new"], c["by"]) for c in shown["changes"]] == [
        ("login", role, None),  # `db grant` bound it (the keeper: nobody on the roster)
        ("position", "clerk", "张伟"),
    ]


def test_a_bound_manager_changes_only_the_records_of_people_under_them(imported, cli, caller,
                                                                      tmp_path, backend):
    assert cli("staff", "link", "张伟", "--login", caller).exit_code == 0
    # on SQLite the file's keeper, bound or not, names 张伟 to be held to his reach
    as_ = ["--as", "张伟"] if backend.kind == "sqlite" else []
    assert refused(cli("staff", "edit", "赵海", "--email", "boss@huhao.cn", *as_),
                   "张伟 (manager) may act only for people under them, not for 赵海 "
                   "(general_manager); ask someone above them, or the keeper")
    assert refused(cli("staff", "edit", "李娜", "--position", "general_manager", "--force", *as_),
                   "张伟 (manager) may not put anyone in a position at the top (general_manager); "
                   "ask the general manager, or the keeper")
    f = tmp_path / "r.csv"
    f.write_text(ROSTER.replace("zh@huhao.cn", "boss@huhao.cn").replace("zw@huhao.cn", "me@huhao.cn")
                 + "钱总,general_manager,,,\n", encoding="utf-8")
    r = cli("staff", "import", str(f), "--update", *as_)
    assert r.exit_code == 1 and r.stderr.splitlines()[1:] == [
        f"  {f}:2: 赵海 is not under you (张伟): ask someone above them",
        f"  {f}:3: 张伟 is not under you (张伟): ask someone above them",
        f"  {f}:7: 张伟 (manager) may not put anyone at the top (general_manager)",
    ]
    ok = cli("staff", "edit", "李娜", "--position", "clerk", "--json", *as_)
    assert ok.exit_code == 0 and ok.json()["changes"][0]["by"] == "张伟"


def test_what_excel_saves_is_read_as_meant(db, cli, tmp_path, monkeypatch):
    """A GB18030 file with a byte-order mark, Excel's empty trailing columns, dates as people
    write them; a file with only the line of column names says so."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    f = tmp_path / "roster.csv"
    f.write_bytes(
        "\ufeff姓名,职位,入职日期,,\r\n王芳,copywriter,2026年11月2日,,\r\n李娜,copywriter,11/3,,\r\n"
        .encode("gb18030")
    )
    r = cli("staff", "import", str(f), "--json")
    assert r.exit_code == 0, r.stderr
    assert {p["name"]: p["joined"] for p in r.json()["staff"]} == {
        "王芳": "2026-11-02", "李娜": "2026-11-03"}
    empty = tmp_path / "empty.csv"
    empty.write_text("姓名,职位\n", encoding="utf-8")
    r = cli("staff", "import", str(empty))
    assert r.exit_code == 1
    assert "has the line of column names and no rows; nothing was imported" in r.stderr
    stray = tmp_path / "stray.csv"
    stray.write_text("name,,position\n王五,x,copywriter\n", encoding="utf-8")
    r = cli("staff", "import", str(stray))
    assert r.exit_code == 1 and "stray.csv:2: a value in column 2" in r.stderr
    assert [p["name"] for p in cli("staff", "list", "--json").json()] == ["王芳", "李娜"]


def test_a_manager_cannot_touch_the_general_manager_nor_make_another(db, cli, monkeypatch,
                                                                    caller, tmp_path):
    """The head (--as, and bound to the login) may not deactivate, edit or replace the general
    manager; the roster holds one general manager unless --force says otherwise."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    assert cli("staff", "add", "赵海", "-p", "general_manager").exit_code == 0
    assert cli("staff", "add", "张伟", "-p", "manager", "--manager", "赵海").exit_code == 0
    # bound to the login: PostgreSQL's rule (on SQLite the file's keeper may, bound or not)
    for bound in (False, True) if db.kind == "postgresql" else (False,):
        if bound:
            linked = cli("staff", "link", "张伟", "--login", caller)
            assert linked.exit_code == 0, linked.stderr
        as_ = [] if bound else ["--as", "张伟"]
        r = cli("staff", "deactivate", "赵海", *as_)
        assert r.exit_code == 1 and "may act only for people under them" in r.stderr
        r = cli("staff", "edit", "赵海", "--email", "x@example.cn", *as_)
        assert r.exit_code == 1 and "may act only for people under them" in r.stderr
        r = cli("staff", "add", "钱总", "-p", "总经理", *as_)
        assert r.exit_code == 1
        assert "may not put anyone in a position at the top (general_manager)" in r.stderr
        f = tmp_path / "top.csv"
        f.write_text("name,position\n钱总,general_manager\n", encoding="utf-8")
        r = cli("staff", "import", str(f), *as_)
        assert r.exit_code == 1
        assert "张伟 (manager) may not put anyone at the top (general_manager)" in r.stderr
    gm = next(p for p in cli("staff", "list", "--json").json() if p["name"] == "赵海")
    assert gm["active"] and gm["email"] is None
    assert [p["name"] for p in cli("staff", "list", "--json").json()] == ["赵海", "张伟"]


def test_one_general_manager_unless_forced(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    assert cli("staff", "add", "赵海", "-p", "general_manager").exit_code == 0
    r = cli("staff", "add", "钱总", "-p", "general_manager")
    assert r.exit_code == 1
    assert "钱总 would be a second general_manager beside 赵海" in r.stderr
    assert cli("staff", "add", "钱总", "-p", "general_manager", "--force").exit_code == 0
