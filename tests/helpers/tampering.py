"""Changing a workspace file behind the workbench's back, as someone with a SQLite tool could.

An attacker with write access to the file can drop the append-only triggers first; these
helpers do the same, then run their SQL with Python's own sqlite3, never through the app.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from workbench.services.store.workspace import Workspace


def _path(target: Workspace | Path) -> Path:
    if isinstance(target, Path):
        return target
    assert target.path is not None
    return target.path


@contextmanager
def raw_database(target: Workspace | Path) -> Iterator[sqlite3.Connection]:
    """The workspace file opened with plain sqlite3, its append-only triggers dropped;
    committed when the block ends."""
    with closing(sqlite3.connect(_path(target))) as db:
        triggers = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_no\\_%' "
            "ESCAPE '\\'"
        ).fetchall()
        for (name,) in triggers:
            db.execute(f"DROP TRIGGER {name}")
        yield db
        db.commit()


def tamper(target: Workspace | Path, statement: str, *parameters: object) -> None:
    """Run one SQL statement on the file behind the app's back."""
    with raw_database(target) as db:
        db.execute(statement, parameters)


def rows(target: Workspace | Path, query: str, *parameters: object) -> list[tuple[object, ...]]:
    """What the file holds, read without the app."""
    with closing(sqlite3.connect(_path(target))) as db:
        return list(db.execute(query, parameters))


def cut_log(target: Workspace | Path, keep: int) -> int:
    """Delete every audit log entry after the first ``keep``; returns how many went."""
    with raw_database(target) as db:
        (count,) = db.execute("SELECT count(*) FROM audit_log").fetchone()
        db.execute(
            "DELETE FROM audit_log WHERE id NOT IN (SELECT id FROM audit_log ORDER BY id LIMIT ?)",
            (keep,),
        )
    return int(count) - keep


def swap_key(target: Workspace | Path, person: str, with_key_of: str) -> None:
    """Give ``person``'s current key record the public key (and fingerprint) of another
    person's, as a forger who wants to sign in ``person``'s name would."""
    with raw_database(target) as db:
        (source,) = db.execute(
            "SELECT k.public_key, k.fingerprint FROM person_key k JOIN person p "
            "ON p.id = k.person_id WHERE p.name = ? ORDER BY k.id DESC LIMIT 1",
            (with_key_of,),
        ).fetchall()
        (key_id,) = db.execute(
            "SELECT k.id FROM person_key k JOIN person p ON p.id = k.person_id "
            "WHERE p.name = ? ORDER BY k.id DESC LIMIT 1",
            (person,),
        ).fetchone()
        db.execute(
            "UPDATE person_key SET public_key = ?, fingerprint = ? WHERE id = ?",
            (*source, key_id),
        )
