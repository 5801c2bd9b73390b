"""docs/json.md and the output models of src/ecomops/views.py say the same thing.

Every output model (every subclass of ``views.Out``) has a generated "Fields" table in
docs/json.md listing exactly its JSON keys (by alias), with the nested models its types hold,
and a meaning for each; the tables are what ``python -m tests.json_docs`` generates; and every
```json example parses and fits the model it names. See tests/json_docs.py for the format.
"""

from __future__ import annotations

import difflib
import json
import re
from datetime import datetime

import pytest
from pydantic import BaseModel, Field

from tests import json_docs as jd

TEXT = jd.DOC.read_text(encoding="utf-8")
MODELS = jd.output_models()
BLOCKS = {b.model: b for b in jd.parse_blocks(TEXT)}
EXAMPLES = jd.examples(TEXT)
HINT = "run `python -m tests.json_docs`, then write the meaning of every new key"


def _example_id(example: jd.Example) -> str:
    return f"line{example.line}-{example.target}"


def test_the_models_are_found():
    # a guard on the walk itself: nested, aliased and extending models are all there
    assert {"Out", "BaseModel"}.isdisjoint(MODELS)
    assert {"CycleOut", "MoveOut", "Named", "PositionDetailOut", "TaskDetailOut"} <= set(MODELS)
    assert len(MODELS) >= 50


def test_every_model_is_documented_once():
    blocks = [b.model for b in jd.parse_blocks(TEXT)]
    missing = jd.undocumented(MODELS, TEXT)
    assert not missing, (
        f"output models with no fields block in docs/json.md: {missing}; put an empty "
        f"`<!-- fields: NAME -->` / `<!-- /fields -->` pair where each belongs, and {HINT}"
    )
    repeated = sorted({b for b in blocks if blocks.count(b) > 1})
    assert not repeated, f"models with more than one fields block: {repeated}"


def test_every_documented_model_exists():
    unknown = sorted(set(BLOCKS) - set(MODELS))
    assert not unknown, f"docs/json.md documents models views.py does not have: {unknown}"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_documented_keys_are_the_models_keys(name):
    if name not in BLOCKS:
        pytest.fail(f"{name} is not documented in docs/json.md ({HINT})")
    problems = jd.key_problems(MODELS[name], BLOCKS[name], BLOCKS)
    assert not problems, "\n".join(problems) + f"\n({HINT})"


def test_every_key_has_a_meaning():
    blank = [f"{b.model}.{r.key}" for b in BLOCKS.values() for r in b.rows if not r.meaning]
    assert not blank, f"write the meaning of these keys in docs/json.md: {blank}"


def test_blocks_hold_only_their_table():
    junk = {b.model: b.junk for b in BLOCKS.values() if b.junk}
    assert not junk, f"move these lines out of the generated blocks: {junk}"


def test_the_tables_are_generated_from_the_models():
    fresh = jd.regenerate(TEXT)
    if fresh != TEXT:
        diff = "".join(
            difflib.unified_diff(
                TEXT.splitlines(keepends=True),
                fresh.splitlines(keepends=True),
                "docs/json.md",
                "generated",
                n=1,
            )
        )
        pytest.fail(f"docs/json.md is stale ({HINT}):\n{diff[:4000]}")


# --- the examples --------------------------------------------------------------------------


def test_there_are_examples_and_each_names_its_model():
    assert len(EXAMPLES) >= 25
    unnamed = [e.line for e in EXAMPLES if e.target is None]
    assert not unnamed, (
        f"docs/json.md: the ```json blocks at lines {unnamed} are not preceded by "
        f"`<!-- example: Model -->` (or `list[Model]`)"
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=_example_id)
def test_example_is_json(example):
    try:
        json.loads(jd.example_json(example.text))
    except json.JSONDecodeError as exc:
        pytest.fail(
            f"docs/json.md:{example.line}: the example is not JSON, even with its `…` read as "
            f"tests/json_docs.py:example_json says: {exc}"
        )


@pytest.mark.parametrize("example", EXAMPLES, ids=_example_id)
def test_example_fits_its_model(example):
    if example.target is None:
        pytest.skip("no model named (test_there_are_examples_and_each_names_its_model fails)")
    try:
        tp = jd.example_type(example.target)
    except KeyError:
        pytest.fail(f"docs/json.md:{example.line}: no output model {example.target}")
    value = json.loads(jd.example_json(example.text))
    problems = jd.check_value(value, tp)
    problems += [f"keys not sorted: {keys}" for keys in jd.unsorted_objects(example.text)]
    assert not problems, f"docs/json.md:{example.line} ({example.target}):\n" + "\n".join(problems)


def test_every_top_level_model_has_an_example():
    # the models a command prints (not only nested in another): each is shown at least once
    shown = {re.sub(r"list\[(\w+)\]", r"\1", e.target) for e in EXAMPLES if e.target}
    nested = set().union(
        *(jd.nested_models(t) for m in MODELS.values() for t in jd.model_keys(m).values())
    )
    unshown = sorted(set(MODELS) - shown - nested)
    assert not unshown, f"models with no example in docs/json.md: {unshown}"


def test_cited_files_exist():
    prose = re.sub(r"```.*?```", "", TEXT, flags=re.DOTALL)
    path = r"(?<![\w/.…-])((?:[\w-]+/)*[\w-]+\.(?:md|py|yaml|yml|toml))\b"
    cited = set(re.findall(path, prose))
    missing = sorted(c for c in cited if not (jd.REPO / c).exists())
    assert not missing, f"docs/json.md cites files the project does not have: {missing}"


# --- the checks themselves can fail ------------------------------------------------------------
# On stand-ins (plain pydantic models, not output models, so no test above sees them) and a doc
# of their own: these hold whatever views.py and docs/json.md say.


class Visit(BaseModel):
    id: int
    left_at: datetime | None
    from_: str = Field(alias="from")


class VisitLess(BaseModel):  # Visit without left_at
    id: int
    from_: str = Field(alias="from")


class VisitMore(Visit):  # Visit with one more key
    quorum: int


class Day(BaseModel):
    visits: list[Visit]


SAMPLE = """
<!-- fields: Visit -->

**`Visit`**

| key | type | meaning |
| --- | --- | --- |
| `from` | string | where they came from |
| `id` | integer | its number |
| `left_at` | datetime or null | when they left |

<!-- /fields -->

<!-- fields: Day -->
| `visits` | list of string | the day's visits |
<!-- /fields -->
"""
SAMPLE_BLOCKS = {b.model: b for b in jd.parse_blocks(SAMPLE)}


def _problems(model: type[BaseModel], name: str = "Visit") -> list[str]:
    return jd.key_problems(model, SAMPLE_BLOCKS[name], SAMPLE_BLOCKS)


def test_a_model_and_its_doc_that_agree_pass():
    assert jd.model_keys(Visit) == {"from": str, "id": int, "left_at": datetime | None}
    assert _problems(Visit) == []
    assert (
        jd.render(Visit, {r.key: r.meaning for r in SAMPLE_BLOCKS["Visit"].rows})
        == (SAMPLE.split("\n")[2:11])
    )


def test_a_key_removed_from_a_model_is_caught():
    assert _problems(VisitLess) == ["VisitLess: the doc has keys it lacks: ['left_at']"]


def test_a_key_added_to_a_model_is_caught():
    assert _problems(VisitMore) == ["VisitMore: keys not in the doc: ['quorum']"]


def test_a_model_not_documented_is_caught():
    models = {"Visit": Visit, "Day": Day, "VisitMore": VisitMore}
    assert jd.undocumented(models, SAMPLE) == ["VisitMore"]


def test_a_nested_model_not_named_is_caught():
    assert _problems(Day, "Day") == [
        "Day.visits: the doc names the models [], the type holds ['Visit']"
    ]


def test_an_example_that_drifts_is_caught():
    good = {"from": "供应商", "id": 1, "left_at": None}
    assert jd.check_value(good, Visit) == []
    assert jd.check_value({**good, "quorum": 3}, Visit) == ["$.quorum: Visit has no key 'quorum'"]
    assert jd.check_value({"id": 1, "left_at": None}, Visit) == [
        '$: Visit also has [\'from\'] (show them, or end the object with "…": "…")'
    ]
    assert jd.check_value({"id": 1, "…": "…"}, Visit) == []
    assert jd.check_value({"id": "1", "…": "…"}, Visit) == ["$.id: '1' is not an integer"]
    assert jd.check_value({"left_at": "2026-11-27T10:00", "…": "…"}, Visit) == [
        "$.left_at: '2026-11-27T10:00' is not an ISO 8601 time with its UTC offset"
    ]
    assert jd.check_value({"visits": [{"id": 1, "to": "x", "…": "…"}]}, Day) == [
        "$.visits[0].to: Visit has no key 'to'"
    ]


def test_the_placeholders_of_the_examples():
    assert jd.example_json('{"a": [1, …], "b": {"x": 1, …}, "c": […], "d": "…"}') == (
        '{"a": [1], "b": {"x": 1}, "c": [], "d": "…"}'
    )
    assert jd.unsorted_objects('{"b": 1, "a": {"…": "…"}}') == [["b", "a"]]
