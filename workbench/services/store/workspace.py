"""Open, create, migrate and back up workspaces.

A workspace is one SQLite file (or, for a team, a database URL). Opening one that an older
release wrote backs it up and migrates it; a file that is not a workspace, or one written by a
newer release, is refused with a :class:`WorkspaceError` whose message is one sentence meant for
the user.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, Executable, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from workbench.services.common.errors import ServiceError

if TYPE_CHECKING:
    from alembic.config import Config

# "GRCW" in the SQLite header marks a file as ours, so a foreign database is told apart early.
APPLICATION_ID = 0x47524357
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# The workspace profile is a single row, made when the workspace is.
PROFILE_ID = 1


class WorkspaceError(ServiceError):
    """A workspace cannot be opened or written; ``str(error)`` is one sentence for the user."""


class NotAWorkspaceError(WorkspaceError):
    pass


class NewerWorkspaceError(WorkspaceError):
    pass


# Alembic is imported only when a workspace needs migrating: it costs a fifth of a second of
# start-up. Revision ids are sequential numbers that begin each migration's file name, so the
# known revisions and the head can be read from the file names (a test checks they agree with
# Alembic's own view).
REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "workbench:migrations")
    return config


@cache
def known_revisions() -> tuple[str, ...]:
    folder = resources.files("workbench.migrations").joinpath("versions")
    found = (REVISION_FILE.match(item.name) for item in folder.iterdir())
    return tuple(sorted(match.group(1) for match in found if match))


def head_revision() -> str:
    return known_revisions()[-1]


T = TypeVar("T")
CACHES_KEY = "workspace_caches"


@dataclass
class Workspace:
    """An open workspace. Sessions are short: one per read or per write, never held by the GUI.

    ``caches`` hold what services keep between calls (rebuilt texts, expanded repeat rules);
    they live and die with this workspace, never shared with another one open in the process.
    """

    url: str
    path: Path | None
    engine: Engine
    caches: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_name(self) -> str:
        return self.path.name if self.path else make_url(self.url).render_as_string()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.translated_errors(), Session(self.engine, expire_on_commit=False) as session:
            session.info[CACHES_KEY] = self.caches
            yield session

    @contextmanager
    def translated_errors(self) -> Iterator[None]:
        """Turn what a damaged or unwritable file makes the database layer raise into a
        :class:`WorkspaceError` saying so in one sentence; other errors pass unchanged."""
        try:
            yield
        except ServiceError:
            raise
        except Exception as error:
            translated = storage_error(error, self.display_name)
            if translated is None:
                raise
            raise translated from error

    @contextmanager
    def write(self, *, durable: bool = False) -> Iterator[Session]:
        """One write transaction, committed when the block ends without an exception.

        ``durable`` asks SQLite to sync fully at commit, for writes whose loss would matter
        (a saved version, a signature), at the price of one extra fsync.
        """
        with self.translated_errors(), self.engine.connect() as connection:
            if durable and self.is_sqlite:
                _driver_execute(connection, "PRAGMA synchronous=FULL")
            try:
                connection.execution_options(sqlite_begin="IMMEDIATE")
                with Session(bind=connection, expire_on_commit=False) as session:
                    session.info[CACHES_KEY] = self.caches
                    yield session
                    session.commit()
            finally:
                if durable and self.is_sqlite:
                    _driver_execute(connection, "PRAGMA synchronous=NORMAL")

    def backup(self, destination: Path) -> Path:
        """Copy the workspace with SQLite's online backup API (safe while it is open)."""
        if self.path is None:
            raise WorkspaceError("Only a workspace file can be backed up this way.")
        return backup_file(self.path, destination)

    def close(self) -> None:
        self.caches.clear()
        self.engine.dispose()


# What SQLite says, and the sentence the user reads instead (the workspace's name filled in).
_SQLITE_MESSAGES = (
    ("database or disk is full", "The disk is full: {name} cannot be written and nothing was "
     "saved; free some space and try again."),
    ("attempt to write a readonly database", "{name} is read-only: nothing was saved; check "
     "the file's permissions."),
    ("database is locked", "{name} is busy in another program; nothing was saved, try again."),
    ("disk i/o error", "The disk reported an error on {name}; nothing was saved."),
    ("unable to open database file", "{name} cannot be opened: the file or its folder is "
     "missing or not accessible."),
    ("malformed", "{name} is damaged ({reason}); restore it from a backup (workbench check "
     "says more)."),
    ("file is not a database", "{name} is damaged ({reason}); restore it from a backup."),
)  # fmt: skip


def storage_error(error: BaseException, name: str) -> ServiceError | None:
    """The one sentence for an error of the storage beneath a workspace, or None when the
    error is not one (a defect, to be logged)."""
    from sqlalchemy.exc import DBAPIError

    from workbench.services.store.integrity import damaged_value_error

    damaged = damaged_value_error(error, name)
    if damaged is not None:
        return damaged
    cause = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(cause, sqlite3.DatabaseError):
        reason = str(cause)
        for marker, sentence in _SQLITE_MESSAGES:
            if marker in reason.lower():
                return WorkspaceError(sentence.format(name=name, reason=reason))
    if isinstance(cause, OSError) and cause.strerror:
        return WorkspaceError(f"Cannot use {name}: {cause.strerror}.")
    return None


def session_cache(session: Session, name: str, make: Callable[[], T]) -> T:
    """The cache called ``name`` of the workspace a session belongs to (made on first use).

    A session not opened by a :class:`Workspace` gets caches of its own.
    """
    caches: dict[str, Any] = session.info.setdefault(CACHES_KEY, {})
    if name not in caches:
        caches[name] = make()
    cache: T = caches[name]
    return cache


def plain_rows(session: Session, statement: Executable) -> list[tuple[Any, ...]]:
    """Rows as the database driver returns them, without SQLAlchemy's row objects.

    For large reads of columns that need no type conversion (ids, text): on 100,000 rows the
    row objects cost four times the query itself. Parameters are still bound by SQLAlchemy.
    """
    result = session.connection().execute(statement)
    try:
        return [tuple(row) for row in result.cursor.fetchall()]
    finally:
        result.close()


def _driver_execute(connection: Connection, sql: str) -> None:
    # Bypass SQLAlchemy's autobegin: these pragmas must run outside a transaction.
    driver_connection: Any = connection.connection.driver_connection
    driver_connection.execute(sql)


def backup_file(source: Path, destination: Path) -> Path:
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    try:
        copy_database(source, partial)
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination


def copy_database(source: Path, destination: Path) -> None:
    """A consistent copy with SQLite's online backup, as one file: the source may be open
    and written to elsewhere (the copy is what was committed when it began), and the copy
    needs no WAL file beside it. ``destination`` is replaced."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(destination)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")


def open_read_only(path: Path) -> Workspace:
    """A workspace file opened for reading only, as it is: nothing is created, migrated or
    written, not even the WAL mode (for checking a copy)."""
    name = path.name
    if not path.is_file():
        raise WorkspaceError(f"There is no workspace at {path}.")
    revision = _inspect_sqlite_file(path)
    if revision != head_revision():
        raise WorkspaceError(
            f"{name} has schema {revision}, not {head_revision()}: open it once to upgrade it."
        )
    uri = f"{path.resolve().as_uri()}?mode=ro"
    engine = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        dbapi_connection.execute("PRAGMA query_only=ON")

    return Workspace(url=f"sqlite:///{path}", path=path, engine=engine)


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below) so a write can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _inspect_sqlite_file(path: Path) -> str | None:
    """Check a file is one of our workspaces; return its schema revision (None when empty)."""
    name = path.name
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if not header:
        return None
    if header != SQLITE_MAGIC:
        raise NotAWorkspaceError(f"{name} is not a GRC Workbench workspace (not a SQLite file).")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            tables = {
                row[0]
                for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                if not row[0].startswith("sqlite_")
            }
            revision = None
            if "alembic_version" in tables:
                found = db.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = found[0] if found else None
    except sqlite3.DatabaseError as error:
        raise NotAWorkspaceError(
            f"{name} cannot be read as a workspace: the file is damaged ({error})."
        ) from error
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
        raise NotAWorkspaceError(f"{name} is a SQLite database but not a GRC Workbench workspace.")
    if revision is not None:
        _check_known_revision(name, revision)
    return revision


def _check_known_revision(name: str, revision: str) -> None:
    if revision not in known_revisions():
        raise NewerWorkspaceError(
            f"{name} was saved by a newer GRC Workbench (schema {revision}); "
            "update the workbench to open it."
        )


def _backup_before_migration(path: Path, revision: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.before-migration-{revision}-{stamp}{path.suffix}")
    return backup_file(path, target)


def _migrate(engine: Engine) -> None:
    from alembic import command

    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_database_url(location: str | Path) -> bool:
    return isinstance(location, str) and "://" in location


def open_workspace(location: str | Path, *, create: bool = True) -> Workspace:
    """Open the workspace at a file path or database URL, creating or migrating it as needed.

    Raises:
        WorkspaceError: the location cannot be used; the message says why in one sentence.
    """
    if is_database_url(location):
        return _open_url(str(location))
    path = Path(location).expanduser()
    if path.is_dir():
        raise WorkspaceError(f"{path} is a folder, not a workspace file.")
    revision: str | None = None
    if path.exists():
        revision = _inspect_sqlite_file(path)
    elif not create:
        raise WorkspaceError(f"There is no workspace at {path}.")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WorkspaceError(
                f"Cannot create a workspace at {path}: {error.strerror}."
            ) from error

    head = head_revision()
    if revision is not None and revision != head:
        _backup_before_migration(path, revision)
    engine = create_engine(f"sqlite:///{path}")
    _install_sqlite_pragmas(engine)
    try:
        if revision != head:
            # Mark the file first, so even a half-finished first migration is known as ours.
            with engine.connect() as connection:
                _driver_execute(connection, f"PRAGMA application_id={APPLICATION_ID}")
            _migrate(engine)
    except sqlite3.OperationalError as error:
        engine.dispose()
        raise WorkspaceError(f"Cannot write the workspace {path.name}: {error}.") from error
    except Exception as error:  # SQLAlchemy wraps driver errors
        engine.dispose()
        raise WorkspaceError(f"Cannot prepare the workspace {path.name}: {error}.") from error
    workspace = Workspace(url=str(engine.url), path=path, engine=engine)
    _ensure_profile(workspace)
    return workspace


def _open_url(url: str) -> Workspace:
    try:
        engine = create_engine(url)
        revision = _current_revision(engine)
    except Exception as error:
        raise WorkspaceError(f"Cannot connect to the workspace database: {error}.") from error
    if revision is not None:
        _check_known_revision(make_url(url).render_as_string(), revision)
    if revision != head_revision():
        _migrate(engine)
    workspace = Workspace(url=url, path=None, engine=engine)
    _ensure_profile(workspace)
    return workspace


def _ensure_profile(workspace: Workspace) -> None:
    """Create the profile row on a new workspace; the creation is the log's first entry."""
    from workbench.models import WorkspaceProfile
    from workbench.services.common.identity import current_user
    from workbench.services.store import audit_log

    with workspace.read() as session:
        if session.get(WorkspaceProfile, PROFILE_ID) is not None:
            return
    with workspace.write() as session:
        if session.get(WorkspaceProfile, PROFILE_ID) is not None:
            return
        session.add(WorkspaceProfile(id=PROFILE_ID))
        audit_log.append(
            session,
            actor=current_user(),
            action="workspace.create",
            entity="workspace",
            entity_id=PROFILE_ID,
            summary={"location": workspace.display_name},
        )
