"""The risk register and the risk treatment plan as documents generated from the records, and
the risk methodology's criteria from the method.

"Update from risks" writes a new version of the register artifact of that kind (making one
from its template's place in the register when there is none): a readable rendering followed by
the structured snapshot of the records it was made from, as indented JSON, so comparing two
versions shows which risk changed how. The text holds no generation time, so updating from
unchanged records writes nothing. Review, approval and publishing then work as for any
document. The methodology keeps its own text; only its criteria (sections 5.1 to 5.4) are
rendered again from the method in force.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from workbench.models import (
    AcceptanceKind,
    ActionStatus,
    Artifact,
    ArtifactKind,
    ArtifactStatus,
    Risk,
    RiskStatus,
    WorkspaceProfile,
)
from workbench.services.approvals import reviews
from workbench.services.common.errors import ServiceError
from workbench.services.register import artifacts, templates, versioning
from workbench.services.risks.acceptance import KIND_TITLES, AcceptanceState, current_acceptances
from workbench.services.risks.listing import RiskFilter, View, heat_map_counts
from workbench.services.risks.method import Axis, RiskMethod, current_method
from workbench.services.risks.records import details_of, short_control
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import PROFILE_ID, Workspace
from workbench.services.store.writes import run_write

SNAPSHOT_HEADING = "## Snapshot of the records"
PLAN_KEYS = ("id", "title", "owner", "inherent_level", "treatment", "controls", "actions",
             "residual_level", "signed")  # fmt: skip
CRITERIA_START = re.compile(r"^### 5\.1\b")
CRITERIA_END = re.compile(r"^### 5\.5\b")


class GeneratedDocument(StrEnum):
    REGISTER = "register"
    TREATMENT_PLAN = "treatment-plan"
    METHODOLOGY = "methodology"


KINDS = {
    GeneratedDocument.REGISTER: ArtifactKind.RISK_REGISTER,
    GeneratedDocument.TREATMENT_PLAN: ArtifactKind.RISK_TREATMENT_PLAN,
    GeneratedDocument.METHODOLOGY: ArtifactKind.RISK_METHODOLOGY,
}
TEMPLATES = {
    GeneratedDocument.REGISTER: "risk-register",
    GeneratedDocument.TREATMENT_PLAN: "risk-treatment-plan",
    GeneratedDocument.METHODOLOGY: "risk-methodology",
}


class DocumentError(ServiceError):
    """A generated document that cannot be written; the message is for the user."""


@dataclass(frozen=True)
class UpdateResult:
    changes: ChangeSet
    artifact_id: int
    title: str
    version: int
    created: bool

    @property
    def message(self) -> str:
        made = "created it as version 1" if self.created else f"wrote version {self.version}"
        return f"Updated '{self.title}' from the risk records: {made}"


# --- text helpers ---------------------------------------------------------------------------


def cell(text: object) -> str:
    """A value as one Markdown table cell: one line, pipes escaped."""
    value = "" if text is None else str(text)
    return " ".join(value.split()).replace("|", "\\|")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines


def _snapshot_block(snapshot: dict[str, Any]) -> list[str]:
    return [
        SNAPSHOT_HEADING,
        "",
        "The records this version was generated from, one field per line, so that comparing two "
        "versions shows what changed.",
        "",
        "```json",
        json.dumps(snapshot, indent=1, sort_keys=True, ensure_ascii=False, default=str),
        "```",
        "",
    ]


# --- collecting the records -----------------------------------------------------------------


@dataclass(frozen=True)
class _Records:
    organisation: str
    method: RiskMethod
    risks: list[dict[str, Any]]
    heat: dict[View, dict[tuple[int, int], int]]


def _rating(method: RiskMethod, axis: Axis, value: int | None) -> str:
    return f"{value} {method.label(axis, value)}" if value is not None else ""


def _collect(session: Session, today: date) -> _Records:
    method = current_method(session)
    profile = session.get(WorkspaceProfile, PROFILE_ID)
    rows = list(session.exec(select(Risk).order_by(col(Risk.id))))
    accepted = current_acceptances(session, {r.id for r in rows if r.id is not None})
    risks: list[dict[str, Any]] = []
    for risk in rows:
        assert risk.id is not None
        details = details_of(session, risk, method)
        draft = details.draft
        signed = {}
        for kind in AcceptanceKind:
            check = accepted.get((risk.id, kind))
            if check is not None:
                signed[kind.value] = {
                    "signer": check.signer,
                    "signed": check.signed_at.date().isoformat(),
                    "expires": check.expires.isoformat() if check.expires else None,
                    "state": check.state(today).value,
                }
        risks.append(
            {
                "id": risk.ref,
                "title": draft.title,
                "threat": draft.threat,
                "vulnerability": draft.vulnerability,
                "consequence": draft.consequence,
                "owner": draft.owner or None,
                "assets": list(draft.assets),
                "existing_controls": draft.existing_controls,
                "likelihood": draft.likelihood,
                "impact": draft.impact,
                "inherent_level": method.level_name(risk.level) or None,
                "treatment": draft.treatment.value if draft.treatment else None,
                "controls": [short_control(ref) for ref in draft.controls],
                "actions": [
                    {
                        "id": f"{risk.ref}-A{index}",
                        "text": action.text,
                        "owner": action.owner,
                        "due": action.due.isoformat() if action.due else None,
                        "status": action.status.value,
                    }
                    for index, action in enumerate(details.actions, start=1)
                ],
                "residual_likelihood": draft.residual_likelihood,
                "residual_impact": draft.residual_impact,
                "residual_level": method.level_name(risk.residual_level) or None,
                "status": draft.status.value,
                "review_date": draft.review_date.isoformat() if draft.review_date else None,
                "signed": signed,
            }
        )
    heat = {view: heat_map_counts(session, RiskFilter(), view) for view in View}
    return _Records(profile.organisation_name if profile else "", method, risks, heat)


def _method_snapshot(method: RiskMethod) -> dict[str, Any]:
    return {"version": method.version, "sha256": method.sha256, "size": method.size}


# --- the risk register ----------------------------------------------------------------------


def _heat_table(records: _Records, view: View) -> list[str]:
    method = records.method
    counts = records.heat[view]
    header = ["Likelihood ↓ / Impact →"] + [
        f"{n} {level.label}" for n, level in enumerate(method.impact, start=1)
    ]
    rows = []
    for likelihood in range(len(method.likelihood), 0, -1):
        row: list[object] = [f"**{likelihood}** {method.label(Axis.LIKELIHOOD, likelihood)}"]
        for impact in range(1, len(method.impact) + 1):
            count = counts.get((likelihood, impact), 0)
            name = method.level_name(method.level_of(likelihood, impact))
            row.append(f"{count} ({name})" if count else f"· ({name})")
        rows.append(row)
    return table(header, rows)


def render_register(records: _Records) -> str:
    method = records.method
    name = records.organisation or "the organisation"
    lines = [
        f"# Information Security Risk Register — {name}",
        "",
        f"Generated from the workspace's {len(records.risks)} risk record(s), assessed with risk "
        f"method version {method.version} ({method.size} matrix, acceptance threshold "
        f"{method.level_name(method.threshold)}). The ratings, levels and treatment decisions "
        "below are the records; edit them in the workbench, not in this text.",
        "",
        "## 1. Summary",
        "",
    ]
    per_level = []
    for level in method.levels:
        inherent = sum(1 for r in records.risks if r["inherent_level"] == level.name)
        residual = sum(1 for r in records.risks if r["residual_level"] == level.name)
        per_level.append([level.name, inherent, residual])
    lines += table(["Level", "Inherent", "Residual"], per_level)
    lines += ["", "## 2. Heat map: inherent risk", ""]
    lines += _heat_table(records, View.INHERENT)
    lines += ["", "## 3. Heat map: residual risk", ""]
    lines += _heat_table(records, View.RESIDUAL)
    lines += ["", "## 4. Risks", ""]
    rows = [
        [
            r["id"], r["title"], r["owner"] or "", ", ".join(r["assets"]),
            _rating(method, Axis.LIKELIHOOD, r["likelihood"]),
            _rating(method, Axis.IMPACT, r["impact"]), r["inherent_level"] or "",
            (r["treatment"] or "").capitalize(), ", ".join(r["controls"]),
            _rating(method, Axis.LIKELIHOOD, r["residual_likelihood"]),
            _rating(method, Axis.IMPACT, r["residual_impact"]), r["residual_level"] or "",
            r["status"].replace("_", " "), _acceptance_text(r),
        ]
        for r in records.risks
    ]  # fmt: skip
    lines += table(
        ["ID", "Risk", "Owner", "Assets", "Likelihood", "Impact", "Inherent", "Treatment",
         "Planned controls", "Res. likelihood", "Res. impact", "Residual", "Status",
         "Acceptance"],
        rows,
    )  # fmt: skip
    if not records.risks:
        lines += ["", "No risks have been recorded yet."]
    lines += ["", "## 5. Risk scenarios", ""]
    for r in records.risks:
        lines += [f"### {r['id']} {r['title']}", ""]
        for label, key in (("Threat", "threat"), ("Vulnerability", "vulnerability"),
                           ("Consequence", "consequence"),
                           ("Existing controls", "existing_controls")):  # fmt: skip
            if r[key]:
                lines.append(f"- **{label}:** {' '.join(r[key].split())}")
        if r["review_date"]:
            lines.append(f"- **Next review:** {r['review_date']}")
        lines.append("")
    snapshot = {
        "document": "risk-register",
        "format": 1,
        "method": _method_snapshot(method),
        "risks": records.risks,
    }
    lines += _snapshot_block(snapshot)
    return "\n".join(lines)


def _acceptance_text(risk: dict[str, Any]) -> str:
    signed = risk["signed"].get(AcceptanceKind.ACCEPTANCE.value)
    if not signed:
        return ""
    until = f" until {signed['expires']}" if signed["expires"] else ""
    return f"{signed['signer']} {signed['signed']}{until} ({signed['state']})"


# --- the treatment plan ---------------------------------------------------------------------


def render_treatment_plan(records: _Records, today: date) -> str:
    method = records.method
    name = records.organisation or "the organisation"
    treated = [r for r in records.risks if r["status"] != RiskStatus.CLOSED.value]
    lines = [
        f"# Risk Treatment Plan — {name}",
        "",
        "Generated from the workspace's risk records (ISO/IEC 27001:2022, 6.1.3 e, f; 8.3). Each "
        "action refers to its risk and to the controls that treat it; the risk owners' approval "
        "of the plan and acceptance of the residual risk are signed in the workbench and listed "
        "in section 3 with whether each signature still holds.",
        "",
        "## 1. Treatment actions",
        "",
    ]
    rows = []
    for r in treated:
        for action in r["actions"]:
            if action["status"] == ActionStatus.CANCELLED.value:
                continue
            overdue = (
                action["status"] == ActionStatus.OPEN.value
                and action["due"] is not None
                and action["due"] < today.isoformat()
            )
            rows.append(
                [
                    action["id"], r["id"], action["text"], ", ".join(r["controls"]),
                    action["owner"], action["due"] or "",
                    action["status"] + (" (overdue)" if overdue else ""),
                ]
            )  # fmt: skip
    lines += table(["Action", "Risk", "Treatment action", "Controls", "Owner", "Due", "Status"],
                   rows)  # fmt: skip
    if not rows:
        lines += ["", "No treatment actions have been recorded yet."]
    lines += ["", "## 2. Treatment decisions and planned controls", ""]
    lines += table(
        ["Risk", "Title", "Inherent", "Treatment", "Planned Annex A controls", "Residual"],
        [
            [r["id"], r["title"], r["inherent_level"] or "", (r["treatment"] or "").capitalize(),
             ", ".join(r["controls"]), r["residual_level"] or ""]
            for r in treated
        ],
    )  # fmt: skip
    lines += ["", "## 3. Plan approval and residual risk acceptance (6.1.3 f)", ""]
    signed_rows = []
    for r in treated:
        cells: list[object] = [r["id"], r["residual_level"] or r["inherent_level"] or "",
                               r["owner"] or ""]  # fmt: skip
        for kind in (AcceptanceKind.PLAN_APPROVAL, AcceptanceKind.ACCEPTANCE):
            signed = r["signed"].get(kind.value)
            if signed:
                until = f", until {signed['expires']}" if signed["expires"] else ""
                cells.append(f"{signed['signer']} {signed['signed']}{until}: {signed['state']}")
            else:
                cells.append("not signed")
        signed_rows.append(cells)
    lines += table(
        ["Risk", "Residual level", "Risk owner",
         KIND_TITLES[AcceptanceKind.PLAN_APPROVAL].capitalize(),
         KIND_TITLES[AcceptanceKind.ACCEPTANCE].capitalize()],
        signed_rows,
    )  # fmt: skip
    lines += [
        "",
        f"States: {AcceptanceState.VALID.value} (the signature holds for the risk as it is), "
        f"{AcceptanceState.STALE.value} (the risk or the method changed after signing), "
        f"{AcceptanceState.EXPIRED.value}, {AcceptanceState.INVALID.value} (the signature does "
        f"not verify). The acceptance threshold is {method.level_name(method.threshold)}.",
        "",
    ]
    snapshot = {
        "document": "risk-treatment-plan",
        "format": 1,
        "method": _method_snapshot(method),
        "risks": [
            {
                key: r[key]
                for key in (
                    "id",
                    "title",
                    "owner",
                    "inherent_level",
                    "treatment",
                    "controls",
                    "actions",
                    "residual_level",
                    "signed",
                )
            }  # fmt: skip
            for r in treated
        ],
    }
    lines += _snapshot_block(snapshot)
    return "\n".join(lines)


# --- the methodology's criteria -------------------------------------------------------------


def _section(lines: list[str]) -> tuple[int, int] | None:
    start = next((n for n, line in enumerate(lines) if CRITERIA_START.match(line)), None)
    if start is None:
        return None
    end = next((n for n in range(start + 1, len(lines)) if CRITERIA_END.match(lines[n])), None)
    return None if end is None else (start, end)


def methodology_with_criteria(current: str, fresh: str) -> str:
    """``current`` with its sections 5.1 to 5.4 replaced by those of ``fresh``."""
    old, new = current.split("\n"), fresh.split("\n")
    where, source = _section(old), _section(new)
    if where is None or source is None:
        raise DocumentError(
            "the methodology has no sections '### 5.1' to '### 5.5' to put the criteria in; "
            "restore those headings or edit the criteria by hand"
        )
    return "\n".join(old[: where[0]] + new[source[0] : source[1]] + old[where[1] :])


# --- writing --------------------------------------------------------------------------------


def _artifact(session: Session, kind: ArtifactKind) -> Artifact | None:
    return session.exec(
        select(Artifact)
        .where(Artifact.kind == kind, col(Artifact.status) != ArtifactStatus.RETIRED)
        .order_by(col(Artifact.id))
    ).first()


def _render(session: Session, which: GeneratedDocument, today: date) -> str:
    if which is GeneratedDocument.METHODOLOGY:
        raise AssertionError("the methodology is updated in place, not rendered whole")
    records = _collect(session, today)
    if which is GeneratedDocument.REGISTER:
        return render_register(records)
    return render_treatment_plan(records, today)


def _methodology_text(session: Session, artifact: Artifact | None, today: date) -> str:
    template = templates.get_template(TEMPLATES[GeneratedDocument.METHODOLOGY])
    profile = session.get(WorkspaceProfile, PROFILE_ID)
    assert profile is not None
    fresh = templates.render(
        template,
        templates.template_context(
            profile,
            document_owner=artifact.owner if artifact else profile.isms_owner,
            review_interval_months=(
                artifact.review_interval_months if artifact else template.review_interval_months
            ),
            today=today,
            risk_method=templates.stored_risk_method(session),
        ),
    )
    if artifact is None:
        return fresh
    assert artifact.id is not None
    latest = versioning._latest(session, artifact.id)
    if latest is None:
        return fresh
    return methodology_with_criteria(versioning.stored_text(session, latest), fresh)


def update_document(
    workspace: Workspace,
    *,
    actor: str,
    which: GeneratedDocument,
    today: date | None = None,
) -> UpdateResult:
    """Write the next version of the register artifact from the records (see the module).

    Raises:
        versioning.UnchangedContent: the records have not changed since the latest version.
        TemplateRenderError: the methodology needs a profile field that is empty.
    """
    day = today or date.today()
    kind = KINDS[which]
    with run_write(
        workspace, actor=actor, action="risk.update_document", entity="artifact", durable=True
    ) as write:
        session = write.session
        artifact = _artifact(session, kind)
        if which is GeneratedDocument.METHODOLOGY:
            content = _methodology_text(session, artifact, day)
        else:
            content = _render(session, which, day)
        template = templates.get_template(TEMPLATES[which])
        created = artifact is None
        if artifact is None:
            profile = session.get(WorkspaceProfile, PROFILE_ID)
            artifact, _ = artifacts.insert_artifact(
                session, actor=actor, kind=kind, title=template.title,
                owner=profile.isms_owner if profile else "", refs=template.refs,
                review_interval_months=template.review_interval_months, content=content,
                template=template.key, today=day,
                comment="Generated from the risk records",
            )  # fmt: skip
            assert artifact.id is not None
            latest = versioning._latest(session, artifact.id)
            assert latest is not None
            version = latest
        else:
            assert artifact.id is not None
            latest = versioning._latest(session, artifact.id)
            if latest is not None and latest.content_sha256 == versioning.content_sha256(content):
                raise versioning.UnchangedContent(
                    f"'{artifact.title}' version {latest.number} already shows the records as "
                    "they are; no new version was saved"
                )
            version = versioning.append_version(
                session, artifact=artifact, content=content, author=actor,
                comment="Updated from the risk records",
            )  # fmt: skip
            cancelled = reviews.cancel_for_new_version(session, artifact=artifact, version=version)
            if cancelled is not None:
                write.summary["review_cancelled"] = cancelled.summary()
                write.notice(cancelled.message)
        assert version.id is not None
        write.entity_id = artifact.id
        write.summary.update(
            document=which.value, version=version.number,
            content_sha256=version.content_sha256, created=created,
        )  # fmt: skip
        write.changed(artifacts=[artifact.id], versions=[version.id])
        title, number = artifact.title, version.number
    return UpdateResult(write.changes, artifact.id, title, number, created)
