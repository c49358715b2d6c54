"""Revision 0010 gives an existing workspace its control records; its Markdown SoA keeps its
versions, and the next "Update SoA" follows them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from tests.helpers.store import workspace_at_revision
from workbench.models import ArtifactKind
from workbench.services.controls import records, soa
from workbench.services.register import artifacts, versioning
from workbench.services.store.workspace import Workspace, _install_sqlite_pragmas, open_workspace

HAND_WRITTEN = "# Statement of Applicability\n\n| A.5.1 | Policies | Yes | BP | Implemented |\n"


def test_a_0009_workspace_gets_its_controls_and_keeps_its_soa(tmp_path: Path) -> None:
    path = workspace_at_revision(tmp_path / "acme.grcw", "0009")
    engine = create_engine(f"sqlite:///{path}")
    _install_sqlite_pragmas(engine)
    old = Workspace(url=str(engine.url), path=path, engine=engine)
    _, soa_id = artifacts.create_artifact(
        old, actor="Mara", kind=ArtifactKind.SOA, title="Statement of Applicability",
        content=HAND_WRITTEN,
    )  # fmt: skip
    old.close()

    workspace = open_workspace(path)
    try:
        assert list(tmp_path.glob("acme.before-migration-0009-*.grcw"))
        found = records.list_controls(workspace)
        assert len(found) == 93 and {r.status.value for r in found} == {"not_started"}
        assert versioning.get_version(workspace, soa_id, 1).content == HAND_WRITTEN
        _, update = soa.update_soa(workspace, actor="Mara")
        assert (update.artifact_id, update.version) == (soa_id, 2)
        assert [v.number for v in versioning.history(workspace, soa_id)] == [2, 1]
    finally:
        workspace.close()
