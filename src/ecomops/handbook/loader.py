"""Read a handbook file into a :class:`~ecomops.handbook.model.Manual`.

Every problem is reported as ``FILE:LINE: key.path: what is wrong``; the line is the one the key
path points at in the YAML (or its nearest parent that the file has).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from ecomops.errors import ManualError
from ecomops.handbook.model import Manual, Problem, semantic_problems


def bundled_manual_path() -> Path:
    """The handbook that ships with ecomops (``data/seed_manual.yaml``)."""
    from importlib import resources

    packaged = resources.files("ecomops") / "data" / "seed_manual.yaml"
    if packaged.is_file():
        return Path(str(packaged))
    # A source checkout (editable install): the file at the top of the repository.
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data" / "seed_manual.yaml"
        if candidate.is_file():
            return candidate
    raise ManualError(
        "the bundled handbook is missing from this installation",
        hint="reinstall ecomops, or pass --manual FILE",
    )


@dataclass(frozen=True)
class LoadedManual:
    manual: Manual
    path: Path
    text: str
    sha256: str


def format_path(path: tuple) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _line_index(node: yaml.Node, path: tuple, lines: dict, dups: list) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            k = key_node.value
            if k in seen:
                dups.append(((*path, k), key_node.start_mark.line + 1))
            seen.add(k)
            child = (*path, k)
            lines[child] = key_node.start_mark.line + 1
            _line_index(value_node, child, lines, dups)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = (*path, i)
            lines[child] = item.start_mark.line + 1
            _line_index(item, child, lines, dups)


def _line_of(path: tuple, lines: dict) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


_PYDANTIC_MESSAGES = {
    "missing": "is missing",
    "extra_forbidden": "is not a key this file may have",
}


def _pydantic_problems(err: ValidationError) -> list[Problem]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        message = _PYDANTIC_MESSAGES.get(e["type"], e["msg"])
        if e["type"] == "string_too_short":
            message = "is empty"
        problems.append(Problem(loc, message))
    return problems


def parse_manual_text(text: str, source: str) -> Manual:
    """Parse and validate handbook YAML; raise :class:`ManualError` listing every problem."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ManualError(
            f"{where}: not valid YAML ({problem})", hint="fix the file and try again"
        ) from None
    if not isinstance(data, dict):
        raise ManualError(
            f"{source}: a handbook file is a YAML mapping (schema_version, positions, ...)",
            hint="see data/seed_manual.yaml for the layout",
        )
    lines: dict = {}
    dups: list = []
    if node is not None:
        _line_index(node, (), lines, dups)

    problems: list[Problem] = [Problem(p, "appears twice") for p, _ in dups]
    manual: Manual | None = None
    try:
        manual = Manual.model_validate(data)
    except ValidationError as exc:
        problems += _pydantic_problems(exc)
    if manual is not None:
        problems += semantic_problems(manual)
    if problems:
        rendered = []
        for p in problems:
            line = _line_of(p.path, lines)
            where = f"{source}:{line}" if line else source
            rendered.append(f"{where}: {format_path(p.path)}: {p.message}")
        count = len(problems)
        raise ManualError(
            f"{source}: the handbook is not valid ({count} problem{'s' if count > 1 else ''})",
            problems=rendered,
            hint="fix the file and try again; nothing was written",
        )
    assert manual is not None
    return manual


def load_manual(path: Path | str | None = None) -> LoadedManual:
    """Load and validate a handbook file (the bundled one when ``path`` is None)."""
    file = Path(path) if path is not None else bundled_manual_path()
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ManualError(
            f"no handbook file at {file}", hint="check the path given to --manual"
        ) from None
    except OSError as exc:
        raise ManualError(f"cannot read handbook file {file}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManualError(
            f"{file}: not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8"
        ) from None
    manual = parse_manual_text(text, str(file))
    return LoadedManual(manual, file, text, hashlib.sha256(raw).hexdigest())
