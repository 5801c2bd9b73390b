"""Moved to :mod:`ecomops.services.identity` (who acts is a service: it reads the roster).

Only ``services/dbtools.py``, ``mailbox.py``, ``office.py`` and ``remind.py`` still import it
from here (another branch reworks them); change their imports and delete this module when
merging. ``tests/lint/test_words.py`` fails on any other importer.
"""

from ecomops.services.identity import (  # noqa: F401  (the names those modules use)
    Actor,
    acting,
    os_user,
    owner_of_file,
    owns_the_database,
)
