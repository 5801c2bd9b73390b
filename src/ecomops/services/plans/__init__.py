"""The Monday plan and the month-end summary (§3.2 rules 6 and 7), mailed to the department
head, the head's weekly summary of the department, and the working calendar they run on.

A plan is expected of whoever is a member of the department on its deadline's day
(core.plans.member_on); the roster's join and leaving dates decide it, in SQL, for every
member at once (:func:`membership_sql`)."""

from ecomops.services.plans.members import (
    Member,
    department_head,
    due_of,
    may_read_records,
    membership_sql,
)
from ecomops.services.plans.reading import (
    approved_leave,
    calendar_month,
    plan_show,
    plan_status,
    status_grid,
)
from ecomops.services.plans.submitting import Submitted, resend, send_stored, store, submit_plan

__all__ = [
    "Member",
    "approved_leave",
    "calendar_month",
    "department_head",
    "due_of",
    "may_read_records",
    "membership_sql",
    "plan_show",
    "plan_status",
    "Submitted",
    "resend",
    "send_stored",
    "submit_plan",
    "status_grid",
    "store",
]
