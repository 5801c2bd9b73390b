"""Who may do what (pure): the handbook's permission table applied to a person and what the
action concerns.

The table maps an action to the positions and relations allowed to take it. Relations:

- ``self``: the person concerned;
- ``reporting_line``: a rater position the person's rubric names, held by someone in the
  person's reporting line (their manager, that manager's manager, …), or by the holder of a
  position at the top of the organisation (above everyone); a person with no manager on the
  roster falls back to the position rule alone;
- ``cycle_rater``: someone who rates a member of the cycle;
- ``task_owner``: the task's owner (the person, or the holder of the owning position).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Party:
    """The person acting: who they are and the position they hold."""

    id: int
    position: str


@dataclass(frozen=True, slots=True)
class About:
    """What an action concerns (each field only where it applies)."""

    person_id: int | None = None
    #: rater positions the person's rubric names
    raters: tuple[str, ...] = ()
    #: the person's managers on the roster, nearest first
    line: tuple[int, ...] = ()
    has_manager: bool = True
    task_owner_id: int | None = None
    task_owner_position: str | None = None
    cycle_rater: bool = False


def in_reporting_line(who: Party, about: About, tops: Collection[str]) -> bool:
    """Whether ``who`` rates the person concerned by the reporting-line rule."""
    if who.position not in about.raters:
        return False
    return who.id in about.line or who.position in tops or not about.has_manager


def allowed(
    table: Mapping[str, Sequence[str]],
    action: str,
    who: Party,
    about: About,
    tops: Collection[str],
) -> bool:
    """Whether ``who`` may take ``action`` on what ``about`` describes."""
    for name in table.get(action, ()):
        if name == "self":
            if about.person_id is not None and who.id == about.person_id:
                return True
        elif name == "reporting_line":
            if in_reporting_line(who, about, tops):
                return True
        elif name == "cycle_rater":
            if about.cycle_rater:
                return True
        elif name == "task_owner":
            if about.task_owner_id is not None:
                if who.id == about.task_owner_id:
                    return True
            elif about.task_owner_position is not None and (
                who.position == about.task_owner_position
            ):
                return True
        elif who.position == name:
            return True
    return False


def line_of(person_id: int, managers: Mapping[int, int | None]) -> tuple[int, ...]:
    """``person_id``'s managers, nearest first, from each person's manager (a cycle on the
    roster ends the line where it repeats)."""
    out: list[int] = []
    current = managers.get(person_id)
    while current is not None and current not in out and current != person_id:
        out.append(current)
        current = managers.get(current)
    return tuple(out)
