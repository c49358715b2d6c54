"""What a copy and a check-in know about the tables."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from workbench.services.team.tables import APPEND_ONLY


def test_append_only_tables_are_the_ones_the_migrations_protect(sqlite_workspace) -> None:
    assert sqlite_workspace.path is not None
    with closing(sqlite3.connect(sqlite_workspace.path)) as db:
        protected = {
            name.removesuffix("_no_update")
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            if name.endswith("_no_update")
        }
    assert protected == APPEND_ONLY
