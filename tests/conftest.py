"""Shared fixtures. Qt runs offscreen, and every test gets its own data and config folders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.postgres import PgServer, start_server
from workbench.services.cards.library import CardLibrary, load_library
from workbench.services.store.workspace import Workspace, open_workspace

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point the user data, config and cache folders at a temp dir, so tests never touch real
    ones (nor share a parse cache)."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("WORKBENCH_USER", "Mara Tester")
    return home


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One private PostgreSQL server for the session. If it cannot start, every test that
    needs it errors: the PostgreSQL half never disappears quietly."""
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def unanswered_file_questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A question about replacing a file or making a folder fails the test that did not expect
    it, instead of waiting for a click that never comes. Tests answer with ``answer_files``."""
    from workbench.views.common import files

    asked: list[str] = []

    def unexpected(_parent: object, _title: str, text: str) -> bool:
        asked.append(text)
        raise AssertionError(f"unexpected question: {text}")

    monkeypatch.setattr(files, "ask", unexpected)
    return asked


@pytest.fixture
def answer_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answer Yes to every question about replacing a file or making a folder; the questions
    are collected in the list returned."""
    from workbench.views.common import files

    asked: list[str] = []

    def yes(_parent: object, _title: str, text: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(files, "ask", yes)
    return asked


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh database on the test server, migrated to head, no workspace profile yet."""
    url = pg_server.new_database()
    yield url
    pg_server.drop(url)


@pytest.fixture
def sqlite_workspace(tmp_path: Path) -> Iterator[Workspace]:
    opened = open_workspace(tmp_path / "client.grcw")
    yield opened
    opened.close()


@pytest.fixture
def pg_workspace(pg_url: str) -> Iterator[Workspace]:
    opened = open_workspace(pg_url)
    yield opened
    opened.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request: pytest.FixtureRequest) -> Workspace:
    """A new workspace, once as a SQLite file and once on the PostgreSQL test server: every
    test that takes it runs against both back ends."""
    opened: Workspace = request.getfixturevalue(
        f"{request.param.replace('postgresql', 'pg')}_workspace"
    )
    return opened


@pytest.fixture
def approved_policy(workspace: Workspace) -> int:
    """The Access Control Policy, version 1, approved by both approvers (see helpers.approvals)."""
    from tests.helpers.approvals import approved_by_both, with_people, with_policy

    with_people(workspace)
    artifact_id = with_policy(workspace)
    approved_by_both(workspace, artifact_id)
    return artifact_id


@pytest.fixture(scope="session")
def library() -> CardLibrary:
    return load_library()
