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
