"""Ed25519 signatures over approvals, and checking them against the workspace's public keys.

An approval signs a canonical payload: the artifact, the version number, the version's content
SHA-256, the decision, the signer's name and key fingerprint, the time, the comment and the
audit log's head at that moment. The payload is stored beside its signature, and the approval
row repeats its fields so they can be queried. A check recomputes everything an approval
claims: that the row still says what was signed, that the signature verifies with the key the
signer held when signing (a key record the audit log vouches for), that the version's text
still has the signed hash, and that the audit log still holds the head that was signed. Anyone
holding the workspace can run it offline; no private key is needed.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlmodel import Session, col, select

from workbench.models import Approval, Decision, Person, PersonKey, PersonKeyRetirement, Version
from workbench.services.approvals import keys

# Kept importable from here: fingerprints are what a signature names.
from workbench.services.approvals.keys import fingerprint as fingerprint
from workbench.services.approvals.keys import format_fingerprint as format_fingerprint
from workbench.services.approvals.keys import short_fingerprint as short_fingerprint
from workbench.services.common.errors import ServiceError
from workbench.services.register import versioning
from workbench.services.store import audit_log
from workbench.services.store.audit_log import canonical_json
from workbench.services.store.workspace import Workspace

PAYLOAD_TYPE = "grc-workbench/approval"
# 1: the first release; 2: adds the audit log head at signing time.
PAYLOAD_FORMAT = 2
KNOWN_FORMATS = (1, 2)
RAW_KEY_LENGTH = 32


class SigningError(ServiceError):
    """A key or signature that cannot be used; the message is for the user."""


# --- keys and fingerprints ------------------------------------------------------------------


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def raw_public_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )


def public_key_pem(raw_public: bytes) -> bytes:
    key = Ed25519PublicKey.from_public_bytes(raw_public)
    return key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )


def parse_public_key(data: bytes) -> bytes:
    """The raw Ed25519 public key in a PEM, OpenSSH or raw (32 bytes or 64 hex) file."""
    text = data.strip()
    loaded: object = None
    try:
        if b"-----BEGIN" in text:
            loaded = serialization.load_pem_public_key(text)
        elif text.startswith(b"ssh-"):
            loaded = serialization.load_ssh_public_key(text)
        elif len(data) == RAW_KEY_LENGTH:
            return bytes(data)
        elif len(text) == 2 * RAW_KEY_LENGTH:
            return bytes.fromhex(text.decode("ascii"))
    except (ValueError, UnicodeDecodeError, UnsupportedAlgorithm) as error:
        raise SigningError(f"the file does not hold a readable public key ({error})") from error
    if loaded is None:
        raise SigningError("the file does not hold a public key (expected a PEM public key)")
    if not isinstance(loaded, Ed25519PublicKey):
        raise SigningError("the file holds a public key, but not an Ed25519 signing key")
    return raw_public_key(loaded)


def sign(key: Ed25519PrivateKey, payload: str) -> bytes:
    return key.sign(payload.encode("utf-8"))


def signature_matches(raw_public: bytes, payload: str, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(raw_public).verify(signature, payload.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return False
    return True


# --- the signed payload ---------------------------------------------------------------------


def log_claim(data: dict[str, Any]) -> tuple[int | None, str | None]:
    """The audit-log head a format-2 payload names (entries, last hash); none before format 2.

    Raises:
        KeyError, TypeError, ValueError: the payload names it incompletely.
    """
    if data["format"] < 2:
        return None, None
    log = data["audit_log"]
    return int(log["entries"]), str(log["head"])


def with_log_claim(data: dict[str, Any], entries: int | None, head: str | None) -> dict[str, Any]:
    """``data`` naming the audit-log head it was signed over, when there is one."""
    if entries is not None:
        data["audit_log"] = {"entries": entries, "head": head}
    return data


@dataclass(frozen=True)
class SignedPayload:
    """What an approver signs. ``signed_at`` is the ISO 8601 UTC time as it was signed.

    Format 2 adds the audit log's head at signing time (its number of entries and the hash of
    the last one), so each signature also vouches for the log up to that point: a log cut
    short or rewritten behind the workbench's back no longer holds the entry the signature
    names. Format 1 (the first release) is still read and checked as it was signed.
    """

    artifact_id: int
    version: int
    content_sha256: str
    decision: str
    signer: str
    signer_fingerprint: str
    signed_at: str
    comment: str
    log_entries: int | None = None
    log_head: str | None = None

    @property
    def format(self) -> int:
        return 1 if self.log_entries is None else PAYLOAD_FORMAT

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "type": PAYLOAD_TYPE,
            "format": self.format,
            "artifact_id": self.artifact_id,
            "version": self.version,
            "content_sha256": self.content_sha256,
            "decision": self.decision,
            "signer": self.signer,
            "signer_fingerprint": self.signer_fingerprint,
            "signed_at": self.signed_at,
            "comment": self.comment,
        }
        return canonical_json(with_log_claim(data, self.log_entries, self.log_head))

    @classmethod
    def parse(cls, text: str) -> SignedPayload:
        """Raises ValueError when the text is not a payload this release understands."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("type") != PAYLOAD_TYPE:
            raise ValueError("not an approval payload")
        if data.get("format") not in KNOWN_FORMATS:
            raise ValueError(f"unknown payload format {data.get('format')!r}")
        try:
            log_entries, log_head = log_claim(data)
            return cls(
                artifact_id=int(data["artifact_id"]),
                version=int(data["version"]),
                content_sha256=str(data["content_sha256"]),
                decision=str(data["decision"]),
                signer=str(data["signer"]),
                signer_fingerprint=str(data["signer_fingerprint"]),
                signed_at=str(data["signed_at"]),
                comment=str(data["comment"]),
                log_entries=log_entries,
                log_head=log_head,
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"incomplete approval payload ({error})") from error


# --- checking approvals ---------------------------------------------------------------------


class SignatureState(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNSIGNED = "unsigned"


@dataclass(frozen=True)
class ApprovalCheck:
    """One approval and what checking its signature found (no problems: valid)."""

    approval_id: int
    artifact_id: int
    version: int
    signer: str
    role: str
    decision: Decision
    signed_at: datetime
    key_fingerprint: str
    comment: str
    problems: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        return "; ".join(self.problems)


# The hash of the n-th audit log entry (counting from 1), or None when the log is shorter.
LogHashAt = Callable[[int], "str | None"]


@dataclass
class SignerKeys:
    """The signers' key records, their retirements, and why any of them cannot be trusted."""

    keys: dict[int, list[PersonKey]]
    retired: dict[int, PersonKeyRetirement]
    problems: dict[int, str]

    @classmethod
    def load(cls, session: Session, person_ids: Iterable[int]) -> SignerKeys:
        ids = set(person_ids)
        records = keys.keys_of(session, ids)
        claims = keys.key_claims(session) if records else keys.KeyClaims()
        by_person: dict[int, list[PersonKey]] = {}
        problems: dict[int, str] = {}
        for key in records:
            assert key.id is not None
            by_person.setdefault(key.person_id, []).append(key)
            problem = keys.check_key(key, claims)
            if problem is not None:
                problems[key.id] = problem
        retired = keys.retirements(session, [key.id for key in records if key.id is not None])
        return cls(by_person, retired, problems)


def _row_differences(approval: Approval, payload: SignedPayload) -> list[str]:
    claimed = {
        "artifact": (approval.artifact_id, payload.artifact_id),
        "version": (approval.version_number, payload.version),
        "content hash": (approval.content_sha256, payload.content_sha256),
        "decision": (approval.decision.value, payload.decision),
        "key fingerprint": (approval.key_fingerprint, payload.signer_fingerprint),
        "time": (approval.signed_at.isoformat(), payload.signed_at),
        "comment": (approval.comment, payload.comment),
    }
    return [name for name, (row, signed) in claimed.items() if row != signed]


def check_approval(
    approval: Approval,
    *,
    signer: Person | None,
    signer_keys: SignerKeys,
    version: Version | None,
    content_hash: str | None,
    log_hash_at: LogHashAt,
) -> ApprovalCheck:
    """Check one approval row. ``content_hash`` is the recomputed hash of the version's text
    (None when the text cannot be read)."""
    assert approval.id is not None
    problems: list[str] = []
    payload: SignedPayload | None
    try:
        payload = SignedPayload.parse(approval.payload)
    except ValueError:
        payload = None
        problems.append("the signed payload was changed and cannot be read")
    if payload is not None:
        changed = _row_differences(approval, payload)
        if signer is not None and signer.name != payload.signer:
            changed.append("signer")
        if changed:
            verb = "differs" if len(changed) == 1 else "differ"
            problems.append(
                f"the approval row was changed ({', '.join(changed)} {verb} from what was signed)"
            )
    if version is None or (
        payload is not None
        and (version.artifact_id, version.number) != (payload.artifact_id, payload.version)
    ):
        problems.append("the approval row was changed (it points at another version)")
    key, key_problems = _signing_key(approval, signer, signer_keys)
    problems.extend(key_problems)
    if key is not None and payload is not None and not key_problems:
        if not signature_matches(key.public_key, approval.payload, approval.signature):
            problems.append("the signature was changed: it does not match what was signed")
    if payload is not None and version is not None:
        if version.content_sha256 != payload.content_sha256:
            problems.append("the version's content hash was changed after it was signed")
        elif content_hash != payload.content_sha256:
            problems.append("the version's content was changed after it was signed")
    if payload is not None and payload.log_entries is not None:
        problems.extend(_log_problems(payload, log_hash_at))
    return ApprovalCheck(
        approval_id=approval.id,
        artifact_id=approval.artifact_id,
        version=approval.version_number,
        signer=signer.name if signer is not None else f"person {approval.signer_id}",
        role=signer.role if signer is not None else "",
        decision=approval.decision,
        signed_at=approval.signed_at,
        key_fingerprint=approval.key_fingerprint,
        comment=approval.comment,
        problems=tuple(problems),
    )


def _signing_key(
    approval: Approval, signer: Person | None, signer_keys: SignerKeys
) -> tuple[PersonKey | None, list[str]]:
    """The key record the approval was made with, and why it cannot vouch for it."""
    short = short_fingerprint(approval.key_fingerprint)
    if signer is None or signer.id is None:
        return None, [f"unknown key {short}: the signer is not in this workspace"]
    held = signer_keys.keys.get(signer.id, [])
    matching = [key for key in held if key.fingerprint == approval.key_fingerprint]
    if not matching:
        if not held:
            return None, [f"unknown key {short}: {signer.name} has no public key in this workspace"]
        return None, [f"unknown key {short}: {signer.name} never held this key in this workspace"]
    key = matching[-1]
    assert key.id is not None
    problem = signer_keys.problems.get(key.id)
    if problem is not None:
        return key, [f"{signer.name}'s {problem}"]
    retirement = signer_keys.retired.get(key.id)
    if not keys.used_at(key, retirement, approval.signed_at):
        until = f" to {retirement.retired_at:%Y-%m-%d %H:%M}" if retirement else ""
        return key, [
            f"{signer.name}'s key {short} was not in use when this was signed "
            f"(in use from {key.created_at:%Y-%m-%d %H:%M}{until} UTC)"
        ]
    return key, []


def _log_problems(payload: SignedPayload, log_hash_at: LogHashAt) -> list[str]:
    assert payload.log_entries is not None
    return log_head_problems(payload.log_entries, payload.log_head, log_hash_at)


def log_head_problems(entries: int, head: str | None, log_hash_at: LogHashAt) -> list[str]:
    """Why the audit log no longer holds the head a signature covers (``entries`` entries, the
    last with hash ``head``); empty when it still does. Risk acceptances sign the head too."""
    found = log_hash_at(entries)
    if found is None:
        return [f"the audit log was cut short: it held {entries} entries when this was signed"]
    if found != head:
        return [
            f"the audit log was rewritten: its entry {entries} is not the one this signature covers"
        ]
    return []


@dataclass(frozen=True)
class SignatureStatus:
    """The signatures on one version: valid, invalid (with the reason) or unsigned."""

    artifact_id: int
    version: int
    checks: tuple[ApprovalCheck, ...]

    @property
    def state(self) -> SignatureState:
        if not self.checks:
            return SignatureState.UNSIGNED
        if any(not check.valid for check in self.checks):
            return SignatureState.INVALID
        return SignatureState.VALID

    @property
    def valid(self) -> bool:
        return self.state is SignatureState.VALID

    @property
    def reason(self) -> str:
        """Why the status is invalid, naming the signer; empty when valid or unsigned."""
        return "; ".join(
            f"{check.signer}'s {check.decision.value} signature: {check.reason}"
            for check in self.checks
            if not check.valid
        )

    def describe(self) -> str:
        match self.state:
            case SignatureState.UNSIGNED:
                return "not signed"
            case SignatureState.VALID:
                count = len(self.checks)
                return f"valid ({count} signature{'s' if count != 1 else ''} verified)"
            case SignatureState.INVALID:
                return f"INVALID: {self.reason}"


def check_approvals(
    session: Session,
    approvals: Iterable[Approval],
    content_hashes: Mapping[int, str | None],
    *,
    log_hash_at: LogHashAt | None = None,
) -> list[ApprovalCheck]:
    """Check approvals; ``content_hashes`` maps version ids to their recomputed text hash."""
    rows = list(approvals)
    signer_ids = {a.signer_id for a in rows}
    people = {
        person.id: person
        for person in session.exec(select(Person).where(col(Person.id).in_(signer_ids)))
    }
    signer_keys = SignerKeys.load(session, signer_ids)
    versions = {
        version.id: version
        for version in session.exec(
            select(Version).where(col(Version.id).in_({a.version_id for a in rows}))
        )
    }
    return [
        check_approval(
            approval,
            signer=people.get(approval.signer_id),
            signer_keys=signer_keys,
            version=versions.get(approval.version_id),
            content_hash=content_hashes.get(approval.version_id),
            log_hash_at=log_hash_at or partial(audit_log.hash_at, session),
        )
        for approval in rows
    ]


def _stored_hash(session: Session, version: Version) -> str | None:
    try:
        return versioning.content_sha256(versioning.stored_text(session, version))
    except (ValueError, zlib.error, UnicodeDecodeError):
        return None


def signature_status(workspace: Workspace, artifact_id: int, version: int) -> SignatureStatus:
    """Check every signature on one version of an artifact, against the rows as they are now."""
    with workspace.read() as session:
        approvals = list(
            session.exec(
                select(Approval)
                .where(Approval.artifact_id == artifact_id, Approval.version_number == version)
                .order_by(col(Approval.signed_at), col(Approval.id))
            )
        )
        versions = session.exec(
            select(Version).where(col(Version.id).in_({a.version_id for a in approvals}))
        )
        hashes = {row.id: _stored_hash(session, row) for row in versions if row.id is not None}
        checks = check_approvals(session, approvals, hashes)
    return SignatureStatus(artifact_id, version, tuple(checks))
