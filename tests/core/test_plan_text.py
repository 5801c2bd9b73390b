import pytest

from ecomops.core.plans import parse_markdown
from ecomops.errors import InvalidInput


@pytest.mark.parametrize(
    "text",
    [
        "## Summary\nwrote copy\n## Plan\nNew Year campaign\n",
        "# 2026-W48\n\n## 上周工作总结\nwrote copy\n\n## 本周工作计划\nNew Year campaign\n",
        "### Last week's summary / 上周总结 ###\nwrote copy\n# This week's plan\nNew Year campaign",
        "## 上週工作總結\nwrote copy\n## 本週工作籌劃\nNew Year campaign",
    ],
)
def test_both_sections_in_english_or_chinese(text):
    assert parse_markdown(text) == ("wrote copy", "New Year campaign")


# issue 13 item 8: the headings people write open the two sections
@pytest.mark.parametrize(
    ("summary_heading", "plan_heading"),
    [
        ("Last week", "This week"),
        ("last week:", "THIS WEEK:"),
        ("上周", "本周"),
        ("上週", "本週"),
        ("上周总结", "本周计划"),
        ("上週總結", "本週計劃"),
        ("Summary", "Plan"),
        ("上周工作总结 / Last week's summary", "本周工作计划 / This week's plan"),
        ("Last week's summary / 上周总结", "Next week's plan / 下周计划"),  # §3.2 rule 7's "next"
        ("上星期", "下星期"),
        ("回顾", "本周工作安排"),
        ("This month's summary / 本月总结", "Next month's plan / 下月计划"),  # the month's
        ("上周部门工作总结", "本周部门工作计划"),  # the department's
        ("Last week: the department / 上周部门工作总结", "This week: the department's plan"),
    ],
)
def test_headings_that_open_the_sections(summary_heading, plan_heading):
    text = f"# 2026-W48 李娜\n## {summary_heading}\nwrote copy\n## {plan_heading}\nNew Year campaign\n"
    assert parse_markdown(text) == ("wrote copy", "New Year campaign")
    # in either order
    swapped = f"## {plan_heading}\nNew Year campaign\n## {summary_heading}\nwrote copy\n"
    assert parse_markdown(swapped) == ("wrote copy", "New Year campaign")


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("Last week", "summary"),
        ("This week", "plan"),
        ("上周", "summary"),
        ("本周", "plan"),
        ("上週", "summary"),
        ("本週", "plan"),
        ("上周总结", "summary"),
        ("本周计划", "plan"),
        ("Summary", "summary"),
        ("Plan", "plan"),
        ("Last week's plan, reviewed", "summary"),  # the first word decides
        ("This week: what last week left", "plan"),
        ("2026-W48 李娜", None),  # a title opens nothing
        ("Notes", None),
    ],
)
def test_which_section_a_heading_opens(heading, section):
    from ecomops.core.plans import _section_of

    assert _section_of(heading) == section


@pytest.mark.parametrize("template", ["WEEK_TEMPLATE", "MONTH_TEMPLATE", "DEPT_TEMPLATE"])
def test_the_editor_templates_parse_once_filled_in(template):
    import ecomops.core.plans as plans

    text = getattr(plans, template).format(period="2026-W48", name="张伟")
    lines = text.splitlines()
    # write under each of the two section headings
    filled = []
    for line in lines:
        filled.append(line)
        if line.startswith("## "):
            filled.append("x" if len([f for f in filled if f.startswith("## ")]) == 1 else "y")
    assert parse_markdown("\n".join(filled)) == ("x", "y")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just some text", "no summary and no plan section"),
        ("## Summary\nx\n", "no plan section"),
        ("## Summary\n\n## Plan\nx", "the summary is empty"),
        ("## Summary\nx\n## Plan\n   \n", "the plan is empty"),
        ("## Summary\nx\n## Summary\ny\n## Plan\nz", "two summary sections"),
    ],
)
def test_bad_plan_files(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_markdown(text, "plan.md")
