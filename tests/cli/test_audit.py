"""The audit trail: every write, who did it (and for whom), at the real time, and what it
touched from an allow-list per command: never a score, note, reason or password."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta


def test_writes_are_audited_reads_are_not(db, cli, monkeypatch, caller):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:00")
    cli("staff", "add", "张伟", "-p", "manager")
    cli("staff", "add", "李娜", "-p", "copywriter", "--manager", "张伟")
    cli("staff", "list")
    cli("cycle", "open", "2026-11")
    r = cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟", "-s", "analysis=80",
            "-s", "execution=80", "-s", "expertise=80", "-s", "communication=80",
            "-s", "collaboration=80", "--note", "私下的评语")
    assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("ECOMOPS_AS", "李娜")
    cli("plan", "submit", "--summary", "s", "--plan", "p")
    monkeypatch.delenv("ECOMOPS_AS")
    failed = cli("staff", "add", "李娜", "-p", "clerk")  # refused: not audited, nothing written
    assert failed.exit_code == 1
    entries = cli("audit", "--json").json()
    commands = [e["command"] for e in entries]
    assert commands == ["init", "staff add", "staff add", "cycle open", "appraise", "plan submit"]
    rating = entries[4]
    # the keeper (single-keeper mode: nobody's login is bound) acted for 张伟
    assert (rating["actor"], rating["acted_for"]) == (caller, "张伟")
    assert rating["details"] == {"cycle": "2026-11", "employee": "李娜"}
    assert (entries[5]["actor"], entries[5]["acted_for"]) == (caller, "李娜")
    assert entries[1]["acted_for"] is None
    # the real time, not ECOMOPS_NOW's: the audit is the record of when things happened
    at = datetime.fromisoformat(rating["at"])
    assert abs(at - datetime.now(UTC)) < timedelta(minutes=5)
    assert [e["command"] for e in cli("audit", "--last", "2", "--json").json()] == [
        "appraise", "plan submit"]


def test_the_audit_holds_no_score_note_reason_or_password(db, cli, tmp_path):
    cli("staff", "add", "总经理", "-p", "general_manager")
    cli("staff", "add", "张伟", "-p", "manager", "--manager", "总经理")
    cli("cycle", "open", "2026-11")
    r = cli("appraise", "张伟", "-c", "2026-11", "--as", "总经理", "-l", "organizing_planning=A",
            "-s", "leadership=91.37", "-s", "expertise=92.41", "-s", "problem_solving=93.53",
            "-s", "coordination=94.69", "--note", "SECRET-NOTE")
    assert r.exit_code == 0, r.stderr
    r = cli("calibrate", "张伟", "-c", "2026-11", "--as", "总经理", "--grade", "B",
            "--reason", "SECRET-REASON")
    assert r.exit_code == 0, r.stderr
    target = tmp_path / "copy.db"
    r = cli("db", "copy", "--to", "postgresql://u:SECRET-PASSWORD@127.0.0.1:1/none")
    assert r.exit_code != 0  # nobody listens there: refused, and not audited
    entries = cli("audit", "--json").json()
    text = json.dumps(entries, ensure_ascii=False)
    for secret in ("SECRET-NOTE", "SECRET-REASON", "SECRET-PASSWORD", "91.37", "94.69",
                   '"A"', '"B"', "grade", "score", "level"):
        assert secret not in text, secret
    assert entries[-1]["details"] == {"cycle": "2026-11", "employee": "张伟"}
    assert not target.exists()


def test_a_database_url_is_kept_without_its_password():
    from ecomops.services.audit import details_of

    kept = details_of("db copy", {"to": "postgresql://me:pw@db.example/x", "db": "a.db"})
    assert kept == {"to": "postgresql://me:***@db.example/x"}


def test_only_the_manager_and_the_general_manager_read_the_audit(db, cli):
    cli("staff", "add", "总经理", "-p", "general_manager")
    cli("staff", "add", "张伟", "-p", "manager", "--manager", "总经理")
    cli("staff", "add", "李娜", "-p", "copywriter", "--manager", "张伟")
    refused = cli("audit", "--as", "李娜")
    assert refused.exit_code == 1
    assert "李娜 (copywriter) may not read the audit trail" in refused.stderr
    assert "General Manager; E-commerce Department Manager" in refused.stderr
    assert cli("audit", "--as", "张伟", "--json").exit_code == 0
    assert cli("audit", "--as", "总经理", "--json").exit_code == 0
