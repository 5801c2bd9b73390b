"""The permission rule, table-driven: each relation's allowed and refused side."""

from __future__ import annotations

import pytest

from ecomops.core.permissions import About, Party, allowed, line_of
from ecomops.handbook.model import DEFAULT_PERMISSIONS as TABLE

TOPS = {"general_manager"}
GM, MANAGER, OTHER_MANAGER, COPY, COPY2 = (
    Party(1, "general_manager"),
    Party(2, "manager"),
    Party(3, "manager"),
    Party(4, "copywriter"),
    Party(5, "copywriter"),
)
# the copywriter 4 reports to manager 2, who reports to the general manager 1
COPYWRITER = About(person_id=4, raters=("manager", "general_manager"), line=(2, 1))
ORPHAN = About(person_id=6, raters=("manager", "general_manager"), line=(), has_manager=False)


@pytest.mark.parametrize(
    ("action", "who", "about", "expected"),
    [
        ("open_cycle", MANAGER, About(), True),
        ("open_cycle", GM, About(), True),
        ("open_cycle", COPY, About(), False),
        ("calibrate", GM, About(), True),
        ("calibrate", MANAGER, About(), False),
        ("override_quota", MANAGER, About(), False),
        ("rate", MANAGER, COPYWRITER, True),  # her own manager
        ("rate", OTHER_MANAGER, COPYWRITER, False),  # a manager, not in her line
        ("rate", GM, COPYWRITER, True),  # the top is above everyone
        ("rate", COPY2, COPYWRITER, False),  # not a rater position
        ("rate", OTHER_MANAGER, ORPHAN, True),  # no manager on the roster: position rule
        ("read_appraisal", COPY, COPYWRITER, True),  # self
        ("read_appraisal", COPY2, COPYWRITER, False),
        ("read_appraisal", OTHER_MANAGER, COPYWRITER, False),
        ("read_appraisal", MANAGER, COPYWRITER, True),
        ("read_cycle", COPY, About(cycle_rater=False), False),
        ("read_cycle", MANAGER, About(cycle_rater=True), True),
        ("work_task", COPY, About(task_owner_id=4), True),
        ("work_task", COPY2, About(task_owner_id=4), False),
        ("work_task", COPY2, About(task_owner_position="copywriter"), True),  # position-owned
        ("work_task", COPY, About(task_owner_position="manager"), False),
        ("work_task", MANAGER, About(task_owner_id=4), True),
        ("assign_task", COPY, About(), False),
        ("assign_task", MANAGER, About(), True),
        ("read_audit", COPY, About(), False),
        ("read_audit", GM, About(), True),
        ("act_for_others", COPY, About(), False),
        ("act_for_others", MANAGER, About(), True),
        ("manage_staff", COPY, About(), False),
        ("unknown_action", GM, About(), False),
    ],
)
def test_allowed(action, who, about, expected) -> None:
    assert allowed(TABLE, action, who, about, TOPS) is expected


def test_the_reporting_line_goes_up_and_stops_at_a_cycle() -> None:
    managers = {4: 2, 2: 1, 1: None, 7: 8, 8: 7}
    assert line_of(4, managers) == (2, 1)
    assert line_of(1, managers) == ()
    assert line_of(7, managers) == (8,)  # a roster that loops ends where it repeats
