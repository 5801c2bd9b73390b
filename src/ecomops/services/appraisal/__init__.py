"""Appraisals (§6): cycles, rating sheets, scores and grades, the quota, calibration.

The modules, each over the one before: ``state`` (a cycle's members, sheets and scores as
plain data, and the counts), ``outputs`` (their output models), ``quota``, ``cycles``,
``rating``, ``bulk`` (a CSV of sheets), ``calibration``, ``reading``, ``history`` (grades
over time, a year's grades). The names below are the package's public use cases.
"""

from ecomops.services.appraisal.bulk import rate_from_csv
from ecomops.services.appraisal.calibration import calibrate
from ecomops.services.appraisal.cycles import cycle_close, cycle_list, cycle_open, cycle_reopen
from ecomops.services.appraisal.history import appraisal_history, year_appraisal
from ecomops.services.appraisal.quota import build_quota, explain, quota_check, quota_rule
from ecomops.services.appraisal.rating import rate, rubric_of
from ecomops.services.appraisal.reading import appraisal_show, appraisals_list
from ecomops.services.appraisal.state import (
    Appraisal,
    Progress,
    SheetData,
    counted_by_server,
    find_cycle,
    load_cycle,
    may_see,
    progress,
)

__all__ = [
    "Appraisal",
    "Progress",
    "SheetData",
    "appraisal_history",
    "appraisal_show",
    "appraisals_list",
    "build_quota",
    "calibrate",
    "counted_by_server",
    "cycle_close",
    "cycle_list",
    "cycle_open",
    "cycle_reopen",
    "explain",
    "find_cycle",
    "load_cycle",
    "may_see",
    "progress",
    "quota_check",
    "quota_rule",
    "rate",
    "rate_from_csv",
    "rubric_of",
    "year_appraisal",
]
