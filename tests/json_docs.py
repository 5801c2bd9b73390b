"""The "Fields" tables of docs/json.md, generated from the output models of src/ecomops/views.py.

docs/json.md is hand-written prose and examples around one generated block per output model
(every subclass of ``views.Out``)::

    <!-- fields: CycleOut -->
    **`CycleOut`**

    | key | type | meaning |
    | --- | --- | --- |
    | `closed_at` | datetime or null | when it was closed |
    <!-- /fields -->

The key and type columns are generated from the model (keys by their JSON name, i.e. the alias
when there is one, sorted as the output sorts them); the meaning column is written by hand and
kept when the block is regenerated. A model that extends another output model lists only the
keys it adds. Regenerate after changing a model with

    python -m tests.json_docs          # rewrite docs/json.md (from the repository's root)
    python -m tests.json_docs --check  # exit 1 when docs/json.md is stale

then write the meaning of every new key (tests/test_json_docs.py fails while one is blank). A
new model gets its block by hand: put an empty ``<!-- fields: NewOut -->`` /
``<!-- /fields -->`` pair where it belongs and regenerate.

Each ```json example block is preceded by ``<!-- example: Model -->`` (or ``list[Model]``) and
checked against that model: see :func:`example_json` for what ``…`` may stand for.
"""

from __future__ import annotations

import json
import re
import sys
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ecomops import views

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "json.md"

BEGIN = re.compile(r"^<!-- fields: (\w+) -->$")
END = "<!-- /fields -->"
EXAMPLE = re.compile(r"^<!-- example: (\w+|list\[\w+\]) -->$")
HEADER = ["| key | type | meaning |", "| --- | --- | --- |"]


# --- the models ------------------------------------------------------------------------------


def output_models() -> dict[str, type[BaseModel]]:
    """Every output model: every subclass of ``views.Out`` (at any depth), by class name."""
    found: dict[str, type[BaseModel]] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            found.setdefault(sub.__name__, sub)
            walk(sub)

    walk(views.Out)
    return found


def json_key(name: str, info: FieldInfo) -> str:
    """The key a field has in the ``--json`` output (the output is dumped by alias)."""
    return info.serialization_alias or info.alias or name


def model_keys(model: type[BaseModel]) -> dict[str, typing.Any]:
    """The model's JSON keys, sorted, each with its type."""
    keys = {json_key(n, f): f.annotation for n, f in model.model_fields.items()}
    return dict(sorted(keys.items()))


def base_model(model: type[BaseModel]) -> type[BaseModel] | None:
    """The output model ``model`` extends (None for a direct subclass of ``Out``)."""
    for base in model.__bases__:
        if issubclass(base, views.Out) and base is not views.Out:
            return base
    return None


def own_keys(model: type[BaseModel]) -> dict[str, typing.Any]:
    """The keys ``model`` adds to the model it extends (all of them when it extends none)."""
    keys = model_keys(model)
    base = base_model(model)
    if base is None:
        return keys
    inherited = model_keys(base)
    return {k: t for k, t in keys.items() if k not in inherited or inherited[k] != t}


def _args(tp) -> tuple:
    return typing.get_args(tp)


def _is_union(tp) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def type_text(tp) -> str:
    """A field's type as the doc writes it."""
    if isinstance(tp, str | typing.ForwardRef):
        raise TypeError(f"unresolved annotation {tp!r}")
    if _is_union(tp):
        parts = [a for a in _args(tp) if a is not type(None)]
        text = " or ".join(type_text(a) for a in parts)
        return text + " or null" if len(parts) < len(_args(tp)) else text
    origin = typing.get_origin(tp)
    if origin is list:
        return f"list of {type_text(_args(tp)[0])}"
    if origin is dict:
        return f"map of {type_text(_args(tp)[1])}"
    if tp is dict:
        return "object"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"`{tp.__name__}`"
    scalars = {
        str: "string",
        int: "integer",
        bool: "boolean",
        Decimal: "number",
        date: "date",
        datetime: "datetime",
    }
    if tp in scalars:
        return scalars[tp]
    raise TypeError(f"no doc name for the type {tp!r}")


def nested_models(tp) -> set[str]:
    """The names of the output models inside a field's type (``list[X] | None`` -> {X})."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return {tp.__name__}
    return set().union(*(nested_models(a) for a in _args(tp)))


# --- the doc ---------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    type: str
    meaning: str


@dataclass
class Block:
    """One generated block of docs/json.md: lines ``start`` (the opening comment) to ``end``
    (the closing one) of the file, 0-based."""

    model: str
    start: int
    end: int
    extends: str | None = None
    rows: list[Row] = field(default_factory=list)
    junk: list[str] = field(default_factory=list)  # lines that are no part of the format


_CELL = re.compile(r"(?<!\\)\|")
_TITLE = re.compile(r"^\*\*`(\w+)`\*\*(?:: every key of `(\w+)`, and)?$")


def parse_row(line: str) -> Row | None:
    """``| `key` | type | meaning |`` as a Row (the meaning may hold escaped pipes ``\\|``)."""
    if not (line.startswith("|") and line.endswith("|")):
        return None
    cells = [c.strip() for c in _CELL.split(line[1:-1])]
    if len(cells) < 3 or not re.fullmatch(r"`[^`]+`", cells[0]):
        return None
    return Row(cells[0][1:-1], cells[1], " | ".join(cells[2:]))


def parse_blocks(text: str) -> list[Block]:
    """Every ``<!-- fields: … -->`` block of the doc, as written."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        if not m:
            if lines[i] == END:
                raise ValueError(f"docs/json.md:{i + 1}: {END} without an opening comment")
            i += 1
            continue
        block = Block(m.group(1), i, -1)
        j = i + 1
        while j < len(lines) and lines[j] != END:
            line = lines[j]
            if BEGIN.match(line):
                raise ValueError(f"docs/json.md:{j + 1}: a fields block inside another")
            title = _TITLE.match(line)
            row = parse_row(line)
            if title and title.group(1) == block.model:
                block.extends = title.group(2)
            elif row is not None:
                block.rows.append(row)
            elif line.strip() and line not in HEADER:
                block.junk.append(line)
            j += 1
        if j == len(lines):
            raise ValueError(f"docs/json.md:{i + 1}: the fields block of {block.model} never ends")
        block.end = j
        blocks.append(block)
        i = j + 1
    return blocks


def undocumented(models: dict[str, type[BaseModel]], text: str) -> list[str]:
    """The models with no fields block in the doc ``text``."""
    return sorted(set(models) - {b.model for b in parse_blocks(text)})


def documented_keys(block: Block, blocks: dict[str, Block]) -> set[str]:
    """The keys the doc gives a model: its rows, and those of the model it says it extends."""
    keys = {r.key for r in block.rows}
    seen = {block.model}
    while block.extends and block.extends in blocks and block.extends not in seen:
        seen.add(block.extends)
        block = blocks[block.extends]
        keys |= {r.key for r in block.rows}
    return keys


def key_problems(model: type[BaseModel], block: Block, blocks: dict[str, Block]) -> list[str]:
    """How the doc's keys for ``model`` differ from the model's (empty when they agree)."""
    problems = []
    base = base_model(model)
    said = block.extends
    if (base.__name__ if base else None) != said:
        problems.append(
            f"{model.__name__} extends {base.__name__ if base else 'no output model'}, "
            f"the doc says {said or 'none'}"
        )
    documented = documented_keys(block, blocks)
    keys = set(model_keys(model))
    if keys - documented:
        problems.append(f"{model.__name__}: keys not in the doc: {sorted(keys - documented)}")
    if documented - keys:
        problems.append(f"{model.__name__}: the doc has keys it lacks: {sorted(documented - keys)}")
    rows = [r.key for r in block.rows]
    if rows != sorted(set(rows)):
        problems.append(f"{model.__name__}: the doc's keys are not sorted, or repeat: {rows}")
    types = model_keys(model)
    for row in block.rows:
        if row.key not in types:
            continue
        named = set(re.findall(r"`(\w+)`", row.type))
        if named != nested_models(types[row.key]):
            problems.append(
                f"{model.__name__}.{row.key}: the doc names the models {sorted(named)}, "
                f"the type holds {sorted(nested_models(types[row.key]))}"
            )
    return problems


def render(model: type[BaseModel], meanings: dict[str, str]) -> list[str]:
    """The generated block of ``model`` (without its comments), keeping the meanings given."""
    base = base_model(model)
    title = f"**`{model.__name__}`**"
    if base is not None:
        title += f": every key of `{base.__name__}`, and"
    rows = []
    for key, tp in own_keys(model).items():
        meaning = meanings.get(key, "")
        rows.append(
            f"| `{key}` | {type_text(tp)} | {meaning} |"
            if meaning
            else f"| `{key}` | {type_text(tp)} | |"
        )
    return ["", title, "", *HEADER, *rows, ""]


def regenerate(text: str) -> str:
    """``text`` with every block of a known model generated afresh (meanings kept)."""
    models = output_models()
    lines = text.split("\n")
    for block in reversed(parse_blocks(text)):  # from the end: line numbers stay valid
        if block.model not in models:
            continue
        if block.junk:
            raise ValueError(
                f"docs/json.md:{block.start + 1}: the fields block of {block.model} holds lines "
                f"that are no part of its table (move them out of the block): {block.junk}"
            )
        meanings = {r.key: r.meaning for r in block.rows}
        lines[block.start + 1 : block.end] = render(models[block.model], meanings)
    return "\n".join(lines)


# --- the examples ----------------------------------------------------------------------------


@dataclass
class Example:
    line: int  # 1-based line of the opening fence
    target: str | None  # "Model" or "list[Model]" from the comment before the fence
    text: str


def examples(text: str) -> list[Example]:
    """Every ```json block of the doc, with the model its comment names."""
    lines = text.split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```json":
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            before = lines[i - 1].strip() if i else ""
            m = EXAMPLE.match(before)
            out.append(Example(i + 1, m.group(1) if m else None, "\n".join(lines[i + 1 : j])))
            i = j
        i += 1
    return out


ELLIPSIS = "…"


def example_json(text: str) -> str:
    """An example as JSON. ``…`` stands for what the example leaves out:

    - ``"…"`` as a value: some value (of the field's type), left out;
    - ``"…": "…"`` in an output model's object: the model's other keys, left out (an object
      without it shows every key of its model);
    - ``, …`` before ``]`` or ``}``: more items, or more keys of a map; ``[…]``, ``{…}``: a
      list, or a map, whose items are left out.

    The first two are JSON as they are; the last two are dropped here.
    """
    text = re.sub(rf",\s*{ELLIPSIS}\s*(?=[\]}}])", "", text)
    return re.sub(rf"([\[{{])\s*{ELLIPSIS}\s*(?=[\]}}])", r"\1", text)


def unsorted_objects(text: str) -> list[list[str]]:
    """The keys of each object of an example whose keys are not sorted as the output sorts them."""
    found = []

    def hook(pairs: list[tuple[str, typing.Any]]) -> dict:
        keys = [k for k, _ in pairs]
        if keys != sorted(keys):
            found.append(keys)
        return dict(pairs)

    json.loads(example_json(text), object_pairs_hook=hook)
    return found


def check_value(value, tp, path: str = "$") -> list[str]:
    """What in an example ``value`` does not fit the type ``tp`` (empty when all fits)."""
    if value == ELLIPSIS:
        return []
    if _is_union(tp):
        if value is None and type(None) in _args(tp):
            return []
        options = [a for a in _args(tp) if a is not type(None)]
        tried = [check_value(value, a, path) for a in options]
        return [] if any(not t for t in tried) else tried[0]
    if value is None:
        return [f"{path}: null, but the type is {type_text(tp)}"]
    origin = typing.get_origin(tp)
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        return [
            p for i, v in enumerate(value) for p in check_value(v, _args(tp)[0], f"{path}[{i}]")
        ]
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        if tp is dict:
            return []
        return [p for k, v in value.items() for p in check_value(v, _args(tp)[1], f"{path}.{k}")]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if not isinstance(value, dict):
            return [f"{path}: not an object ({tp.__name__})"]
        keys = model_keys(tp)
        problems = [
            f"{path}.{k}: {tp.__name__} has no key {k!r}"
            for k in value
            if k not in keys and k != ELLIPSIS
        ]
        if ELLIPSIS not in value:
            missing = sorted(set(keys) - set(value))
            if missing:
                problems.append(
                    f"{path}: {tp.__name__} also has {missing} (show them, or end the object "
                    f'with "{ELLIPSIS}": "{ELLIPSIS}")'
                )
        for k, v in value.items():
            if k in keys:
                problems += check_value(v, keys[k], f"{path}.{k}")
        return problems
    return _check_scalar(value, tp, path)


def _check_scalar(value, tp, path: str) -> list[str]:
    want = {int: "an integer", Decimal: "a number", date: "a date (YYYY-MM-DD)"}.get(
        tp, f"a {type_text(tp)}"
    )
    if tp is bool:
        ok = isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp is Decimal:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif tp is str:
        ok = isinstance(value, str)
    elif tp is date:
        ok = isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value) is not None
    elif tp is datetime:
        ok = isinstance(value, str) and _is_time(value)
        want = "an ISO 8601 time with its UTC offset"
    else:
        return [f"{path}: no check for the type {tp!r}"]
    return [] if ok else [f"{path}: {value!r} is not {want}"]


def _is_time(value: str) -> bool:
    try:
        return datetime.fromisoformat(value).utcoffset() is not None
    except ValueError:
        return False


def example_type(target: str):
    """``Model`` or ``list[Model]`` (from an example's comment) as a type."""
    models = output_models()
    m = re.fullmatch(r"list\[(\w+)\]", target)
    name = m.group(1) if m else target
    if name not in models:
        raise KeyError(name)
    return list[models[name]] if m else models[name]


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    fresh = regenerate(text)
    if "--check" in argv:
        if fresh != text:
            print("docs/json.md is stale: run python -m tests.json_docs", file=sys.stderr)
            return 1
        return 0
    if fresh != text:
        DOC.write_text(fresh, encoding="utf-8")
        print("docs/json.md regenerated; write the meaning of any new key", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
