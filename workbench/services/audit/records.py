"""Each append-only record against the audit entry that created it, and each such entry against
its record.

The one write path logs exactly one entry per write, and the entry of a write that creates a
version, an approval, a review request, a key, an audit pack, a risk method version, a risk
acceptance or an evidence revision names it in its summary (``version`` and
``content_sha256``, ``approval_id``, ``round``, ``key_id``, ``manifest_sha256``; ``version``
and ``sha256`` of a method; ``acceptance`` and ``snapshot_sha256``; ``revision`` and ``sha256``
of an evidence file). So entries cut off the end of the log leave records that no entry
recorded, and a record deleted behind the workbench's back leaves an entry whose record is
gone: both are named. A stored file is vouched for by the evidence revision that holds it or
the entry that added it; one with neither was put there behind the workbench's back. A new
kind of append-only record adds its claim here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.models import (
    Approval,
    AuditLogEntry,
    Blob,
    BlobChunk,
    Evidence,
    EvidenceRevision,
    PackExport,
    PersonKey,
    PersonKeyRetirement,
    ReviewRequest,
    Risk,
    RiskAcceptance,
    RiskMethodVersion,
    Version,
)
from workbench.services.approvals.keys import check_key, key_claims, keys_of, short_fingerprint
from workbench.services.risks.acceptance import KIND_TITLES

# Entries that mention a version they did not create (a signature, a review of it, a
# publication): their "version" is a reference, not a claim.
REFERENCING_ACTIONS = frozenset(
    {"approval.approve", "approval.reject", "review.request", "artifact.publish"}
)
# Cheap tests on the raw summary before parsing it: most entries claim nothing.
_MARKERS = (
    '"content_sha256"', '"approval_id"', '"round"', '"retired"', '"manifest_sha256"', '"sha256"',
    '"acceptance"',
)  # fmt: skip
ACCEPTANCE_ACTIONS = frozenset({"risk.acceptance", "risk.plan_approval"})
EVIDENCE_ACTIONS = frozenset({"evidence.add", "evidence.revise"})
# Version 1 of the risk method is written by the schema migration (0009), not by a logged
# write: every workspace starts with this exact method, so its hash is the claim.
SHIPPED_METHOD_VERSION = 1
SHIPPED_METHOD_SHA256 = "f009b0c649f76595701aee5d63c844c789ec85d40fc2d85c8ec8e99b63a5e4c2"


@dataclass(frozen=True)
class Claim:
    """What one entry says it created."""

    entry_id: int
    action: str
    description: str


@dataclass
class Claims:
    """Every record the audit log says was created, by kind and natural key."""

    versions: dict[tuple[int, int, str], Claim] = field(default_factory=dict)
    approvals: dict[int, Claim] = field(default_factory=dict)
    review_rounds: dict[tuple[int, int, int], Claim] = field(default_factory=dict)
    retirements: dict[int, Claim] = field(default_factory=dict)
    packs: dict[str, Claim] = field(default_factory=dict)
    # Entries from this release that must have a pack record (older ones had none to make).
    recorded_packs: dict[str, Claim] = field(default_factory=dict)
    # The hash each entry recorded beside the record it made.
    methods: dict[int, tuple[str, Claim]] = field(default_factory=dict)
    acceptances: dict[int, tuple[str, Claim]] = field(default_factory=dict)
    evidence_revisions: dict[tuple[int, int], tuple[str, Claim]] = field(default_factory=dict)
    stored_files: dict[str, Claim] = field(default_factory=dict)


def _version_claims(
    entry: AuditLogEntry, data: dict[str, object]
) -> Iterator[tuple[int, int, str]]:
    if entry.entity == "artifact" and entry.action not in REFERENCING_ACTIONS:
        version, digest = data.get("version"), data.get("content_sha256")
        if isinstance(version, int) and isinstance(digest, str) and entry.entity_id.isdigit():
            yield int(entry.entity_id), version, digest
    created = data.get("artifacts")  # several documents in one write (the ISMS build)
    if isinstance(created, list):
        for item in created:
            if not isinstance(item, dict):
                continue
            artifact, version, digest = (
                item.get("artifact"), item.get("version"), item.get("content_sha256")
            )  # fmt: skip
            if isinstance(artifact, int) and isinstance(version, int) and isinstance(digest, str):
                yield artifact, version, digest


def _add(entry: AuditLogEntry, data: dict[str, object], claims: Claims) -> None:
    assert entry.id is not None
    claim = Claim(entry.id, entry.action, f"{entry.action} by {entry.actor}")
    for key in _version_claims(entry, data):
        claims.versions[key] = claim
    approval_id = data.get("approval_id")
    if entry.action.startswith("approval.") and isinstance(approval_id, int):
        claims.approvals[approval_id] = claim
    round_, version = data.get("round"), data.get("version")
    if entry.action == "review.request" and isinstance(round_, int) and isinstance(version, int):
        if entry.entity_id.isdigit():
            claims.review_rounds[(int(entry.entity_id), round_, version)] = claim
    retired = data.get("retired")
    if isinstance(retired, dict) and isinstance(retired.get("key_id"), int):
        claims.retirements[int(retired["key_id"])] = claim
    manifest = data.get("manifest_sha256")
    if entry.action == "pack.export" and isinstance(manifest, str):
        claims.packs[manifest] = claim
        if "log_entries" in data:
            claims.recorded_packs[manifest] = claim
    _add_risk_and_evidence(entry, data, claim, claims)


def _add_risk_and_evidence(
    entry: AuditLogEntry, data: dict[str, object], claim: Claim, claims: Claims
) -> None:
    digest = data.get("sha256")
    version = data.get("version")
    if entry.action == "risk.method.set" and isinstance(version, int) and isinstance(digest, str):
        claims.methods[version] = (digest, claim)
    accepted, snapshot = data.get("acceptance"), data.get("snapshot_sha256")
    if entry.action in ACCEPTANCE_ACTIONS and isinstance(accepted, int):
        claims.acceptances[accepted] = (snapshot if isinstance(snapshot, str) else "", claim)
    revision = data.get("revision")
    if entry.action in EVIDENCE_ACTIONS and isinstance(digest, str):
        claims.stored_files.setdefault(digest, claim)
        if isinstance(revision, int) and entry.entity_id.isdigit():
            claims.evidence_revisions[(int(entry.entity_id), revision)] = (digest, claim)


def collect(entries: Iterable[AuditLogEntry]) -> Claims:
    claims = Claims()
    for entry in entries:
        if not any(marker in entry.summary for marker in _MARKERS):
            continue
        try:
            data = json.loads(entry.summary)
        except ValueError:
            continue  # the chain check names a damaged entry
        if isinstance(data, dict):
            _add(entry, data, claims)
    return claims


@dataclass(frozen=True)
class Unmatched:
    """A record without its entry, or an entry without its record."""

    area: str
    subject: str
    message: str


MISSING_ENTRY = (
    "no audit log entry records it (entries were cut off the end of the log, or it was added "
    "behind the workbench's back)"
)


def _missing_record(claim: Claim, what: str) -> Unmatched:
    return Unmatched(
        "record",
        f"audit log entry {claim.entry_id} ({claim.description})",
        f"records {what}, which is not in the workspace (it was deleted behind the workbench's "
        "back)",
    )


@dataclass(frozen=True)
class Names:
    """How problems name artifacts, versions and people."""

    artifacts: dict[int, str]
    people: dict[int, str]

    def artifact(self, artifact_id: int) -> str:
        title = self.artifacts.get(artifact_id)
        return (
            f"artifact {artifact_id} '{title}'" if title is not None else f"artifact {artifact_id}"
        )

    def version(self, artifact_id: int, number: int) -> str:
        return f"{self.artifact(artifact_id)} version {number}"

    def person(self, person_id: int) -> str:
        return self.people.get(person_id, f"person {person_id}")


def version_problems(session: Session, claims: Claims, names: Names) -> list[Unmatched]:
    found: list[Unmatched] = []
    recorded = {key[:2]: (key[2], claim) for key, claim in claims.versions.items()}
    stored = session.exec(
        select(Version.artifact_id, Version.number, Version.content_sha256).order_by(
            col(Version.artifact_id), col(Version.number)
        )
    )
    seen: set[tuple[int, int]] = set()
    for artifact_id, number, digest in stored:
        seen.add((artifact_id, number))
        claimed = recorded.get((artifact_id, number))
        if claimed is None:
            found.append(Unmatched("version", names.version(artifact_id, number), MISSING_ENTRY))
        elif claimed[0] != digest:
            # The chain of versions holds no secret: a forger can recompute it. The hash the
            # log recorded when the version was saved is what they would have to change too.
            found.append(
                Unmatched(
                    "version",
                    names.version(artifact_id, number),
                    f"its content hash is not the one audit log entry {claimed[1].entry_id} "
                    "recorded when it was saved",
                )
            )
    for (artifact_id, number), (_, claim) in recorded.items():
        if (artifact_id, number) not in seen:
            found.append(_missing_record(claim, names.version(artifact_id, number)))
    return found


def approval_problems(session: Session, claims: Claims, names: Names) -> list[Unmatched]:
    found: list[Unmatched] = []
    stored = session.exec(
        select(Approval.id, Approval.artifact_id, Approval.version_number, Approval.signer_id)
        .order_by(col(Approval.id))
    )  # fmt: skip
    seen: set[int] = set()
    for approval_id, artifact_id, number, signer_id in stored:
        assert approval_id is not None
        seen.add(approval_id)
        if approval_id not in claims.approvals:
            subject = (
                f"approval {approval_id} (by {names.person(signer_id)}) of "
                f"{names.version(artifact_id, number)}"
            )
            found.append(Unmatched("approval", subject, MISSING_ENTRY))
    for approval_id, claim in claims.approvals.items():
        if approval_id not in seen:
            found.append(_missing_record(claim, f"approval {approval_id}"))
    return found


def review_problems(session: Session, claims: Claims, names: Names) -> list[Unmatched]:
    found: list[Unmatched] = []
    stored = session.execute(
        sa_select(
            col(ReviewRequest.id),
            col(ReviewRequest.artifact_id),
            col(ReviewRequest.review_round),
            col(ReviewRequest.version_number),
            col(ReviewRequest.approver_id),
        ).order_by(col(ReviewRequest.id))
    )
    seen: set[tuple[int, int, int]] = set()
    for request_id, artifact_id, round_, number, approver_id in stored:
        key = (artifact_id, round_, number)
        seen.add(key)
        if key not in claims.review_rounds:
            subject = (
                f"review request {request_id} ({names.person(approver_id)}) of "
                f"{names.version(artifact_id, number)}"
            )
            found.append(Unmatched("review", subject, MISSING_ENTRY))
    for (artifact_id, round_, number), claim in claims.review_rounds.items():
        if (artifact_id, round_, number) not in seen:
            what = f"review round {round_} of {names.version(artifact_id, number)}"
            found.append(_missing_record(claim, what))
    return found


def retirement_problems(session: Session, claims: Claims, names: Names) -> list[Unmatched]:
    found: list[Unmatched] = []
    stored = session.exec(
        select(PersonKeyRetirement, PersonKey)
        .join(PersonKey, col(PersonKey.id) == col(PersonKeyRetirement.key_id))
        .order_by(col(PersonKeyRetirement.id))
    )
    seen: set[int] = set()
    for retirement, key in stored:
        seen.add(retirement.key_id)
        if retirement.key_id not in claims.retirements:
            subject = (
                f"retirement of {names.person(key.person_id)}'s key "
                f"{short_fingerprint(key.fingerprint)}"
            )
            found.append(Unmatched("person key", subject, MISSING_ENTRY))
    for key_id, claim in claims.retirements.items():
        if key_id not in seen:
            found.append(_missing_record(claim, f"the retirement of key record {key_id}"))
    return found


def key_problems(session: Session, names: Names) -> list[Unmatched]:
    """Key records the audit log does not vouch for, and key entries whose record is gone."""
    claims = key_claims(session)
    found: list[Unmatched] = []
    seen: set[int] = set()
    for key in keys_of(session):
        assert key.id is not None
        seen.add(key.id)
        problem = check_key(key, claims)
        if problem is not None:
            subject = f"{names.person(key.person_id)}'s key record {key.id}"
            found.append(Unmatched("person key", subject, problem))
    for key_id, fingerprint in sorted(claims.by_id.items()):
        if key_id not in seen:
            found.append(
                Unmatched(
                    "person key",
                    f"key record {key_id} ({short_fingerprint(fingerprint)})",
                    "an audit log entry records this key, which is not in the workspace (it "
                    "was deleted behind the workbench's back)",
                )
            )
    return found


def pack_problems(session: Session, claims: Claims) -> list[Unmatched]:
    found: list[Unmatched] = []
    packs = {pack.manifest_sha256: pack for pack in session.exec(select(PackExport))}
    for digest, pack in packs.items():
        if digest not in claims.packs:
            subject = f"audit pack {pack.file_name} ({pack.created_at:%Y-%m-%d %H:%M} UTC)"
            found.append(Unmatched("audit pack", subject, MISSING_ENTRY))
    for digest, claim in claims.recorded_packs.items():
        if digest not in packs:
            found.append(_missing_record(claim, f"the audit pack with manifest {digest[:12]}…"))
    return found


def method_problems(session: Session, claims: Claims) -> list[Unmatched]:
    found: list[Unmatched] = []
    recorded = dict(claims.methods)
    shipped = Claim(0, "schema", "the method every workspace starts with")
    recorded.setdefault(SHIPPED_METHOD_VERSION, (SHIPPED_METHOD_SHA256, shipped))
    stored = session.exec(
        select(RiskMethodVersion.id, RiskMethodVersion.sha256).order_by(col(RiskMethodVersion.id))
    )
    seen: set[int] = set()
    for version, digest in stored:
        assert version is not None
        seen.add(version)
        subject = f"risk method version {version}"
        claimed = recorded.get(version)
        if claimed is None:
            found.append(Unmatched("risk method", subject, MISSING_ENTRY))
        elif claimed[0] != digest:
            source = (
                "the one of the method every workspace starts with"
                if claimed[1] is shipped
                else f"the one audit log entry {claimed[1].entry_id} recorded when it was set"
            )
            found.append(Unmatched("risk method", subject, f"its hash is not {source}"))
    for version, (_, claim) in sorted(claims.methods.items()):
        if version not in seen:
            found.append(_missing_record(claim, f"risk method version {version}"))
    return found


def acceptance_problems(session: Session, claims: Claims, names: Names) -> list[Unmatched]:
    found: list[Unmatched] = []
    stored = session.execute(
        sa_select(
            col(RiskAcceptance.id),
            col(RiskAcceptance.kind),
            col(RiskAcceptance.risk_id),
            col(Risk.ref),
            col(RiskAcceptance.signer_id),
            col(RiskAcceptance.snapshot_sha256),
        )
        .outerjoin(Risk, col(Risk.id) == col(RiskAcceptance.risk_id))
        .order_by(col(RiskAcceptance.id))
    )
    seen: set[int] = set()
    for acceptance_id, kind, risk_id, ref, signer_id, digest in stored:
        seen.add(acceptance_id)
        title = KIND_TITLES.get(kind, "risk acceptance")
        subject = (
            f"risk acceptance {acceptance_id} ({title} of {ref or f'risk {risk_id}'} by "
            f"{names.person(signer_id)})"
        )
        claimed = claims.acceptances.get(acceptance_id)
        if claimed is None:
            found.append(Unmatched("risk acceptance", subject, MISSING_ENTRY))
        elif claimed[0] and claimed[0] != digest:
            found.append(
                Unmatched(
                    "risk acceptance",
                    subject,
                    "its snapshot hash is not the one audit log entry "
                    f"{claimed[1].entry_id} recorded when it was signed",
                )
            )
    for acceptance_id, (_, claim) in sorted(claims.acceptances.items()):
        if acceptance_id not in seen:
            found.append(_missing_record(claim, f"risk acceptance {acceptance_id}"))
    return found


def evidence_problems(session: Session, claims: Claims) -> list[Unmatched]:
    found: list[Unmatched] = []
    titles = dict(session.exec(select(Evidence.id, Evidence.title)).all())
    stored = session.exec(
        select(EvidenceRevision).order_by(
            col(EvidenceRevision.evidence_id), col(EvidenceRevision.number)
        )
    )
    seen: set[tuple[int, int]] = set()
    held: set[str] = set()
    for revision in stored:
        key = (revision.evidence_id, revision.number)
        seen.add(key)
        held.add(revision.blob_sha256)
        subject = (
            f"evidence E-{revision.evidence_id} '{titles.get(revision.evidence_id, '')}' "
            f"revision {revision.number} ({revision.file_name})"
        )
        claimed = claims.evidence_revisions.get(key)
        if claimed is None:
            found.append(Unmatched("evidence", subject, MISSING_ENTRY))
        elif claimed[0] != revision.blob_sha256:
            found.append(
                Unmatched(
                    "evidence",
                    subject,
                    f"its file is not the one audit log entry {claimed[1].entry_id} recorded "
                    "when it was added",
                )
            )
    for (evidence_id, number), (_, claim) in sorted(claims.evidence_revisions.items()):
        if (evidence_id, number) not in seen:
            found.append(_missing_record(claim, f"evidence E-{evidence_id} revision {number}"))
    return found + _stray_file_problems(session, claims, held)


STRAY_FILE = (
    "no evidence revision holds it and no audit log entry records it (it was added behind the "
    "workbench's back)"
)


def _stray_file_problems(session: Session, claims: Claims, held: set[str]) -> list[Unmatched]:
    """Stored files that nothing vouches for, and parts of files that are not stored.

    A file the log recorded but no revision holds is named through the revision that is gone;
    a revision whose file is missing is named by the vault check."""
    found: list[Unmatched] = []
    files = dict(session.exec(select(Blob.sha256, Blob.size).order_by(col(Blob.sha256))).all())
    for digest, size in files.items():
        if digest not in held and digest not in claims.stored_files:
            found.append(
                Unmatched("evidence", f"stored file {digest[:12]} ({size} bytes)", STRAY_FILE)
            )
    parts = session.execute(
        sa_select(col(BlobChunk.blob_sha256), func.count())
        .group_by(col(BlobChunk.blob_sha256))
        .order_by(col(BlobChunk.blob_sha256))
    )
    for digest, count in parts:
        if digest not in files and digest not in held:
            found.append(
                Unmatched(
                    "evidence",
                    f"{count} part(s) of stored file {digest[:12]}",
                    "the stored file they belong to is not in the workspace and no evidence "
                    "revision holds it (they were added behind the workbench's back)",
                )
            )
    return found


def unmatched(session: Session, entries: Iterable[AuditLogEntry], names: Names) -> list[Unmatched]:
    """Every record without its entry and every entry without its record."""
    claims = collect(entries)
    return [
        *version_problems(session, claims, names),
        *approval_problems(session, claims, names),
        *review_problems(session, claims, names),
        *key_problems(session, names),
        *retirement_problems(session, claims, names),
        *pack_problems(session, claims),
        *method_problems(session, claims),
        *acceptance_problems(session, claims, names),
        *evidence_problems(session, claims),
    ]
