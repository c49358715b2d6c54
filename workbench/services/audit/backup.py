"""Backing up a workspace: a consistent copy, then proof that the copy is whole.

The copy is made with SQLite's online backup while the workspace may be open and written
elsewhere (it holds what was committed when the copy began), into a temporary file beside the
target. The copy is then opened read-only and checked like any workspace (SQLite's integrity
check and :func:`~workbench.services.audit.verify.verify_session`), and only then moved into
place. The copy is a workspace of its own (:func:`~workbench.services.store.copies.make_own`):
a new identity, and an audit entry saying whose copy it is and who made it. A backup that fails
leaves nothing behind; a workspace that had problems is still backed up, and the result says
what they are. ``workbench backup`` and File > Back Up Workspace both run
:func:`backup_workspace`.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from workbench.services.audit import verify
from workbench.services.audit.verify import VerifyReport
from workbench.services.common import fileio
from workbench.services.common.errors import ServiceError
from workbench.services.store import copies
from workbench.services.store.workspace import (
    Workspace,
    WorkspaceError,
    copy_database,
    open_read_only,
    storage_error,
)


class BackupError(ServiceError):
    """A backup that could not be made; nothing was left behind."""


@dataclass(frozen=True)
class BackupResult:
    target: Path
    size: int
    integrity: tuple[str, ...]  # what SQLite's integrity check found in the copy
    report: VerifyReport

    @property
    def ok(self) -> bool:
        return not self.integrity and self.report.ok

    @property
    def problems(self) -> tuple[str, ...]:
        return (*self.integrity, *(str(problem) for problem in self.report.problems))

    def summary(self) -> str:
        size = (
            f"{self.size / 1_048_576:.1f} MB" if self.size >= 1_048_576 else f"{self.size:,} bytes"
        )
        if self.ok:
            return f"backed up to {self.target} ({size}); the copy {self.report.summary()}"
        return (
            f"backed up to {self.target} ({size}), but the copy has {len(self.problems)} "
            "problem(s), as the workspace has"
        )


def _check_target(workspace: Workspace, target: Path, force: bool) -> Path:
    if workspace.path is None:
        raise WorkspaceError(
            "Only a workspace file can be backed up here; back up a server workspace with the "
            "database server's own tools."
        )
    if target.is_dir():
        raise BackupError(f"{target} is a folder; name the backup file to write")
    if target.exists() and target.resolve() == workspace.path.resolve():
        raise BackupError("choose a file other than the workspace itself")
    if target.exists() and not force:
        raise BackupError(f"{target} exists; choose another name, or replace it with --force")
    if target.parent.exists() and not target.parent.is_dir():
        raise BackupError(f"cannot write {target}: {target.parent} is not a folder")
    return workspace.path


MAX_INTEGRITY_LINES = 10


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """What SQLite's own checks find: damaged pages and rows that point nowhere."""
    lines = [
        line.strip()
        for (row,) in connection.execute("PRAGMA integrity_check")
        for line in str(row).splitlines()
        if row != "ok" and line.strip() and not line.startswith("***")
    ]
    found = [f"SQLite integrity check: {line}" for line in lines[:MAX_INTEGRITY_LINES]]
    if len(lines) > MAX_INTEGRITY_LINES:
        found.append(f"SQLite integrity check: {len(lines) - MAX_INTEGRITY_LINES} more problem(s)")
    for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check"):
        found.append(f"{table} row {rowid} points at a {parent} row that is not there")
    return found


def check_copy(path: Path) -> tuple[tuple[str, ...], VerifyReport]:
    """SQLite's integrity check and verify, on a workspace file opened read-only."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        integrity = tuple(integrity_problems(connection))
    copy = open_read_only(path)
    try:
        with copy.read() as session:
            report = verify.verify_session(session)
    finally:
        copy.close()
    return integrity, report


def backup_workspace(
    workspace: Workspace, target: Path, *, actor: str, force: bool = False
) -> BackupResult:
    """Copy the workspace to ``target``, check the copy, and move it into place.

    Raises:
        BackupError: the target is taken (without ``force``), or the copy cannot be written;
            nothing was left behind.
    """
    source = _check_target(workspace, target, force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
        os.close(handle)
    except OSError as error:
        raise BackupError(f"cannot write {target}: {error.strerror or error}") from error
    partial = Path(name)
    try:
        copy_database(source, partial)
        copies.make_own(partial, source=workspace.display_name, actor=actor)
        integrity, report = check_copy(partial)
        fileio.make_shareable(partial)
        partial.replace(target)
    except (OSError, sqlite3.Error) as error:
        translated = storage_error(error, target.name)
        reason = str(translated) if translated else str(getattr(error, "strerror", "") or error)
        raise BackupError(f"cannot write the backup {target}: {reason}") from error
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size, integrity, report)
