"""Backup, restore, moving house (SQLite → PostgreSQL), "where is my data?" and PostgreSQL
login roles.

Every ecomops table is copied in foreign-key order with SQLAlchemy Core (``executemany`` in
batches), through the same column types on both sides, so values round-trip exactly. A
self-referencing key (a manager on the roster) is filled in a second pass. After rows with
explicit ids go into PostgreSQL, its id sequences are moved past them.

What a restore or a copy brings in is checked as it passes, by the rules the tool's own writes
keep (:mod:`ecomops.core.backup`): once a row is refused nothing more is written, the rest is
only read to count the problems, and the whole is refused in the one transaction, naming the
first bad rows; the target is left as it was.

Modules: :mod:`.tables` (the tables, read, copied, emptied, counted), :mod:`.intake` (the
checks on what comes in), :mod:`.dump` (the portable dump), :mod:`.backup` (``db backup``,
``db restore``), :mod:`.copying` (``db copy``), :mod:`.status` (``db status``),
:mod:`.grant` (``db grant``).
"""

from ecomops.services.dbtools.backup import backup, restore
from ecomops.services.dbtools.copying import copy_to
from ecomops.services.dbtools.grant import Granted, grant
from ecomops.services.dbtools.intake import column_rules
from ecomops.services.dbtools.status import status

__all__ = ["Granted", "backup", "column_rules", "copy_to", "grant", "restore", "status"]
