"""Leave and shift swaps (§3.2 rule 7) and their approval, the temporary work handover form
(§3.2 rule 5) and its acknowledgement, and the visitor log (§3.1 rule 10). The rules are
:mod:`ecomops.core.leave`'s.

Modules: :mod:`.leave`, :mod:`.handover`, :mod:`.visitors`, and :mod:`.records` (what they
share).
"""

from ecomops.services.office.handover import (
    handover_ack,
    handover_add,
    handover_list,
    unacked_handovers,
)
from ecomops.services.office.leave import leave_decide, leave_list, leave_request, pending_leave
from ecomops.services.office.visitors import leaders, visitor_add, visitor_leave, visitor_list

__all__ = [
    "handover_ack",
    "handover_add",
    "handover_list",
    "leaders",
    "leave_decide",
    "leave_list",
    "leave_request",
    "pending_leave",
    "unacked_handovers",
    "visitor_add",
    "visitor_leave",
    "visitor_list",
]
