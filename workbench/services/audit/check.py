"""``workbench check``: the workspace as a whole, in one report.

What it covers, beyond :mod:`~workbench.services.audit.verify`: SQLite's own integrity check and
foreign-key check, the schema revision against this release's, every planner rule and date the
planner must be able to use, and how many records of each kind the workspace holds (to compare
with what one expects, or with an earlier check).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field

from sqlalchemy import select as sa_select
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, func, select

from workbench.models import (
    Approval,
    Artifact,
    AuditLogEntry,
    Finding,
    PackExport,
    Person,
    PersonKey,
    PlannerEvent,
    ReviewRequest,
    Version,
)
from workbench.services.audit import verify
from workbench.services.audit.backup import integrity_problems
from workbench.services.audit.verify import VerifyReport
from workbench.services.planner import recurrence
from workbench.services.planner.drafts import EARLIEST_DAY, LATEST_DAY
from workbench.services.store.workspace import Workspace, WorkspaceError, head_revision

COUNTED = {
    "artifacts": Artifact,
    "versions": Version,
    "approvals": Approval,
    "review_requests": ReviewRequest,
    "people": Person,
    "person_keys": PersonKey,
    "planner_events": PlannerEvent,
    "findings": Finding,
    "audit_log_entries": AuditLogEntry,
    "audit_packs": PackExport,
}


@dataclass(frozen=True)
class CheckReport:
    revision: str | None
    expected_revision: str
    integrity: tuple[str, ...]
    planner: tuple[str, ...]
    report: VerifyReport | None  # None: the file is too damaged to read its records
    counts: dict[str, int] = field(default_factory=dict)
    database: str = "sqlite"
    unreadable: str = ""

    @property
    def schema_problems(self) -> tuple[str, ...]:
        if self.revision == self.expected_revision:
            return ()
        return (
            f"the schema is {self.revision or 'unknown'}, this release expects "
            f"{self.expected_revision}",
        )

    @property
    def problems(self) -> tuple[str, ...]:
        verified = [str(problem) for problem in self.report.problems] if self.report else []
        unread = [f"the records could not be read: {self.unreadable}"] if self.unreadable else []
        return (*self.schema_problems, *self.integrity, *unread, *verified, *self.planner)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        held = ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in self.counts.items())
        verdict = "no problems" if self.ok else f"{len(self.problems)} problem(s)"
        return f"checked schema {self.revision}, the database and the records ({held}): {verdict}"

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "schema": {"revision": self.revision, "expected": self.expected_revision},
            "database": self.database,
            "integrity": list(self.integrity),
            "planner": list(self.planner),
            "verify": self.report.to_json() if self.report else None,
            "counts": self.counts,
            "problems": list(self.problems),
        }


def _revision(session: Session) -> str | None:
    try:
        row = session.connection().execute(text("SELECT version_num FROM alembic_version")).first()
    except DBAPIError:  # no such table: not a migrated workspace
        return None
    return str(row[0]) if row else None


def _integrity(workspace: Workspace) -> tuple[str, ...]:
    if workspace.path is None:
        return ()  # a server database keeps its own pages and keys
    uri = f"{workspace.path.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            return tuple(integrity_problems(connection))
    except sqlite3.DatabaseError as error:
        return (f"SQLite cannot check the file: {error}",)


def _planner_problems(session: Session) -> list[str]:
    """Every event the planner could not show: a repeat rule or date it cannot use."""
    problems: list[str] = []
    statement = sa_select(
        col(PlannerEvent.id), col(PlannerEvent.title), col(PlannerEvent.start),
        col(PlannerEvent.rrule), col(PlannerEvent.all_day), col(PlannerEvent.tzid),
    ).order_by(col(PlannerEvent.id))  # fmt: skip
    for event_id, title, start, rule, all_day, tzid in session.execute(statement):
        subject = f"event {event_id} '{title}'"
        if not EARLIEST_DAY <= start.date() <= LATEST_DAY:
            problems.append(
                f"{subject}: it starts on {start.date().isoformat()}, outside the dates the "
                f"planner uses ({EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()})"
            )
            continue
        if rule:
            problem = recurrence.stored_rule_problem(rule, start, all_day=all_day, tzid=tzid)
            if problem:
                problems.append(f"{subject}: its repeat rule {rule} cannot be used: {problem}")
    return problems


def check_workspace(workspace: Workspace) -> CheckReport:
    """Check everything; the report names each problem."""
    integrity = _integrity(workspace)
    report: VerifyReport | None = None
    counts: dict[str, int] = {}
    revision: str | None = None
    planner: tuple[str, ...] = ()
    try:
        with workspace.read() as session:
            revision = _revision(session)
            counts = {
                name: int(session.exec(select(func.count()).select_from(table)).one())
                for name, table in COUNTED.items()
            }
            report = verify.verify_session(session)
            try:
                planner = tuple(_planner_problems(session))
            except (LookupError, ValueError):
                # A stored value verify already names; the planner check cannot read past it.
                planner = ("the planner was not checked: it holds a value that cannot be read",)
    except WorkspaceError as error:
        if not integrity:
            raise
        # A damaged file: SQLite's own report above says where; the records cannot be read.
        return CheckReport(
            revision, head_revision(), integrity, planner, None, counts,
            workspace.engine.dialect.name, unreadable=str(error),
        )  # fmt: skip
    return CheckReport(
        revision=revision,
        expected_revision=head_revision(),
        integrity=integrity,
        planner=planner,
        report=report,
        counts=counts,
        database=workspace.engine.dialect.name,
    )
