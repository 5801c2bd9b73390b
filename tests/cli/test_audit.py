"""Every write is in the audit trail: who, when, what."""

from __future__ import annotations


def test_writes_are_audited_reads_are_not(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:00")
    cli("staff", "add", "张伟", "-p", "manager")
    cli("staff", "add", "李娜", "-p", "copywriter")
    cli("staff", "list")
    cli("cycle", "open", "2026-11")
    cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟", "-s", "analysis=80",
        "-s", "execution=80", "-s", "expertise=80", "-s", "communication=80",
        "-s", "collaboration=80")
    monkeypatch.setenv("ECOMOPS_AS", "李娜")
    cli("plan", "submit", "--summary", "s", "--plan", "p")
    failed = cli("staff", "add", "李娜", "-p", "clerk")  # refused: not audited, nothing written
    assert failed.exit_code == 1
    entries = cli("audit", "--json").json()
    commands = [e["command"] for e in entries]
    assert commands == ["init", "staff add", "staff add", "cycle open", "appraise", "plan submit"]
    rating = entries[4]
    assert rating["actor"] == "张伟" and rating["at"] == "2026-11-23T09:00:00+08:00"
    assert rating["details"]["employee"] == "李娜" and rating["details"]["cycle"] == "2026-11"
    assert "analysis=80" in rating["details"]["score"]
    assert entries[5]["actor"] == "李娜"
    import getpass

    assert entries[1]["actor"] == getpass.getuser()
    assert [e["command"] for e in cli("audit", "--last", "2", "--json").json()] == [
        "appraise", "plan submit"]
    # the db fixture's init ran on the real clock (today), the rest on 2026-11-23
    assert [e["command"] for e in cli("audit", "--since", "2026-11-24", "--json").json()] == [
        "init"]
