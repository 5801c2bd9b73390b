"""Read a handbook file into a :class:`~ecomops.handbook.model.Manual`.

Every problem is reported as ``FILE:LINE: key.path: what is wrong``; the line is the one the key
path points at in the YAML (or its nearest parent that the file has).

Reading is bounded, whatever the file holds: at most ``MAX_BYTES`` are read; aliases (``*name``)
are refused, so no anchor can be expanded into a "billion laughs"; nesting stops at
``MAX_DEPTH`` levels and a number at ``MAX_NUMBER`` characters. The handbook needs none of them
(the seed is some 40 KB, eight levels deep, without anchors).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from ecomops.errors import ManualError
from ecomops.handbook.model import Manual, Problem, semantic_problems

#: the largest handbook file read (the seed is ~40 KB)
MAX_BYTES = 2 * 1024 * 1024
#: the deepest nesting of lists and mappings (the seed's is 8)
MAX_DEPTH = 64
#: the longest number, in characters
MAX_NUMBER = 100


class _Refused(yaml.MarkedYAMLError):
    """YAML the handbook reader does not take, though it is valid YAML."""

    def __init__(self, problem: str, mark, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.hint = hint


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, bounded: no aliases, no deep nesting, no endless numbers."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                f"an alias (*{event.anchor}) is not allowed in a handbook",
                event.start_mark,
                "write the value out in full",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                    event.start_mark,
                    "a handbook needs only a few levels",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:  # 0000-01-01 as a date …
            raise _Refused(
                f"cannot read the value {str(node.value)[:40]!r} ({exc})",
                node.start_mark,
                "quote it to keep it as text",
            ) from None


def _number(constructor):
    def construct(loader: _Loader, node: yaml.ScalarNode):
        if len(node.value) > MAX_NUMBER:
            raise _Refused(
                f"a number of {len(node.value)} characters is too long",
                node.start_mark,
                f"a handbook's numbers are short (at most {MAX_NUMBER} characters)",
            )
        return constructor(loader, node)

    return construct


_Loader.add_constructor("tag:yaml.org,2002:int", _number(yaml.SafeLoader.construct_yaml_int))
_Loader.add_constructor("tag:yaml.org,2002:float", _number(yaml.SafeLoader.construct_yaml_float))


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
    if len(text) > MAX_BYTES:
        raise ManualError(
            f"{source}: the file is larger than {MAX_BYTES // 2**20} MB",
            hint="a handbook is a few dozen KB; check that this is the right file",
        )
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # reads the text: a control character fails here
        node = loader.get_single_node()  # one pass: the nodes give the lines, then the data
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        at = f":{exc.problem_mark.line + 1}" if exc.problem_mark else ""
        raise ManualError(f"{source}{at}: {exc.problem}", hint=exc.hint) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ManualError(
            f"{where}: not valid YAML ({problem})", hint="fix the file and try again"
        ) from None
    except RecursionError:  # a guard: MAX_DEPTH stops nesting long before
        raise ManualError(
            f"{source}: lists and mappings are nested too deeply",
            hint="a handbook needs only a few levels",
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
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
        with file.open("rb") as fh:  # at most MAX_BYTES (and one more, to know): /dev/zero …
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ManualError(
            f"no handbook file at {file}", hint="check the path given to --manual"
        ) from None
    except OSError as exc:
        raise ManualError(f"cannot read handbook file {file}: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise ManualError(
            f"{file}: the file is larger than {MAX_BYTES // 2**20} MB",
            hint="a handbook is a few dozen KB; check that this is the right file",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManualError(
            f"{file}: not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8"
        ) from None
    manual = parse_manual_text(text, str(file))
    return LoadedManual(manual, file, text, hashlib.sha256(raw).hexdigest())
