"""A private PostgreSQL server for the test session, and one fresh database per test.

The server comes from the ``pgserver`` package (PostgreSQL binaries installed from the package
index with the lock file), so the PostgreSQL half of the suite needs nothing else on the
machine. It is started once per session; each test gets its own database, copied from a
template that was migrated once, which takes a fraction of migrating it.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2
from sqlalchemy.engine import make_url

TEMPLATE = "workbench_template"
SECRET_ROLE = "wb_secret"
SECRET_PASSWORD = "hunter2"


@dataclass
class PgServer:
    handle: Any
    folder: Path
    admin_url: str
    _names: itertools.count[int] = field(default_factory=itertools.count)

    def url(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(False)

    @staticmethod
    def database_of(url: str) -> str:
        return str(make_url(url).database)

    def execute(self, sql: str, *, database: str = "postgres") -> list[tuple[Any, ...]]:
        """Run one statement outside a transaction (CREATE DATABASE needs that)."""
        connection = psycopg2.connect(self.url(database))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return list(cursor.fetchall()) if cursor.description else []
        finally:
            connection.close()

    def new_database(self, *, migrated: bool = True) -> str:
        """A new database (migrated to head but without a profile, or empty); its URL."""
        name = f"test_{next(self._names)}"
        template = f" TEMPLATE {TEMPLATE}" if migrated else ""
        self.execute(f"CREATE DATABASE {name}{template}")
        return self.url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def with_password(self, url: str) -> str:
        """The URL of the same database for a role that must give its password, "hunter2"
        (the test server trusts every other role)."""
        rule = f"local all {SECRET_ROLE} scram-sha-256"
        hba = self.folder / "data" / "pg_hba.conf"
        if rule not in hba.read_text().splitlines():
            hba.write_text(f"{rule}\n{hba.read_text()}")
            self.execute(f"CREATE ROLE {SECRET_ROLE} LOGIN PASSWORD '{SECRET_PASSWORD}'")
            self.execute("SELECT pg_reload_conf()")
        self.execute(
            f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {SECRET_ROLE}; "
            f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {SECRET_ROLE}",
            database=self.database_of(url),
        )
        from workbench.services.store.workspace import public_url

        return public_url(make_url(url).set(username=SECRET_ROLE))

    def stop(self) -> None:
        self.handle.cleanup()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server() -> PgServer:
    """Start the server and migrate the template; raise (never skip) when that fails."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (a CI container) and falls back.
        warnings.simplefilter("ignore")
        import pgserver

        folder = Path(tempfile.mkdtemp(prefix="workbench-pg-"))
        handle = pgserver.get_server(folder / "data", cleanup_mode="stop")
    server = PgServer(handle=handle, folder=folder, admin_url=handle.get_uri())
    server.execute(f"CREATE DATABASE {TEMPLATE}")

    from workbench.services.store.workspace import open_workspace

    open_workspace(server.url(TEMPLATE), initialise=False).close()
    return server
