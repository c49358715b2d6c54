"""Signed risk acceptance: the risk owner accepts a residual risk, or approves its treatment
plan (ISO/IEC 27001:2022, 6.1.3 f), with their own Ed25519 key.

What is signed is a canonical payload naming the risk, the SHA-256 of a canonical snapshot of
the risk record (stored beside it), the method version it was assessed with, the expiry, the
signer, the time, the comment and the audit log's head at that moment. Editing the risk
afterwards, or changing the method, makes the acceptance *stale*: still there, still
verifiable, but no longer about the risk as it is. Nothing deletes an acceptance; a newer one
of the same kind supersedes it.

The payload carries a format number: format 2 adds the audit log's head, as approvals sign it
(:mod:`workbench.services.approvals.signing`), so each acceptance also vouches for the log up
to its signing; format 1 (the first release of risk acceptance) is still read and checked as
it was signed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench.models import (
    AcceptanceKind,
    ActionStatus,
    Asset,
    Person,
    Risk,
    RiskAcceptance,
    RiskAction,
    RiskAssetLink,
    RiskControl,
    RiskMethodVersion,
    utc_now,
)
from workbench.services.approvals import keys, keystore, people, signing
from workbench.services.common.errors import ServiceError
from workbench.services.risks import method as methods
from workbench.services.risks.method import Axis, RiskMethod
from workbench.services.risks.records import control_order, require_risk
from workbench.services.store import audit_log
from workbench.services.store.audit_log import canonical_json
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write

PAYLOAD_TYPE = "grc-workbench/risk-acceptance"
# 1: the first release; 2: adds the audit log head at signing time.
PAYLOAD_FORMAT = 2
KNOWN_FORMATS = (1, 2)
SNAPSHOT_FORMAT = 1
KIND_TITLES = {
    AcceptanceKind.ACCEPTANCE: "residual risk acceptance",
    AcceptanceKind.PLAN_APPROVAL: "treatment plan approval",
}


class AcceptanceError(ServiceError):
    """An acceptance that cannot be signed; the message is for the user."""


class AcceptanceState(StrEnum):
    VALID = "valid"
    STALE = "stale"
    EXPIRED = "expired"
    INVALID = "invalid"


# --- the snapshot ---------------------------------------------------------------------------


def _rating(method: RiskMethod, axis: Axis, value: int | None) -> dict[str, object] | None:
    if value is None:
        return None
    return {"value": value, "label": method.label(axis, value)}


def snapshot_of(session: Session, risk: Risk, method: RiskMethod) -> dict[str, Any]:
    """What a risk owner decides on: the risk's description, owner, assets, ratings and levels,
    treatment, planned controls and actions (what, owner, due). Status, review date and
    progress on actions are left out, so ticking an action off does not make it stale."""
    assert risk.id is not None
    owner = session.get(Person, risk.owner_id) if risk.owner_id is not None else None
    assets = session.exec(
        select(Asset.name)
        .join(RiskAssetLink, col(RiskAssetLink.asset_id) == col(Asset.id))
        .where(RiskAssetLink.risk_id == risk.id)
    )
    controls = session.exec(select(RiskControl.ref).where(RiskControl.risk_id == risk.id))
    actions = session.exec(
        select(RiskAction)
        .where(RiskAction.risk_id == risk.id, RiskAction.status != ActionStatus.CANCELLED)
        .order_by(col(RiskAction.id))
    )
    return {
        "format": SNAPSHOT_FORMAT,
        "ref": risk.ref,
        "title": risk.title,
        "threat": risk.threat,
        "vulnerability": risk.vulnerability,
        "consequence": risk.consequence,
        "owner": owner.name if owner else None,
        "assets": sorted(assets, key=str.casefold),
        "existing_controls": risk.existing_controls,
        "likelihood": _rating(method, Axis.LIKELIHOOD, risk.likelihood),
        "impact": _rating(method, Axis.IMPACT, risk.impact),
        "level": method.level_name(method.level_of(risk.likelihood, risk.impact)) or None,
        "treatment": risk.treatment.value if risk.treatment else None,
        "controls": sorted(controls, key=control_order),
        "actions": [
            {"text": a.text, "owner": a.owner, "due": a.due.isoformat() if a.due else None}
            for a in actions
        ],
        "residual_likelihood": _rating(method, Axis.LIKELIHOOD, risk.residual_likelihood),
        "residual_impact": _rating(method, Axis.IMPACT, risk.residual_impact),
        "residual_level": method.level_name(
            method.level_of(risk.residual_likelihood, risk.residual_impact)
        )
        or None,
        "method_version": method.version,
    }


def snapshot_text(snapshot: Mapping[str, Any]) -> str:
    return canonical_json(dict(snapshot))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the payload ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptancePayload:
    """What the risk owner signs. Dates and times are ISO 8601 text as signed."""

    kind: str
    risk: str
    snapshot_sha256: str
    method_version: int
    method_sha256: str
    signer: str
    signer_fingerprint: str
    signed_at: str
    expires: str | None
    comment: str
    # The audit log's head when it was signed (format 2); None in a format 1 payload.
    log_entries: int | None = None
    log_head: str | None = None

    @property
    def format(self) -> int:
        return 1 if self.log_entries is None else PAYLOAD_FORMAT

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "type": PAYLOAD_TYPE,
            "format": self.format,
            "kind": self.kind,
            "risk": self.risk,
            "snapshot_sha256": self.snapshot_sha256,
            "method_version": self.method_version,
            "method_sha256": self.method_sha256,
            "signer": self.signer,
            "signer_fingerprint": self.signer_fingerprint,
            "signed_at": self.signed_at,
            "expires": self.expires,
            "comment": self.comment,
        }
        return canonical_json(signing.with_log_claim(data, self.log_entries, self.log_head))

    @classmethod
    def parse(cls, text: str) -> AcceptancePayload:
        """Raises ValueError when the text is not a payload this release understands."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("type") != PAYLOAD_TYPE:
            raise ValueError("not a risk acceptance payload")
        if data.get("format") not in KNOWN_FORMATS:
            raise ValueError(f"unknown payload format {data.get('format')!r}")
        try:
            expires = data["expires"]
            log_entries, log_head = signing.log_claim(data)
            return cls(
                kind=str(data["kind"]),
                risk=str(data["risk"]),
                snapshot_sha256=str(data["snapshot_sha256"]),
                method_version=int(data["method_version"]),
                method_sha256=str(data["method_sha256"]),
                signer=str(data["signer"]),
                signer_fingerprint=str(data["signer_fingerprint"]),
                signed_at=str(data["signed_at"]),
                expires=None if expires is None else str(expires),
                comment=str(data["comment"]),
                log_entries=log_entries,
                log_head=log_head,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"incomplete risk acceptance payload ({error})") from error


# --- signing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ready:
    risk_id: int
    ref: str
    signer_id: int
    signer: str
    fingerprint: str
    snapshot: str
    method: RiskMethod
    method_sha256: str


def _prepare(session: Session, *, ref: str, signer: str, kind: AcceptanceKind) -> _Ready:
    risk = require_risk(session, ref)
    assert risk.id is not None
    person = people.find(session, signer)
    if person is None or person.id is None:
        raise AcceptanceError(f"there is no person named '{signer.strip()}' in this workspace")
    if risk.owner_id is None:
        raise AcceptanceError(f"{risk.ref} has no risk owner; set the owner first")
    if risk.owner_id != person.id:
        owner = session.get(Person, risk.owner_id)
        raise AcceptanceError(
            f"only the risk owner ({owner.name if owner else 'unknown'}) can sign the "
            f"{KIND_TITLES[kind]} of {risk.ref}"
        )
    key = keys.current_key(session, person.id)
    if key is None:
        raise AcceptanceError(f"{person.name} has no signing identity")
    doubt = keys.check_key(key, keys.key_claims(session, person.id))
    if doubt is not None:
        raise AcceptanceError(f"{person.name}'s {doubt}; run workbench verify")
    method = methods.current_method(session)
    if method.version == 0:
        raise AcceptanceError("the workspace has no stored risk method; set the method first")
    if kind is AcceptanceKind.ACCEPTANCE and (risk.residual_level is None and risk.level is None):
        raise AcceptanceError(f"{risk.ref} is not assessed yet; rate it before accepting it")
    if kind is AcceptanceKind.PLAN_APPROVAL:
        planned = session.exec(
            select(func.count()).where(
                RiskAction.risk_id == risk.id, RiskAction.status != ActionStatus.CANCELLED
            )
        ).one()
        controls = session.exec(select(func.count()).where(RiskControl.risk_id == risk.id)).one()
        if not planned and not controls:
            raise AcceptanceError(
                f"{risk.ref} has no planned controls or actions; there is no plan to approve"
            )
    row = methods.method_row(session, method.version)
    assert row is not None
    return _Ready(
        risk_id=risk.id,
        ref=risk.ref,
        signer_id=person.id,
        signer=person.name,
        fingerprint=key.fingerprint,
        snapshot=snapshot_text(snapshot_of(session, risk, method)),
        method=method,
        method_sha256=row.sha256,
    )


def sign(
    workspace: Workspace,
    *,
    ref: str,
    signer: str,
    passphrase: str,
    kind: AcceptanceKind = AcceptanceKind.ACCEPTANCE,
    expires: date | None = None,
    comment: str = "",
    today: date | None = None,
) -> tuple[ChangeSet, int]:
    """The risk owner signs the acceptance (or plan approval) of a risk as it is now.

    Raises:
        keystore.WrongPassphrase: the passphrase does not open the key; nothing is recorded.
        AcceptanceError: the signer is not the risk owner, the risk is not assessed, the
            expiry is past, the key is not on this computer...; nothing is recorded.
    """
    day = today or date.today()
    if expires is not None and expires <= day:
        raise AcceptanceError("the expiry date must be after today")
    with workspace.read() as session:
        ready = _prepare(session, ref=ref, signer=signer, kind=kind)
        log_head = audit_log.head(session)
    key = keystore.load_private_key(ready.fingerprint, passphrase, owner=ready.signer)
    signed_at = utc_now()
    payload = AcceptancePayload(
        kind=kind.value,
        risk=ready.ref,
        snapshot_sha256=sha256(ready.snapshot),
        method_version=ready.method.version,
        method_sha256=ready.method_sha256,
        signer=ready.signer,
        signer_fingerprint=ready.fingerprint,
        signed_at=signed_at.isoformat(),
        expires=expires.isoformat() if expires else None,
        comment=comment.strip(),
        log_entries=log_head.entries,
        log_head=log_head.hash,
    ).to_json()
    signature = signing.sign(key, payload)
    with run_write(
        workspace, actor=ready.signer, action=f"risk.{kind.value}", entity="risk",
        entity_id=ready.ref, durable=True,
    ) as write:  # fmt: skip
        session = write.session
        again = _prepare(session, ref=ref, signer=signer, kind=kind)
        if again != ready:
            raise AcceptanceError("the risk changed while signing; nothing was recorded")
        row = RiskAcceptance(
            risk_id=ready.risk_id,
            kind=kind,
            signer_id=ready.signer_id,
            key_fingerprint=ready.fingerprint,
            method_version=ready.method.version,
            snapshot=ready.snapshot,
            snapshot_sha256=sha256(ready.snapshot),
            expires=expires,
            comment=comment.strip(),
            payload=payload,
            signature=signature,
            signed_at=signed_at,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        write.summary.update(
            acceptance=row.id, kind=kind.value, snapshot_sha256=row.snapshot_sha256,
            method_version=row.method_version, expires=expires, comment=row.comment,
            key_fingerprint=ready.fingerprint,
        )  # fmt: skip
        write.changed(risks=[ready.risk_id])
    return write.changes, row.id


# --- checking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptanceCheck:
    """One acceptance and what checking it found now."""

    id: int
    risk_id: int
    ref: str
    kind: AcceptanceKind
    signer: str
    signed_at: datetime
    expires: date | None
    comment: str
    method_version: int
    key_fingerprint: str
    problems: tuple[str, ...]  # the signature or snapshot does not check out
    stale_reason: str = ""
    superseded: bool = False

    def state(self, today: date) -> AcceptanceState:
        if self.problems:
            return AcceptanceState.INVALID
        if self.stale_reason:
            return AcceptanceState.STALE
        if self.expires is not None and self.expires < today:
            return AcceptanceState.EXPIRED
        return AcceptanceState.VALID

    def describe(self, today: date) -> str:
        state = self.state(today)
        title = KIND_TITLES[self.kind]
        by = f"{title} by {self.signer}, {self.signed_at:%Y-%m-%d}"
        match state:
            case AcceptanceState.VALID:
                until = f", until {self.expires.isoformat()}" if self.expires else ""
                return f"{by}: valid{until}"
            case AcceptanceState.EXPIRED:
                assert self.expires is not None
                return f"{by}: expired on {self.expires.isoformat()}"
            case AcceptanceState.STALE:
                return f"{by}: stale ({self.stale_reason})"
            case AcceptanceState.INVALID:
                return f"{by}: INVALID ({'; '.join(self.problems)})"


def _row_differences(row: RiskAcceptance, payload: AcceptancePayload, ref: str) -> list[str]:
    claimed = {
        "kind": (row.kind.value, payload.kind),
        "risk": (ref, payload.risk),
        "snapshot hash": (row.snapshot_sha256, payload.snapshot_sha256),
        "method version": (row.method_version, payload.method_version),
        "key fingerprint": (row.key_fingerprint, payload.signer_fingerprint),
        "time": (row.signed_at.isoformat(), payload.signed_at),
        "expiry": (row.expires.isoformat() if row.expires else None, payload.expires),
        "comment": (row.comment, payload.comment),
    }
    return [name for name, (stored, signed) in claimed.items() if stored != signed]


def signer_key(session: Session, signer_id: int, fingerprint: str) -> tuple[Person | None, bytes]:
    """The signer and the public key to check their signature with: the key record of theirs
    with that fingerprint, current or retired, that the audit log recorded as added (empty
    when there is none)."""
    person = people.people_by_id(session, {signer_id}).get(signer_id)
    if person is None:
        return person, b""
    claims = keys.key_claims(session, signer_id)
    for key in keys.keys_of(session, [signer_id]):
        if key.fingerprint == fingerprint and keys.check_key(key, claims) is None:
            return person, key.public_key
    return person, b""


def check_row(
    session: Session,
    row: RiskAcceptance,
    risk: Risk | None,
    *,
    current: RiskMethod,
    method_hashes: Mapping[int, str],
    log_hash_at: signing.LogHashAt,
) -> AcceptanceCheck:
    """Check an acceptance's signature, snapshot and the audit log head it covers, and whether
    it is still current."""
    assert row.id is not None
    problems: list[str] = []
    ref = risk.ref if risk is not None else f"risk {row.risk_id}"
    person, key = signer_key(session, row.signer_id, row.key_fingerprint)
    payload: AcceptancePayload | None
    try:
        payload = AcceptancePayload.parse(row.payload)
    except ValueError:
        payload = None
        problems.append("the signed payload was changed and cannot be read")
    if payload is not None:
        changed = _row_differences(row, payload, ref)
        if person is not None and person.name != payload.signer:
            changed.append("signer")
        if changed:
            verb = "differs" if len(changed) == 1 else "differ"
            problems.append(
                f"the acceptance row was changed ({', '.join(changed)} {verb} from what was signed)"
            )
        if not key:
            who = person.name if person else f"person {row.signer_id}"
            problems.append(
                f"unknown key {signing.short_fingerprint(row.key_fingerprint)}: {who}'s key "
                "in this workspace is another one or was changed"
            )
        elif not signing.signature_matches(key, row.payload, row.signature):
            problems.append("the signature was changed: it does not match what was signed")
        if sha256(row.snapshot) != payload.snapshot_sha256:
            problems.append("the snapshot of the risk was changed after it was signed")
        if method_hashes.get(payload.method_version) != payload.method_sha256:
            problems.append(f"risk method version {payload.method_version} was changed")
        if payload.log_entries is not None:
            problems.extend(
                signing.log_head_problems(payload.log_entries, payload.log_head, log_hash_at)
            )
    stale = ""
    if not problems and risk is not None:
        method = methods.method_at(session, row.method_version)
        if row.method_version != current.version:
            stale = f"the risk method changed to version {current.version}"
        elif method is not None and snapshot_text(snapshot_of(session, risk, method)) != (
            row.snapshot
        ):
            stale = f"{risk.ref} was edited after it was signed"
    return AcceptanceCheck(
        id=row.id,
        risk_id=row.risk_id,
        ref=ref,
        kind=row.kind,
        signer=person.name if person else f"person {row.signer_id}",
        signed_at=row.signed_at,
        expires=row.expires,
        comment=row.comment,
        method_version=row.method_version,
        key_fingerprint=row.key_fingerprint,
        problems=tuple(problems),
        stale_reason=stale,
    )


def method_hashes(session: Session) -> dict[int, str]:
    """Each stored method version's SHA-256, recomputed from its data (what verify trusts)."""
    return {
        row.id: sha256(row.data)
        for row in session.exec(select(RiskMethodVersion))
        if row.id is not None
    }


def check_acceptances(
    session: Session,
    rows: Iterable[RiskAcceptance] | None = None,
    *,
    log_hash_at: signing.LogHashAt | None = None,
) -> list[AcceptanceCheck]:
    """Check acceptances (every one when ``rows`` is None), newest of each kind marked.
    ``log_hash_at`` gives the log's entry hashes (default: read from the session)."""
    chosen = list(
        rows
        if rows is not None
        else session.exec(select(RiskAcceptance).order_by(col(RiskAcceptance.id)))
    )
    if not chosen:
        return []
    current = methods.current_method(session)
    hashes = method_hashes(session)
    risks = {
        risk.id: risk
        for risk in session.exec(select(Risk).where(col(Risk.id).in_({r.risk_id for r in chosen})))
    }
    latest = _latest_ids(session, {r.risk_id for r in chosen})
    hash_at = log_hash_at or _signed_heads(session, chosen)
    checks = []
    for row in chosen:
        check = check_row(session, row, risks.get(row.risk_id), current=current,
                          method_hashes=hashes, log_hash_at=hash_at)  # fmt: skip
        superseded = latest.get((row.risk_id, row.kind)) != row.id
        checks.append(replace(check, superseded=superseded))
    return checks


def _signed_heads(session: Session, rows: Iterable[RiskAcceptance]) -> signing.LogHashAt:
    """The log's hashes at the positions these acceptances signed, read in one query: a risk
    table checks thousands at once."""
    positions: set[int] = set()
    for row in rows:
        try:
            signed = AcceptancePayload.parse(row.payload).log_entries
        except ValueError:
            continue  # check_row names it
        if signed is not None:
            positions.add(signed)
    return audit_log.hashes_at(session, positions).get


def _latest_ids(session: Session, risk_ids: set[int]) -> dict[tuple[int, AcceptanceKind], int]:
    rows = session.exec(
        select(RiskAcceptance.risk_id, RiskAcceptance.kind, func.max(RiskAcceptance.id))
        .where(col(RiskAcceptance.risk_id).in_(risk_ids))
        .group_by(col(RiskAcceptance.risk_id), col(RiskAcceptance.kind))
    )
    return {
        (risk_id, AcceptanceKind(kind)): latest
        for risk_id, kind, latest in rows
        if latest is not None
    }


def acceptances_of(workspace: Workspace, ref: str) -> list[AcceptanceCheck]:
    """Every acceptance of one risk, oldest first, checked now."""
    with workspace.read() as session:
        risk = require_risk(session, ref)
        rows = session.exec(
            select(RiskAcceptance)
            .where(RiskAcceptance.risk_id == risk.id)
            .order_by(col(RiskAcceptance.id))
        )
        return check_acceptances(session, list(rows))


def current_acceptances(
    session: Session, risk_ids: set[int] | None = None
) -> dict[tuple[int, AcceptanceKind], AcceptanceCheck]:
    """The newest acceptance of each kind per risk (of the given risks), checked now."""
    statement = select(RiskAcceptance)
    if risk_ids is not None:
        statement = statement.where(col(RiskAcceptance.risk_id).in_(risk_ids))
    latest = _latest_ids(
        session,
        risk_ids
        if risk_ids is not None
        else set(session.exec(select(RiskAcceptance.risk_id).distinct())),
    )
    wanted = set(latest.values())
    rows = [row for row in session.exec(statement) if row.id in wanted]
    return {(check.risk_id, check.kind): check for check in check_acceptances(session, rows)}


def residual_acceptances(
    workspace: Workspace, risk_ids: Iterable[int]
) -> dict[int, AcceptanceCheck]:
    """The newest residual risk acceptance of each of these risks, checked now (for a table
    showing whether each still holds)."""
    with workspace.read() as session:
        found = current_acceptances(session, set(risk_ids))
    return {
        risk_id: check
        for (risk_id, kind), check in found.items()
        if kind is AcceptanceKind.ACCEPTANCE
    }
