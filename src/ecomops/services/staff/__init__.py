"""The staff roster: add, edit (keeping the history), list, show, import (all or nothing, and
with ``update`` a re-import that changes only what changed), deactivate and reactivate; and the
company's mail domain (§3.2 rule 3).

The rules every write of a person's record keeps (add, edit, import, reactivate alike):

- a position typed is a position's id, name or alias exactly; text that is only part of a
  name is refused, with the positions it could mean (never picked silently);
- an e-mail address belongs to one active person (compared case-insensitively), and from the
  day the company's mail domain applies, only an address there is accepted;
- one department head (the handbook's ``head: true`` position), and a manager of the position
  the handbook has the person's position report to: both refused unless ``force``;
- nobody manages themselves, directly or round a cycle.

Each change to an existing record is kept as a row of ``staff_change`` (field, old and new
value, the day it took effect, when it was recorded and by whom); a cycle's members keep the
position they held when it opened (``cycle_member``), whatever the record says later.

The package, by job: :mod:`.csvfile` (a roster CSV parsed), :mod:`.reading` (roster reads),
:mod:`.rules` (the checks every write keeps), :mod:`.bulk` (many rows at once, per dialect),
:mod:`.writes` (add, edit, deactivate, reactivate, link), :mod:`.mail` (the company mail
domain) and :mod:`.importing` (``staff import``).
"""

from __future__ import annotations

from ecomops.core.roster import clean_login
from ecomops.services.staff.csvfile import COLUMNS, HEADERS, read_staff_csv
from ecomops.services.staff.importing import staff_import
from ecomops.services.staff.mail import clean_domain, company_mail
from ecomops.services.staff.reading import (
    clean_email,
    company_domain_on,
    company_mail_setting,
    staff_list,
    staff_show,
)
from ecomops.services.staff.rules import find_position
from ecomops.services.staff.writes import (
    staff_add,
    staff_deactivate,
    staff_edit,
    staff_link,
    staff_reactivate,
)

__all__ = [
    "COLUMNS",
    "HEADERS",
    "clean_domain",
    "clean_email",
    "clean_login",
    "company_domain_on",
    "company_mail",
    "company_mail_setting",
    "find_position",
    "read_staff_csv",
    "staff_add",
    "staff_deactivate",
    "staff_edit",
    "staff_import",
    "staff_link",
    "staff_list",
    "staff_reactivate",
    "staff_show",
]
