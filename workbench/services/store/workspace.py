"""Open, create, migrate and back up workspaces.

A workspace is one SQLite file (a path or a ``sqlite:///`` URL, set up alike), or, for a team,
a PostgreSQL database (``postgresql://user@host/acme``). Opening one that an older release
wrote migrates it (a file is backed up first); a file or database that is not a workspace, or
one written by a newer release, is refused with a :class:`WorkspaceError` whose message is one
sentence meant for the user.

On PostgreSQL every write transaction first takes one advisory lock, so writes to a workspace
happen one at a time as they do on SQLite (``BEGIN IMMEDIATE``): the audit-log chain and the
version numbers, which read the last entry and add one, cannot fork. A connection lost during a
transaction rolls it back on the server; the user gets one :class:`ConnectionLostError`.
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

from sqlalchemy import Connection, Engine, Executable, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlmodel import Session

from workbench.services.common.errors import ServiceError

if TYPE_CHECKING:
    from alembic.config import Config

# "GRCW" in the SQLite header marks a file as ours, so a foreign database is told apart early.
APPLICATION_ID = 0x47524357
SQLITE_MAGIC = b"SQLite format 3\x00"
# How long a write waits for another one before giving up, on a file (SQLite's busy timeout)
# and on a server (PostgreSQL's lock_timeout): several processes writing to one shared file
# queue behind each other, and SQLite's polling lets one wait several seconds.
BUSY_TIMEOUT_MS = 30_000
# The workspace profile is a single row, made when the workspace is.
PROFILE_ID = 1
# The PostgreSQL advisory locks: one serialises writes, one migrations ("GRCW", "GRCM").
WRITE_LOCK_KEY = 0x47524357
MIGRATE_LOCK_KEY = 0x4752434D
# A transaction left idle (a client that hung mid-write) is ended, so one stuck client cannot
# hold the workspace.
SERVER_LOCK_TIMEOUT_MS = BUSY_TIMEOUT_MS
SERVER_IDLE_TIMEOUT_MS = 60_000
SERVER_CONNECT_TIMEOUT_S = 10


class WorkspaceError(ServiceError):
    """A workspace cannot be opened or written; ``str(error)`` is one sentence for the user."""


class NotAWorkspaceError(WorkspaceError):
    pass


class NewerWorkspaceError(WorkspaceError):
    pass


class PasswordRequiredError(WorkspaceError):
    """The server asks for a password that neither ``~/.pgpass`` nor ``PGPASSWORD`` gave.

    The command line asks for it when it can, the window shows a password dialog; both open the
    workspace again with ``password=``.
    """

    def __init__(self, url: str) -> None:
        super().__init__(
            f"The server {url} asks for a password: type it when asked, or put it in "
            "~/.pgpass or PGPASSWORD."
        )
        self.url = url


class ConnectionLostError(WorkspaceError):
    """The connection to the team server broke; the transaction was rolled back (or, when it
    broke while committing, either committed whole or not at all)."""


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

    # ``sqlite:///path`` for a file; a server's URL without its password, fit to show and keep.
    url: str
    path: Path | None
    engine: Engine
    caches: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_name(self) -> str:
        return self.path.name if self.path else self.url

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.translated_errors(), _connection_errors(self.display_name, committing=None):
            with Session(self.engine, expire_on_commit=False) as session:
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
        (a saved version, a signature), at the price of one extra fsync. On PostgreSQL the
        transaction starts by taking the workspace's write lock, held until it ends.
        """
        committing = [False]
        with self.translated_errors(), _connection_errors(self.display_name, committing=committing):
            with self.engine.connect() as connection:
                if durable and self.is_sqlite:
                    _driver_execute(connection, "PRAGMA synchronous=FULL")
                try:
                    connection.execution_options(sqlite_begin="IMMEDIATE")
                    with Session(bind=connection, expire_on_commit=False) as session:
                        session.info[CACHES_KEY] = self.caches
                        if not self.is_sqlite:
                            session.execute(
                                text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY}
                            )
                        yield session
                        committing[0] = True
                        session.commit()
                finally:
                    if durable and self.is_sqlite and not connection.invalidated:
                        _driver_execute(connection, "PRAGMA synchronous=NORMAL")

    def backup(self, destination: Path) -> Path:
        """Copy the workspace with SQLite's online backup API (safe while it is open).

        The copy is byte for byte the same workspace, identity included; a copy for the user
        is made by :func:`workbench.services.audit.backup.backup_workspace`.
        """
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


@contextmanager
def _connection_errors(url: str, *, committing: list[bool] | None) -> Iterator[None]:
    """Turn a broken connection or a lock wait that timed out into one sentence for the user.

    Anything else the database reports (a constraint, a trigger) is left as it is: those are
    defects or have their own handling."""
    try:
        yield
    except DBAPIError as error:
        if error.connection_invalidated or _is_disconnect(error):
            if committing is not None and committing[0]:
                raise ConnectionLostError(
                    f"The connection to {url} was lost while saving: the change was saved whole "
                    "or not at all; reopen the workspace to see which."
                ) from error
            if committing is not None:
                raise ConnectionLostError(
                    f"The connection to {url} was lost; nothing of this change was saved. "
                    "Try again."
                ) from error
            raise ConnectionLostError(
                f"The connection to {url} was lost while reading; try again."
            ) from error
        # PostgreSQL's lock_not_available (lock_timeout ran out), SQLite's busy timeout.
        if _pgcode(error) == "55P03" or "database is locked" in str(error.orig):
            raise WorkspaceError(
                f"{url} is busy: another write held it for over "
                f"{BUSY_TIMEOUT_MS / 1000:g} seconds; nothing was saved. Try again."
            ) from error
        raise


def _pgcode(error: DBAPIError) -> str | None:
    code = getattr(error.orig, "pgcode", None)
    return code if isinstance(code, str) else None


def _is_disconnect(error: DBAPIError) -> bool:
    # Class 08 is "connection exception"; 57P01-57P03 are the server shutting the session down
    # (pg_terminate_backend, a restart). A socket that simply closes has no code at all.
    code = _pgcode(error)
    if code is not None:
        return code.startswith("08") or code in {"57P01", "57P02", "57P03"}
    message = str(error.orig).lower()
    return isinstance(error, OperationalError) and (
        "server closed the connection" in message
        or "connection already closed" in message
        or "terminating connection" in message
        or "could not receive data" in message
        or "ssl connection has been closed" in message
    )


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
        if engine.dialect.name == "postgresql":
            # Two clients opening a new team workspace at once: the second waits, then finds
            # the schema at head. PostgreSQL migrates in one transaction, all or nothing.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_database_url(location: str | Path) -> bool:
    return isinstance(location, str) and "://" in location


def public_url(url: str | URL) -> str:
    """A database URL without its password: what is shown, logged and kept in Recent."""
    parsed = make_url(url) if isinstance(url, str) else url
    # URL.set() cannot clear a field, so the URL is made again without it.
    without = URL.create(
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return without.render_as_string(hide_password=False)


def open_workspace(
    location: str | Path,
    *,
    create: bool = True,
    password: str | None = None,
    initialise: bool = True,
    creator: str | None = None,
) -> Workspace:
    """Open the workspace at a file path or database URL, creating or migrating it as needed.

    ``creator`` is the name a new workspace's first audit entry records (default: the name
    :func:`~workbench.services.common.identity.current_user` resolves).

    ``password`` is for a server that asked for one (see :class:`PasswordRequiredError`);
    otherwise libpq finds it in ``~/.pgpass`` or ``PGPASSWORD``. ``initialise=False`` leaves a
    new workspace without its profile and first log entry, for a copy to fill.

    Raises:
        WorkspaceError: the location cannot be used; the message says why in one sentence.
    """
    if is_database_url(location):
        url = _parse_url(str(location))
        if url.get_backend_name() == "sqlite":
            if url.database in (None, "", ":memory:"):
                raise WorkspaceError(
                    "A workspace needs a file: give sqlite:///path/to/acme.grcw or the path."
                )
            return _open_file(
                Path(str(url.database)), create=create, initialise=initialise, creator=creator
            )
        return _open_server(
            url, create=create, password=password, initialise=initialise, creator=creator
        )
    return _open_file(Path(location), create=create, initialise=initialise, creator=creator)


def _parse_url(location: str) -> URL:
    try:
        url = make_url(location)
    except ArgumentError as error:
        raise WorkspaceError(f"{location} is not a database URL.") from error
    if url.drivername == "postgres":  # a common spelling, which SQLAlchemy does not know
        url = url.set(drivername="postgresql")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise WorkspaceError(
            f"{url.get_backend_name()} databases are not supported: use a workspace file or a "
            "postgresql:// URL."
        )
    return url


def _open_file(
    path: Path, *, create: bool, initialise: bool, creator: str | None = None
) -> Workspace:
    path = path.expanduser()
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
    if initialise:
        _ensure_profile(workspace, creator)
    return workspace


def _server_engine(url: URL, password: str | None) -> Engine:
    if url.drivername == "postgresql":
        # psycopg2 is the driver the workbench installs (SQLAlchemy's default, said explicitly).
        url = url.set(drivername="postgresql+psycopg2")
    if password is not None:
        url = url.set(password=password)
    options = (
        f"-c lock_timeout={SERVER_LOCK_TIMEOUT_MS} "
        f"-c idle_in_transaction_session_timeout={SERVER_IDLE_TIMEOUT_MS}"
    )
    return create_engine(
        url,
        # A connection that died while idle in the pool is replaced before it is used.
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": SERVER_CONNECT_TIMEOUT_S,
            "application_name": "GRC Workbench",
            "options": options,
        },
    )


def _open_server(
    url: URL, *, create: bool, password: str | None, initialise: bool, creator: str | None = None
) -> Workspace:
    shown = public_url(url)
    engine = _server_engine(url, password)
    try:
        with engine.connect() as connection:
            revision = _server_revision(shown, connection)
        if revision is None and not create:
            raise WorkspaceError(f"There is no workspace in {shown}.")
        if revision is not None:
            _check_known_revision(shown, revision)
        if revision != head_revision():
            _migrate(engine)
    except OperationalError as error:
        engine.dispose()
        raise _connect_error(shown, url, error, password_given=password is not None) from error
    except WorkspaceError:
        engine.dispose()
        raise
    except Exception as error:  # SQLAlchemy wraps driver errors
        engine.dispose()
        raise WorkspaceError(f"Cannot prepare the workspace {shown}: {error}.") from error
    workspace = Workspace(url=shown, path=None, engine=engine)
    if initialise:
        _ensure_profile(workspace, creator)
    return workspace


def _server_revision(shown: str, connection: Connection) -> str | None:
    """The schema revision of a server database; refuse one that holds tables of another app."""
    tables = set(inspect(connection).get_table_names())
    revision: str | None = None
    if "alembic_version" in tables:
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if revision is None and tables - {"alembic_version"}:
        raise NotAWorkspaceError(
            f"{shown} holds other tables and is not a GRC Workbench workspace; "
            "use an empty database."
        )
    return revision


def _connect_error(
    shown: str, url: URL, error: OperationalError, *, password_given: bool
) -> WorkspaceError:
    message = str(error.orig).strip()
    if "no password supplied" in message:
        return PasswordRequiredError(shown)
    if "password authentication failed" in message:
        source = "the password given" if password_given else "~/.pgpass or PGPASSWORD"
        return WorkspaceError(f"The server {shown} refused {source} for user {url.username}.")
    first_line = message.splitlines()[0] if message else type(error.orig).__name__
    return WorkspaceError(f"Cannot connect to {shown}: {first_line.rstrip('.')}.")


def _ensure_profile(workspace: Workspace, creator: str | None = None) -> None:
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
            actor=creator or current_user(),
            action="workspace.create",
            entity="workspace",
            entity_id=PROFILE_ID,
            summary={"location": workspace.display_name},
        )
