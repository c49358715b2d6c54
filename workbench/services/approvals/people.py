"""People who own, review and approve artifacts, and their signing identities.

Creating a signing identity makes an Ed25519 key pair: the private key goes to this computer's key
store (:mod:`workbench.services.approvals.keystore`), encrypted with the person's passphrase; the
public key and its fingerprint go into the workspace, so anyone holding the workspace can check the
person's signatures. A public key can be exported to a file and imported in another workspace, for
an approver who signs on their own laptop.

A person who leaves is retired, never deleted: their signatures must stay verifiable, but they are
asked for nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, func, select

from workbench.models import Approval, Person, ReviewRequest, ReviewStatus, utc_now
from workbench.services.approvals import keystore, signing
from workbench.services.common.errors import ServiceError
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.services.store.writes import run_write


class PersonError(ServiceError):
    """A request about a person that cannot be met; the message is for the user."""


@dataclass(frozen=True)
class PersonInfo:
    id: int
    name: str
    role: str
    email: str
    key_fingerprint: str | None
    created_at: datetime
    retired_at: datetime | None = None

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def can_be_verified(self) -> bool:
        """The workspace holds this person's public key."""
        return self.key_fingerprint is not None

    @property
    def can_sign_here(self) -> bool:
        """This computer's key store holds the person's private key."""
        return keystore.has_private_key(self.key_fingerprint)

    @property
    def fingerprint_text(self) -> str:
        return signing.format_fingerprint(self.key_fingerprint) if self.key_fingerprint else ""


def _info(person: Person) -> PersonInfo:
    assert person.id is not None
    return PersonInfo(
        id=person.id,
        name=person.name,
        role=person.role,
        email=person.email,
        key_fingerprint=person.key_fingerprint if person.public_key else None,
        created_at=person.created_at,
        retired_at=person.retired_at,
    )


def find(session: Session, name: str) -> Person | None:
    """A person by name, ignoring case and surrounding spaces."""
    statement = select(Person).where(func.lower(Person.name) == name.strip().lower())
    return session.exec(statement).first()


def _require(session: Session, name: str) -> Person:
    person = find(session, name)
    if person is None:
        raise PersonError(f"there is no person named '{name.strip()}' in this workspace")
    return person


def list_people(workspace: Workspace) -> list[PersonInfo]:
    with workspace.read() as session:
        people = session.exec(select(Person).order_by(func.lower(Person.name)))
        return [_info(person) for person in people]


def get_person(workspace: Workspace, name: str) -> PersonInfo:
    with workspace.read() as session:
        return _info(_require(session, name))


def _check_new(session: Session, name: str, email: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise PersonError("a person needs a name")
    if find(session, cleaned) is not None:
        raise PersonError(f"there is already a person named '{cleaned}'")
    if email.strip() and "@" not in email:
        raise PersonError(f"'{email.strip()}' is not an e-mail address")
    return cleaned


def _new_identity(passphrase: str) -> tuple[bytes, str, str]:
    """Generate and store a key pair; returns the raw public key, fingerprint and key file."""
    keystore.check_passphrase(passphrase)
    key = signing.generate_key()
    raw = signing.raw_public_key(key)
    fingerprint = signing.fingerprint(raw)
    path = keystore.store_private_key(key, fingerprint, passphrase)
    return raw, fingerprint, str(path)


def add_person(
    workspace: Workspace,
    *,
    actor: str,
    name: str,
    role: str = "",
    email: str = "",
    passphrase: str | None = None,
) -> tuple[ChangeSet, PersonInfo]:
    """Add a person; with a passphrase, also create their signing identity.

    Raises:
        PersonError: the name is empty or taken, or the e-mail is not an address.
        KeyStoreError: the passphrase is too short or the key cannot be stored.
    """
    with workspace.read() as session:
        cleaned = _check_new(session, name, email)
    identity = _new_identity(passphrase) if passphrase is not None else None
    try:
        with run_write(
            workspace, actor=actor, action="person.add", entity="person", durable=True
        ) as write:
            session = write.session
            cleaned = _check_new(session, name, email)
            person = Person(name=cleaned, role=role.strip(), email=email.strip())
            if identity is not None:
                person.public_key, person.key_fingerprint = identity[0], identity[1]
            session.add(person)
            session.flush()
            assert person.id is not None
            write.entity_id = person.id
            write.summary.update(
                name=person.name,
                role=person.role,
                email=person.email,
                key_fingerprint=person.key_fingerprint,
            )
            write.changed(people=[person.id])
            info = _info(person)
    except BaseException:
        if identity is not None:
            keystore.remove_private_key(identity[1])
        raise
    return write.changes, info


def _signed_with(session: Session, person: Person) -> int:
    statement = select(func.count()).where(
        Approval.signer_id == person.id, Approval.key_fingerprint == person.key_fingerprint
    )
    return int(session.exec(statement).one())


def _check_key_replaceable(session: Session, person: Person) -> None:
    if person.public_key and _signed_with(session, person):
        raise PersonError(
            f"{person.name} has already signed with the key "
            f"{signing.short_fingerprint(person.key_fingerprint or '')}; it cannot be replaced"
        )


def create_identity(
    workspace: Workspace, *, actor: str, name: str, passphrase: str
) -> tuple[ChangeSet, PersonInfo]:
    """Create a signing identity for a person who has none (or has not signed with it yet)."""
    with workspace.read() as session:
        _check_key_replaceable(session, _require(session, name))
    raw, fingerprint, _ = _new_identity(passphrase)
    try:
        with run_write(
            workspace, actor=actor, action="person.create_key", entity="person", durable=True
        ) as write:
            session = write.session
            person = _require(session, name)
            _check_key_replaceable(session, person)
            before = person.key_fingerprint if person.public_key else None
            person.public_key, person.key_fingerprint = raw, fingerprint
            session.add(person)
            assert person.id is not None
            write.entity_id = person.id
            write.summary.update(name=person.name, before=before, key_fingerprint=fingerprint)
            write.changed(people=[person.id])
            info = _info(person)
    except BaseException:
        keystore.remove_private_key(fingerprint)
        raise
    return write.changes, info


def export_public_key(workspace: Workspace, name: str, target: Path) -> PersonInfo:
    """Write a person's public key as PEM, for another workspace to import."""
    info = get_person(workspace, name)
    with workspace.read() as session:
        person = _require(session, name)
        raw = person.public_key
    if not raw or info.key_fingerprint is None:
        raise PersonError(f"{info.name} has no signing identity yet")
    from workbench.services.common.fileio import atomic_path

    try:
        with atomic_path(target) as temporary:
            temporary.write_bytes(signing.public_key_pem(raw))
    except OSError as error:
        raise PersonError(f"cannot write {target}: {error.strerror}") from error
    return info


def import_public_key(
    workspace: Workspace,
    *,
    actor: str,
    name: str,
    key_data: bytes,
    role: str = "",
    email: str = "",
    expected_fingerprint: str | None = None,
) -> tuple[ChangeSet, PersonInfo]:
    """Give a person (added when new) a public key signed elsewhere; their private key stays
    on their computer. ``expected_fingerprint``, when given, must match the key."""
    try:
        raw = signing.parse_public_key(key_data)
    except signing.SigningError as error:
        raise PersonError(str(error)) from error
    fingerprint = signing.fingerprint(raw)
    if expected_fingerprint is not None:
        wanted = "".join(expected_fingerprint.split()).upper()
        if not fingerprint.startswith(wanted) or len(wanted) < 16:
            raise PersonError(
                f"the key's fingerprint is {signing.format_fingerprint(fingerprint)}, "
                "not the one given; ask the approver to check"
            )
    with run_write(
        workspace, actor=actor, action="person.import_key", entity="person", durable=True
    ) as write:
        session = write.session
        person = find(session, name)
        added = person is None
        if person is None:
            person = Person(name=_check_new(session, name, email), role=role.strip(),
                            email=email.strip())  # fmt: skip
        else:
            if person.key_fingerprint == fingerprint and person.public_key == raw:
                raise PersonError(f"{person.name} already has this public key")
            _check_key_replaceable(session, person)
        before = person.key_fingerprint if person.public_key else None
        person.public_key, person.key_fingerprint = raw, fingerprint
        session.add(person)
        session.flush()
        assert person.id is not None
        write.entity_id = person.id
        write.summary.update(
            name=person.name, added=added, before=before, key_fingerprint=fingerprint
        )
        write.changed(people=[person.id])
        info = _info(person)
    return write.changes, info


def retire_person(
    workspace: Workspace, *, actor: str, name: str, reason: str = ""
) -> tuple[ChangeSet, PersonInfo]:
    """Mark a person as gone: kept with their key (their signatures still verify), but no longer
    offered as an approver.

    Raises:
        PersonError: no such person, already retired, or reviews still wait for them.
    """
    with run_write(workspace, actor=actor, action="person.retire", entity="person") as write:
        session = write.session
        person = _require(session, name)
        if person.retired_at is not None:
            raise PersonError(f"{person.name} is already retired")
        waiting = session.exec(
            select(func.count()).where(
                ReviewRequest.approver_id == person.id,
                ReviewRequest.status == ReviewStatus.PENDING,
            )
        ).one()
        if waiting:
            raise PersonError(
                f"{waiting} review request(s) still wait for {person.name}; withdraw those "
                "reviews first"
            )
        person.retired_at = utc_now()
        session.add(person)
        assert person.id is not None
        write.entity_id = person.id
        write.summary.update(name=person.name, reason=reason.strip())
        write.changed(people=[person.id])
        info = _info(person)
    return write.changes, info


def people_by_id(session: Session, ids: set[int]) -> dict[int, Person]:
    return {
        person.id: person
        for person in session.exec(select(Person).where(col(Person.id).in_(ids)))
        if person.id is not None
    }
