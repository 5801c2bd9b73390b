"""`manual show` on the terminal: a criterion's weight is shown as a weight, a rubric's own
number as its number in the grade table, neither as a section of the manual."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("lang", "weight", "rubric"),
    [
        ("en", "Analysis (weight 20%)", "3. E-commerce Copywriter Appraisal Scheme"),
        ("zh", "分析能力 (權重 20%)", "3. 電商部文案績效考核方案"),
        ("zh-hans", "分析能力 (权重 20%)", "3. 电商部文案绩效考核方案"),
    ],
)
def test_manual_show_6_prints_weights_as_weights(db, cli, lang, weight, rubric):
    r = cli("manual", "show", "6", "--lang", lang)
    assert r.exit_code == 0, r.stderr
    assert "§20%" not in r.stdout and "§3 " not in r.stdout
    assert weight in r.stdout and rubric in r.stdout
    assert r.stdout.startswith("§6 ")
    # the JSON is as it was: the weight is the criterion's "number"
    out = cli("manual", "show", "6", "--json").json()
    crit = out[0]["sections"][1]["sections"][0]
    assert (crit["id"], crit["number"]) == ("rubrics.copywriter.analysis", "20%")


def test_sections_keep_their_section_sign(db, cli):
    r = cli("manual", "show", "3")
    assert "§3 Code of conduct" in r.stdout and "§3.1 Basic conduct" in r.stdout
