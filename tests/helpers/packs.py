"""An engagement worth packing, and readers for what is in a pack."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

from tests.helpers.approvals import (
    JONAS_PASS,
    approved_by_both,
    with_people,
    with_policy,
)
from workbench.models import ArtifactKind, EventKind
from workbench.services.approvals import decisions, reviews
from workbench.services.documents import editing
from workbench.services.exports import publishing
from workbench.services.planner import drafts, events
from workbench.services.register import artifacts, profile
from workbench.services.store.workspace import Workspace

SOA_TEXT = """# Statement of Applicability

| Control | Applicable | Justification |
|---|---|---|
| A.5.1 | Yes | Policies for information security are required |
| A.7.4 | No | No physical premises of our own |
"""
DRAFT_POLICY = "# Access Control Policy\n\nDraft 2: access is reviewed **monthly**.\n"
PROCEDURE_TEXT = "# Backup Procedure\n\nBackups run *daily* and are tested quarterly.\n"
PACK_TIME = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


class Engagement(NamedTuple):
    policy: int  # version 1 published, version 2 a draft
    soa: int  # version 1 published
    procedure: int  # unpublished draft
    retired: int  # published once, then retired


def engagement(workspace: Workspace, tmp_path: Path) -> Engagement:
    profile.update_profile(workspace, actor="Mara", organisation_name="Acme Logistics GmbH")
    with_people(workspace)
    policy = with_policy(workspace)
    approved_by_both(workspace, policy)
    published = tmp_path / "published"
    publishing.publish(workspace, actor="Mara", artifact_id=policy, out_dir=published)
    editing.save_version(workspace, artifact_id=policy, content=DRAFT_POLICY, author="Lena",
                            comment="monthly reviews")  # fmt: skip
    soa = _approved(workspace, ArtifactKind.SOA, "Statement of Applicability", SOA_TEXT)
    publishing.publish(workspace, actor="Mara", artifact_id=soa, out_dir=published)
    _, procedure = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.PROCEDURE, title="Backup Procedure",
        content=PROCEDURE_TEXT, today=date(2026, 1, 10),
    )  # fmt: skip
    retired = _approved(workspace, ArtifactKind.RECORD, "Old Visitor Log", "# Visitors\n")
    publishing.publish(workspace, actor="Mara", artifact_id=retired, out_dir=published)
    artifacts.retire(workspace, actor="Mara", artifact_id=retired, reason="replaced")
    events.create_event(
        workspace,
        drafts.EventDraft(
            kind=EventKind.INTERNAL_AUDIT, title="Internal audit: access control",
            start=datetime(2027, 3, 10, 9, tzinfo=UTC), end=datetime(2027, 3, 10, 17, tzinfo=UTC),
            rrule="FREQ=YEARLY", location="Hamburg",
        ),
        actor="Mara",
    )  # fmt: skip
    return Engagement(policy, soa, procedure, retired)


def _approved(workspace: Workspace, kind: ArtifactKind, title: str, text: str) -> int:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=kind, title=title, owner="Jonas Weber", content=text,
        today=date(2026, 1, 10),
    )  # fmt: skip
    reviews.request_review(
        workspace, actor="Mara", artifact_id=artifact_id, approvers=["Jonas Weber"]
    )
    decisions.approve(workspace, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS, today=date(2026, 11, 28))  # fmt: skip
    return artifact_id


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def manifest(pack: zipfile.ZipFile) -> dict[str, Any]:
    return dict(json.loads(pack.read("manifest.json")))


def check_manifest(pack: zipfile.ZipFile) -> dict[str, Any]:
    """Every file listed with the right SHA-256 and size, and nothing unlisted."""
    data = manifest(pack)
    listed = {entry["path"] for entry in data["files"]}
    assert set(pack.namelist()) == listed | {"manifest.json"}
    for entry in data["files"]:
        content = pack.read(entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["path"]
        assert len(content) == entry["size"]
    return data
