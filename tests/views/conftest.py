"""The views are tested on workspace files: the back end is the services' concern."""

from __future__ import annotations

import pytest

from workbench.services.store.workspace import Workspace


@pytest.fixture
def workspace(sqlite_workspace: Workspace) -> Workspace:
    return sqlite_workspace
