"""What the audit pack takes from the control records: the SoA as Excel, the evidence files of
the applicable controls, and the readiness dashboard (an SVG drawn into the index page, and the
figures as JSON).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from workbench.models import Control, EvidenceTarget
from workbench.services.common.markup import escape
from workbench.services.controls import evidence
from workbench.services.dashboard import charts
from workbench.services.dashboard.figures import Readiness
from workbench.services.exports.document_export import slug
from workbench.services.exports.pack_pages import link
from workbench.services.store.workspace import Workspace

EVIDENCE_FOLDER = "evidence"
DASHBOARD_SVG = "dashboard/readiness.svg"
DASHBOARD_JSON = "dashboard/readiness.json"


@dataclass(frozen=True)
class PackedEvidence:
    """The current file of a piece of evidence an applicable control relies on."""

    id: int
    title: str
    revision: int
    sha256: str
    size: int
    file_name: str
    effective: str
    expires: date | None
    controls: tuple[str, ...]

    @property
    def path(self) -> str:
        stem, dot, suffix = self.file_name.rpartition(".")
        name = f"{slug(stem)}.{slug(suffix)}" if dot and stem else slug(self.file_name)
        return f"{EVIDENCE_FOLDER}/E-{self.id}-r{self.revision}-{name}"


def plan_evidence(workspace: Workspace) -> list[PackedEvidence]:
    """Each piece of evidence attached to an applicable control, at its newest revision."""
    with workspace.read() as session:
        controls = {
            control_id: local_id
            for control_id, local_id in session.exec(
                select(Control.id, Control.local_id)
                .where(col(Control.applicable).is_(True))
                .order_by(col(Control.position))
            )
            if control_id is not None
        }
        attached = evidence.attached_to(session, EvidenceTarget.CONTROL, list(controls))
        by_evidence: dict[int, list[str]] = {}
        for control_id, evidence_ids in attached.items():
            for evidence_id in evidence_ids:
                by_evidence.setdefault(evidence_id, []).append(controls[control_id])
        found = evidence.load_records(session, list(by_evidence))
    return [
        PackedEvidence(
            id=record.id,
            title=record.title,
            revision=record.current.number,
            sha256=record.current.sha256,
            size=record.current.size,
            file_name=record.current.file_name,
            effective=record.current.effective_text,
            expires=record.expires,
            controls=tuple(by_evidence[record.id]),
        )
        for record in found
    ]


def evidence_section(items: list[PackedEvidence], today: date) -> str:
    """The index page's list of evidence files, already escaped."""
    if not items:
        return "<h2>Evidence</h2><p>No applicable control has evidence in the vault.</p>"
    header = "".join(
        f"<th>{title}</th>"
        for title in ("Evidence", "Title", "Controls", "Revision", "Effective", "Expires", "File")
    )
    rows = []
    for item in items:
        expired = item.expires is not None and item.expires < today
        expires = (item.expires.isoformat() if item.expires else "") + (
            " (expired)" if expired else ""
        )
        rows.append(
            f"<tr><td>E-{item.id}</td><td>{escape(item.title)}</td>"
            f"<td>{escape(', '.join(item.controls))}</td><td>{item.revision}</td>"
            f"<td class='nowrap'>{escape(item.effective)}</td>"
            f"<td class='nowrap'>{escape(expires)}</td>"
            f"<td class='files'>{link(item.path, item.file_name)}</td></tr>"
        )
    return (
        "<h2>Evidence</h2><p>The current file of each piece of evidence an applicable control "
        "relies on; manifest.json lists each with its SHA-256.</p>"
        f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def dashboard_svg(readiness: Readiness) -> str:
    title = f"Readiness of {readiness.organisation or 'the ISMS'} on {readiness.as_of}"
    return charts.to_svg(charts.layout(readiness), title=title)


def dashboard_json(readiness: Readiness) -> bytes:
    return (json.dumps(readiness.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def dashboard_section(svg: str) -> str:
    """The index page's dashboard: the SVG drawn inline (an image file would be blocked by the
    page's content security policy, which loads nothing)."""
    return (
        "<h2>Readiness dashboard</h2>"
        f"<p>As {link(DASHBOARD_SVG, 'SVG')} and as figures in "
        f"{link(DASHBOARD_JSON, 'JSON')}.</p>"
        f"<div class='dashboard'>{svg}</div>"
    )
