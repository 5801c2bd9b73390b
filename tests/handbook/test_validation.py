"""A bad handbook file fails with the file, the line, the key path and the rule broken."""

from __future__ import annotations

import re

import pytest

from ecomops.errors import ManualError
from ecomops.handbook.loader import load_manual, parse_manual_text
from tests.conftest import SEED

BASE = SEED.read_text(encoding="utf-8")


def line_of(text: str, needle: str, start: str | None = None) -> int:
    """1-based line number of the first line containing ``needle`` (after ``start``)."""
    offset = text.index(start) if start else 0
    return text[: text.index(needle, offset)].count("\n") + 1


def edit(old: str, new: str, *, count: int = 1, after: str | None = None) -> str:
    if after:
        i = BASE.index(after)
        head, tail = BASE[:i], BASE[i:]
        assert old in tail
        return head + tail.replace(old, new, count)
    assert old in BASE, old
    return BASE.replace(old, new, count)


def problems(text: str) -> list[str]:
    with pytest.raises(ManualError) as err:
        parse_manual_text(text, "hb.yaml")
    assert "nothing was written" in str(err.value)
    return err.value.problems


CASES = [
    # (name, edited text, key path, words of the message, line anchor (needle, after))
    (
        "weights",
        edit("          weight: 20\n", "          weight: 25\n"),
        "appraisal.rubrics[0].criteria",
        "weights add up to 105, not 100",
        ("      criteria:", None),
    ),
    (
        "band gap",
        edit("      max: 90\n", "      max: 89\n"),
        "appraisal.grades",
        "gap between 89 and 90",
        ("  grades:", "appraisal:"),
    ),
    (
        "band overlap",
        edit("      max: 80\n", "      max: 85\n"),
        "appraisal.grades",
        "grade bands overlap",
        ("  grades:", "appraisal:"),
    ),
    (
        "band short of 100",
        edit("      max: 100\n", "      max: 99\n").replace("      points: 95\n", "      points: 92\n"),
        "appraisal.grades",
        "end at 99, not 100",
        ("  grades:", "appraisal:"),
    ),
    (
        "shares",
        edit("      share: 5\n", "      share: 10\n"),
        "appraisal.grades",
        "shares add up to 105%, not 100%",
        ("  grades:", "appraisal:"),
    ),
    (
        "unknown rubric",
        edit("    rubric: copywriter\n", "    rubric: writer\n"),
        "positions[4].rubric",
        "unknown rubric 'writer'",
        ("    rubric: writer", None),
    ),
    (
        "unknown rater",
        edit("      raters: [general_manager]\n", "      raters: [ceo]\n"),
        "appraisal.rubrics[0].raters[0]",
        "unknown rater position 'ceo'",
        ("      raters: [ceo]", None),
    ),
    (
        "unknown position in reports_to",
        edit("    reports_to: manager\n", "    reports_to: boss\n"),
        "positions[4].reports_to",
        "unknown position 'boss'",
        ("    reports_to: boss", None),
    ),
    (
        "duplicate position",
        edit("  - id: clerk\n", "  - id: copywriter\n"),
        "positions",
        "duplicate position id 'copywriter'",
        ("positions:", None),
    ),
    (
        "duplicate criterion",
        edit("        - id: leadership\n", "        - id: expertise\n"),
        "appraisal.rubrics[0].criteria",
        "duplicate criterion id 'expertise'",
        ("      criteria:", None),
    ),
    (
        "missing zh",
        edit("company: {zh: 貴州互豪商業運營有限公司, en:", "company: {en:"),
        "company.zh",
        "is missing",
        ("company:", None),
    ),
    (
        "missing en",
        edit("      en: Obey company rules, protect its reputation, keep its secrets.\n", ""),
        "conduct.items[0].en",
        "is missing",
        ("    - zh: 遵守公司規章制度", None),
    ),
    (
        "empty en",
        edit("title: {zh: 電商部運營管理手冊, en: E-commerce Department Operations Manual}",
             "title: {zh: 電商部運營管理手冊, en: ''}"),
        "title.en",
        "is empty",
        ("title:", None),
    ),
    (
        "unknown key",
        edit("    in_department: false\n", "    in_department: false\n    salary: 100\n"),
        "positions[0].salary",
        "is not a key this file may have",
        ("    salary: 100", None),
    ),
    (
        "levels do not match grades",
        edit("            D:\n              zh: 放任自流\n", "            E:\n              zh: 放任自流\n"),
        "appraisal.rubrics[0].criteria[1].levels",
        "do not match the grades",
        ("          levels:", "        - id: leadership"),
    ),
    (
        "unknown goal",
        edit("serves: dec.3}", "serves: dec.9}"),
        "workflow.assignments[0].tasks[4].serves",
        "unknown goal 'dec.9'",
        ("serves: dec.9", None),
    ),
    (
        "points outside band",
        edit("      points: 85\n", "      points: 91\n"),
        "appraisal.grades[1].points",
        "91 points fall outside grade B's band",
        ("      points: 91", None),
    ),
    (
        "time zone",
        edit("  timezone: Asia/Shanghai\n", "  timezone: Mars/Olympus\n"),
        "calendar.timezone",
        "unknown time zone 'Mars/Olympus'",
        ("  timezone: Mars/Olympus", None),
    ),
    (
        "not a number",
        edit("          weight: 20\n", "          weight: twenty\n"),
        "appraisal.rubrics[0].criteria[0].weight",
        "valid decimal",
        ("          weight: twenty", None),
    ),
    (
        "duplicate key",
        edit("dated: \"11.17\"\n", "dated: \"11.17\"\ndated: \"11.18\"\n"),
        "dated",
        "appears twice",
        ('dated: "11.18"', None),
    ),
]


@pytest.mark.parametrize(("name", "text", "path", "words", "anchor"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_file_names_line_path_and_rule(name, text, path, words, anchor):
    found = problems(text)
    line = line_of(text, anchor[0], anchor[1])
    expected = f"hb.yaml:{line}: {path}: "
    matching = [p for p in found if p.startswith(expected) and words in p]
    assert matching, f"wanted {expected}…{words}… in {found}"


def test_a_gap_leaves_89_5_in_no_band_and_the_seed_bands_hold_every_tenth_once():
    from decimal import Decimal

    from ecomops.core.grades import Band, grade_of

    m = load_manual(SEED).manual
    bands = [Band(g.id, g.min, g.max) for g in m.appraisal.grades]
    for tenth in range(0, 1001):
        score = Decimal(tenth) / 10
        assert sum(b.contains(score) for b in bands) == 1, score
    assert grade_of(Decimal("89.5"), bands) == "B"
    assert grade_of(Decimal("59.5"), bands) == "D"


def test_yaml_syntax_error_gives_the_line():
    text = edit("dated: \"11.17\"\n", "dated: [11.17\n")
    with pytest.raises(ManualError) as err:
        parse_manual_text(text, "hb.yaml")
    assert re.match(r"hb\.yaml:\d+: not valid YAML", err.value.message)


def test_a_file_that_is_not_a_mapping():
    with pytest.raises(ManualError, match="is a YAML mapping"):
        parse_manual_text("- just\n- a list\n", "hb.yaml")


def test_missing_file_and_non_utf8(tmp_path):
    with pytest.raises(ManualError, match="no handbook file at"):
        load_manual(tmp_path / "nope.yaml")
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("title: 電商".encode("big5"))
    with pytest.raises(ManualError, match="not UTF-8"):
        load_manual(bad)


def test_the_seed_is_valid_and_its_defaults_name_real_keys():
    loaded = load_manual(SEED)
    assert len(loaded.sha256) == 64
