"""The Statement of Applicability as a document generated from the control records.

"Update SoA" snapshots the records into the next version of the SoA in the register, so its
history, comparison, approval and publishing work as for any document: an approval signs the
exact snapshot, because the snapshot is the version's text.

A generated version is readable Markdown (a summary, the documents meeting clauses 4 to 10,
one table per theme) followed by the same records in machine-readable form: one Markdown
reference definition per record, ``[soa-control:A.8.13]: # "{...json...}"``. Reference
definitions render as nothing (in the workbench, on GitHub, in any CommonMark reader), and one
line per control means a comparison of two versions shows exactly the controls that changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from workbench.models import (
    Artifact,
    ArtifactKind,
    ArtifactStatus,
    ControlReason,
    ControlSource,
    ControlStatus,
)
from workbench.services.approvals import reviews
from workbench.services.common.errors import ServiceError
from workbench.services.controls import records
from workbench.services.controls.records import ControlRecord
from workbench.services.controls.themes import (
    ANNEX_A_THEMES,
    CUSTOM_THEME,
    PRIVACY_THEMES,
    REASON_CODES,
    STATUS_LABELS,
    Theme,
)
from workbench.services.register import artifacts, coverage, profile, versioning
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

FORMAT = "grc-workbench-soa/1"
SOA_TITLE = "Statement of Applicability"
SOA_TEMPLATE = "statement-of-applicability"
SOA_REFS = ("ISO27001:2022/6.1.3",)
_LINE = re.compile(r'^\[soa(?:-(clause|control):([^\]]+))?\]: # "(.*)"$')


class SoaError(ServiceError):
    """The Statement of Applicability cannot be generated or read; the message is for the user."""


# --- the snapshot ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotDocument:
    id: int
    title: str
    status: str

    @property
    def text(self) -> str:
        return f"{self.title} ({self.status})"


@dataclass(frozen=True)
class SnapshotEvidence:
    id: int
    title: str
    revision: int
    sha256: str
    expires: date | None

    @property
    def text(self) -> str:
        return f"E-{self.id} {self.title} (r{self.revision})"


@dataclass(frozen=True)
class SnapshotControl:
    id: str
    ref: str
    title: str
    theme: str
    source: str
    applicable: bool
    reasons: tuple[str, ...]
    risks: tuple[str, ...]
    justification: str
    status: str
    owner: str
    target: date | None
    documents: tuple[SnapshotDocument, ...]
    evidence: tuple[SnapshotEvidence, ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[ControlStatus(self.status)]

    @property
    def reasons_text(self) -> str:
        """``RA (R-012), BP``: the SoA template's codes, risk codes after risk treatment."""
        parts = []
        for reason in self.reasons:
            code = REASON_CODES[ControlReason(reason)]
            if reason == ControlReason.RISK and self.risks:
                code += f" ({', '.join(self.risks)})"
            parts.append(code)
        return ", ".join(parts)


@dataclass(frozen=True)
class SnapshotClause:
    id: str
    title: str
    depth: int
    documents: tuple[SnapshotDocument, ...]


@dataclass(frozen=True)
class SoaSnapshot:
    organisation: str
    scope: str
    clauses: tuple[SnapshotClause, ...]
    controls: tuple[SnapshotControl, ...]
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def of_source(self, source: ControlSource) -> list[SnapshotControl]:
        return [control for control in self.controls if control.source == source.value]

    def control(self, local_id: str) -> SnapshotControl | None:
        return next((c for c in self.controls if c.id == local_id), None)


def _status_text(status: ArtifactStatus) -> str:
    return status.value.replace("_", " ")


def _snapshot_control(record: ControlRecord) -> SnapshotControl:
    return SnapshotControl(
        id=record.local_id,
        ref=record.ref,
        title=record.title,
        theme=record.theme,
        source=record.source.value,
        applicable=record.applicable,
        reasons=tuple(reason.value for reason in record.all_reasons),
        risks=tuple(risk.code for risk in record.risks),
        justification=record.justification,
        status=record.status.value,
        owner=record.owner,
        target=record.target_date,
        documents=tuple(
            SnapshotDocument(d.id, d.title, _status_text(d.status)) for d in record.documents
        ),
        evidence=tuple(
            SnapshotEvidence(e.id, e.title, e.revision, e.sha256, e.expires)
            for e in record.evidence
        ),
    )


def build_snapshot(workspace: Workspace) -> SoaSnapshot:
    """The control records and the documents meeting clauses 4 to 10, as they are now.

    Statements of Applicability are left out of the clauses' documents: the SoA would list
    itself, and approving it would change what it says.
    """
    current = profile.get_profile(workspace)
    with workspace.read() as session:
        statements = set(
            session.exec(select(Artifact.id).where(col(Artifact.kind) == ArtifactKind.SOA))
        )
    clauses = tuple(
        SnapshotClause(
            id=row.local_id,
            title=row.title,
            depth=row.depth,
            documents=tuple(
                SnapshotDocument(a.id, a.title, _status_text(a.status))
                for a in row.artifacts
                if a.id not in statements
            ),
        )
        for row in coverage.coverage(workspace)
        if row.kind == "clause"
    )
    controls = tuple(_snapshot_control(record) for record in records.list_controls(workspace))
    return SoaSnapshot(current.organisation_name, current.isms_scope, clauses, controls)


# --- to and from text -----------------------------------------------------------------------


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _control_json(control: SnapshotControl) -> dict[str, Any]:
    return {
        "ref": control.ref, "title": control.title, "theme": control.theme,
        "source": control.source, "applicable": control.applicable,
        "reasons": list(control.reasons), "risks": list(control.risks),
        "justification": control.justification, "status": control.status,
        "owner": control.owner, "target": control.target.isoformat() if control.target else None,
        "documents": [[d.id, d.title, d.status] for d in control.documents],
        "evidence": [
            [e.id, e.title, e.revision, e.sha256, e.expires.isoformat() if e.expires else None]
            for e in control.evidence
        ],
    }  # fmt: skip


def snapshot_lines(snapshot: SoaSnapshot) -> list[str]:
    """The machine-readable part: one reference definition per clause and per control."""
    lines = [
        f'[soa]: # "{_json({"format": FORMAT, "organisation": snapshot.organisation, "scope": snapshot.scope})}"'  # noqa: E501
    ]
    for clause in snapshot.clauses:
        value = {
            "title": clause.title, "depth": clause.depth,
            "documents": [[d.id, d.title, d.status] for d in clause.documents],
        }  # fmt: skip
        lines.append(f'[soa-clause:{clause.id}]: # "{_json(value)}"')
    for control in snapshot.controls:
        lines.append(f'[soa-control:{control.id}]: # "{_json(_control_json(control))}"')
    return lines


def _document(value: list[Any]) -> SnapshotDocument:
    return SnapshotDocument(int(value[0]), str(value[1]), str(value[2]))


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def parse_snapshot(text: str) -> SoaSnapshot | None:
    """The snapshot held in a version's text, or None for a version not generated from records
    (such as the SoA written from the template).

    Raises:
        SoaError: the version holds a snapshot that cannot be read.
    """
    header: dict[str, Any] | None = None
    clauses: list[SnapshotClause] = []
    controls: list[SnapshotControl] = []
    for line in text.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        kind, identifier, payload = match.groups()
        try:
            value = json.loads(payload)
            if kind is None:
                header = value
            elif kind == "clause":
                clauses.append(
                    SnapshotClause(identifier, value["title"], int(value["depth"]),
                                   tuple(_document(d) for d in value["documents"]))
                )  # fmt: skip
            else:
                controls.append(
                    SnapshotControl(
                        id=identifier, ref=value["ref"], title=value["title"],
                        theme=value["theme"], source=value["source"],
                        applicable=bool(value["applicable"]), reasons=tuple(value["reasons"]),
                        risks=tuple(value["risks"]), justification=value["justification"],
                        status=value["status"], owner=value["owner"],
                        target=_date(value["target"]),
                        documents=tuple(_document(d) for d in value["documents"]),
                        evidence=tuple(
                            SnapshotEvidence(int(e[0]), str(e[1]), int(e[2]), str(e[3]),
                                             _date(e[4]))
                            for e in value["evidence"]
                        ),
                    )
                )  # fmt: skip
        except (ValueError, KeyError, TypeError, IndexError) as error:
            raise SoaError(
                f"the SoA's machine-readable line for {identifier or 'the header'} cannot be "
                f"read ({error})"
            ) from error
    if header is None:
        return None
    if header.get("format") != FORMAT:
        raise SoaError(f"the SoA snapshot has the unknown format {header.get('format')!r}")
    return SoaSnapshot(
        str(header.get("organisation", "")), str(header.get("scope", "")),
        tuple(clauses), tuple(controls), extra=header,
    )  # fmt: skip


def cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


CONTROL_HEADER = (
    "| Control | Title | Applicable | Reasons | Justification | Status | Owner | Documents "
    "| Evidence |\n|---|---|---|---|---|---|---|---|---|"
)


def _control_row(control: SnapshotControl) -> str:
    values = [
        control.id,
        control.title,
        "Yes" if control.applicable else "No",
        control.reasons_text,
        control.justification,
        control.status_label if control.applicable else "N/A",
        control.owner,
        "; ".join(d.text for d in control.documents),
        "; ".join(e.text for e in control.evidence),
    ]
    return "| " + " | ".join(cell(value) for value in values) + " |"


def groups(snapshot: SoaSnapshot) -> list[tuple[Theme, list[SnapshotControl]]]:
    """The controls by theme, in the SoA's order: Annex A, additional, privacy controls."""
    found: list[tuple[Theme, list[SnapshotControl]]] = []
    for theme in (*ANNEX_A_THEMES, CUSTOM_THEME, *PRIVACY_THEMES):
        if theme is CUSTOM_THEME:
            members = snapshot.of_source(ControlSource.CUSTOM)
        else:
            members = [
                c for c in snapshot.controls
                if c.theme == theme.key and c.source != ControlSource.CUSTOM.value
            ]  # fmt: skip
        if members or theme in ANNEX_A_THEMES:
            found.append((theme, members))
    return found


def heading(theme: Theme, count: int) -> str:
    if theme in ANNEX_A_THEMES:
        return f"{theme.clause} {theme.label} ({count})"
    if theme in PRIVACY_THEMES:
        return f"{theme.label}, ISO/IEC 27701:2019 ({count})"
    return f"{theme.label} ({count})"


def _summary(snapshot: SoaSnapshot) -> list[str]:
    lines = [
        "| Theme | Controls | Applicable | Excluded | Implemented | Partially implemented "
        "| Planned | Not started |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for theme, members in groups(snapshot):
        applicable = [c for c in members if c.applicable]
        counts = [sum(c.status == status.value for c in applicable) for status in STATUS_LABELS]
        values = [theme.label, len(members), len(applicable), len(members) - len(applicable),
                  counts[3], counts[2], counts[1], counts[0]]  # fmt: skip
        lines.append("| " + " | ".join(cell(str(value)) for value in values) + " |")
    return lines


def render(snapshot: SoaSnapshot) -> str:
    """The version text: readable tables, then the snapshot lines."""
    organisation = snapshot.organisation or "the organisation"
    lines = [
        f"# {SOA_TITLE} — {organisation}",
        "",
        "This Statement of Applicability (ISO/IEC 27001:2022, 6.1.3 d) lists every control of "
        "Annex A and any additional controls, whether each is applicable, why it is included or "
        "excluded, and how far it is implemented. It is generated from the control records of "
        "the workspace; the version history shows how it changed.",
        "",
    ]
    if snapshot.scope:
        lines += [f"**ISMS scope:** {cell(snapshot.scope)}", ""]
    lines += ["## Summary", "", *_summary(snapshot), ""]
    lines += [
        "## Clauses 4 to 10: the documents that meet them",
        "",
        "This Statement of Applicability itself meets 6.1.3 d.",
        "",
        "| Clause | Title | Documents |",
        "|---|---|---|",
    ]
    for clause in snapshot.clauses:
        documents = "; ".join(d.text for d in clause.documents) or "—"
        lines.append(f"| {cell(clause.id)} | {cell(clause.title)} | {cell(documents)} |")
    lines.append("")
    for theme, members in groups(snapshot):
        lines += [f"## {heading(theme, len(members))}", ""]
        if not members:
            lines += ["No controls.", ""]
            continue
        lines += [CONTROL_HEADER, *(_control_row(control) for control in members), ""]
    lines += [
        "## Key",
        "",
        "Reasons for inclusion: **RA** treats risks from the risk assessment (their codes in "
        "brackets), **LR** legal or regulatory requirement, **CO** contractual obligation, "
        "**BP** business requirement or good practice. Evidence: E-number, title and revision "
        "of each file in the workspace's evidence vault.",
        "",
        *snapshot_lines(snapshot),
        "",
    ]
    return "\n".join(lines)


# --- comparing ------------------------------------------------------------------------------


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value) or "none"
    if value is None or value == "":
        return "none"
    return str(value)


def compare(old: SoaSnapshot | None, new: SoaSnapshot) -> list[str]:
    """One line per control that changed between two snapshots, in the SoA's order."""
    if old is None:
        return [f"{len(new.controls)} controls (the previous version was not generated from the "
                "control records)"]  # fmt: skip
    before = {control.id: control for control in old.controls}
    lines = []
    for control in new.controls:
        previous = before.pop(control.id, None)
        if previous is None:
            lines.append(f"{control.id} {control.title}: added")
            continue
        parts = []
        for name, label in (
            ("applicable", "applicable"),
            ("reasons", "reasons"),
            ("risks", "risks"),
            ("justification", "justification"),
            ("status", "status"),
            ("owner", "owner"),
            ("target", "target date"),
        ):
            was, now = getattr(previous, name), getattr(control, name)
            if was != now:
                parts.append(f"{label} {_describe(was)} → {_describe(now)}")
        for name, label in (("documents", "documents"), ("evidence", "evidence")):
            was_items = tuple(item.text for item in getattr(previous, name))
            now_items = tuple(item.text for item in getattr(control, name))
            if was_items != now_items:
                parts.append(f"{label} {_describe(was_items)} → {_describe(now_items)}")
        if parts:
            lines.append(f"{control.id} {control.title}: " + "; ".join(parts))
    lines.extend(f"{local_id} {control.title}: removed" for local_id, control in before.items())
    return lines


# --- the SoA in the register ----------------------------------------------------------------


def find_soa(session: Session) -> Artifact | None:
    """The live SoA of the register: the one made from the SoA template, else the oldest."""
    found = list(
        session.exec(
            select(Artifact)
            .where(
                col(Artifact.kind) == ArtifactKind.SOA,
                col(Artifact.status) != ArtifactStatus.RETIRED,
            )
            .order_by(col(Artifact.id))
        )
    )
    from_template = [artifact for artifact in found if artifact.template == SOA_TEMPLATE]
    chosen = from_template or found
    return chosen[0] if chosen else None


def soa_artifact_id(workspace: Workspace) -> int | None:
    with workspace.read() as session:
        found = find_soa(session)
    return found.id if found else None


@dataclass(frozen=True)
class GeneratedVersion:
    artifact_id: int
    version: int
    snapshot: SoaSnapshot


def generated_versions(workspace: Workspace, artifact_id: int) -> list[int]:
    """The versions of an SoA that were generated from the control records, newest first."""
    return [
        info.number
        for info in versioning.history(workspace, artifact_id)
        if info.comment.startswith(GENERATED_COMMENT)
    ]


def generated_version(
    workspace: Workspace, version: int | None = None, *, published_first: bool = False
) -> GeneratedVersion:
    """A generated version of the SoA with its snapshot: ``version``, else the published one
    when ``published_first`` and it is generated, else the newest generated one.

    Raises:
        SoaError: there is no SoA, or it has no generated version (run "Update SoA" first).
    """
    artifact_id = soa_artifact_id(workspace)
    if artifact_id is None:
        raise SoaError("the register holds no Statement of Applicability: run soa update first")
    if version is None:
        candidates = generated_versions(workspace, artifact_id)
        if published_first:
            with workspace.read() as session:
                artifact = session.get(Artifact, artifact_id)
                published = artifact.published_version if artifact else None
            if published in candidates:
                candidates.insert(0, published)
        if not candidates:
            raise SoaError(
                "the Statement of Applicability has no version generated from the control "
                "records yet: run soa update first"
            )
        version = candidates[0]
    text = versioning.get_version(workspace, artifact_id, version)
    snapshot = parse_snapshot(text.content)
    if snapshot is None:
        raise SoaError(
            f"version {version} of the Statement of Applicability was not generated from the "
            "control records"
        )
    return GeneratedVersion(artifact_id, version, snapshot)


GENERATED_COMMENT = "Generated from the control records"


@dataclass(frozen=True)
class SoaUpdate:
    artifact_id: int
    version: int
    created: bool
    previous_version: int | None
    changes: tuple[str, ...]
    # The version before was written by hand or from the template, not from the records.
    first_generated: bool = False

    def summary(self) -> str:
        if self.created:
            return f"created as version {self.version} from the control records"
        if self.first_generated:
            return f"version {self.version}, the first generated from the control records"
        return f"version {self.version}, {len(self.changes)} control(s) changed"


def update_soa(
    workspace: Workspace, *, actor: str, today: date | None = None
) -> tuple[ChangeSet, SoaUpdate]:
    """Write the records as the next version of the SoA (creating the SoA if there is none).

    A review pending on the previous version is cancelled: an approval binds to one exact text.

    Raises:
        versioning.UnchangedContent: the SoA already says exactly this.
    """
    snapshot = build_snapshot(workspace)
    text = render(snapshot)
    owner = profile.get_profile(workspace).isms_owner
    with run_write(
        workspace, actor=actor, action="soa.update", entity="artifact", durable=True
    ) as write:
        session = write.session
        soa = find_soa(session)
        if soa is None:
            soa, _ = artifacts.insert_artifact(
                session, actor=actor, kind=ArtifactKind.SOA, title=SOA_TITLE, owner=owner,
                refs=SOA_REFS, review_interval_months=12, content=text, template=None,
                today=today or date.today(), comment=GENERATED_COMMENT,
            )  # fmt: skip
            assert soa.id is not None
            previous: tuple[int, str] | None = None
            number = 1
        else:
            assert soa.id is not None
            latest = versioning._latest(session, soa.id)
            previous = (latest.number, versioning._text_of(session, latest)) if latest else None
            if latest is not None and latest.content_sha256 == versioning.content_sha256(text):
                raise versioning.UnchangedContent(
                    f"the SoA already matches the control records (version {latest.number}); "
                    "no new version was saved"
                )
            version = versioning.append_version(
                session, artifact=soa, content=text, author=actor, comment=GENERATED_COMMENT
            )
            number = version.number
            cancelled = reviews.cancel_for_new_version(session, artifact=soa, version=version)
            if cancelled is not None:
                write.summary["review_cancelled"] = cancelled.summary()
                write.notice(cancelled.message)
            assert version.id is not None
            write.changed(versions=[version.id])
        before = parse_snapshot(previous[1]) if previous else None
        changes = compare(before, snapshot)
        write.entity_id = soa.id
        write.summary.update(
            version=number,
            content_sha256=versioning.content_sha256(text),
            controls=len(snapshot.controls),
            changes=len(changes),
        )
        write.changed(artifacts=[soa.id])
    return write.changes, SoaUpdate(
        soa.id, number, previous is None, previous[0] if previous else None, tuple(changes),
        first_generated=previous is not None and before is None,
    )  # fmt: skip
