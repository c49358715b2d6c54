"""People who own, review and approve artifacts, and their signing identities.

Creating a signing identity makes an Ed25519 key pair: the private key goes to this computer's key
store (:mod:`workbench.services.approvals.keystore`), encrypted with the person's passphrase; the
public key and its fingerprint go into the workspace as a key record
(:mod:`workbench.services.approvals.keys`), so anyone holding the workspace can check the
person's signatures. A public key can be exported to a file and imported in another workspace, for
an approver who signs on their own laptop. A key is replaced only by rotating it: the old record
is retired, never overwritten, so what it signed stays verifiable.

A person who leaves is retired, never deleted: their signatures must stay verifiable, but they are
asked for nothing new.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, func, select

from workbench.models import Approval, Person, PersonKey, ReviewRequest, ReviewStatus, utc_now
from workbench.services.approvals import keys, keystore, signing
from workbench.services.common import text
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
    key_fingerprint: str | None  # of the current key
    created_at: datetime
    key_id: int | None = None
    retired_at: datetime | None = None

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def can_be_verified(self) -> bool:
        """The workspace holds this person's current public key."""
        return self.key_fingerprint is not None

    @property
    def can_sign_here(self) -> bool:
        """This computer's key store holds the private key of the person's current key."""
        return keystore.has_private_key(self.key_fingerprint)

    @property
    def fingerprint_text(self) -> str:
        return signing.format_fingerprint(self.key_fingerprint) if self.key_fingerprint else ""


def _info(person: Person, key: PersonKey | None) -> PersonInfo:
    assert person.id is not None
    return PersonInfo(
        id=person.id,
        name=person.name,
        role=person.role,
        email=person.email,
        key_fingerprint=key.fingerprint if key is not None else None,
        created_at=person.created_at,
        key_id=key.id if key is not None else None,
        retired_at=person.retired_at,
    )


def _info_of(session: Session, person: Person) -> PersonInfo:
    assert person.id is not None
    return _info(person, keys.current_key(session, person.id))


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
        people = list(session.exec(select(Person).order_by(func.lower(Person.name))))
        current = keys.current_keys(session)
        return [_info(person, current.get(person.id or 0)) for person in people]


def get_person(workspace: Workspace, name: str) -> PersonInfo:
    with workspace.read() as session:
        return _info_of(session, _require(session, name))


def list_keys(workspace: Workspace, name: str) -> list[keys.KeyInfo]:
    """Every key the person held, oldest first, with its status (current or retired) and how
    many signatures it made."""
    with workspace.read() as session:
        person = _require(session, name)
        assert person.id is not None
        records = keys.keys_of(session, [person.id])
        retired = keys.retirements(session, [key.id for key in records if key.id is not None])
        counts = dict(
            session.exec(
                select(Approval.key_fingerprint, func.count())
                .where(Approval.signer_id == person.id)
                .group_by(col(Approval.key_fingerprint))
            ).all()
        )
        current = keys.current_key(session, person.id)
        return [
            keys.info(
                key,
                retired.get(key.id or 0),
                signatures=counts.get(key.fingerprint, 0),
                current=current is not None and key.id == current.id,
            )
            for key in records
        ]


def _check_new(session: Session, name: str, email: str) -> str:
    cleaned = " ".join(text.single_line(name, "name").split())
    if not cleaned:
        raise PersonError("a person needs a name")
    if find(session, cleaned) is not None:
        raise PersonError(f"there is already a person named '{cleaned}'")
    address = text.single_line(email, "e-mail address")
    if address and "@" not in address:
        raise PersonError(f"'{address}' is not an e-mail address")
    return cleaned


def _new_identity(passphrase: str) -> tuple[bytes, str, str]:
    """Generate and store a key pair; returns the raw public key, fingerprint and key file."""
    keystore.check_passphrase(passphrase)
    key = signing.generate_key()
    raw = signing.raw_public_key(key)
    fingerprint = signing.fingerprint(raw)
    path = keystore.store_private_key(key, fingerprint, passphrase)
    return raw, fingerprint, str(path)


@contextmanager
def _new_private_key(passphrase: str | None) -> Iterator[tuple[bytes, str] | None]:
    """A new key pair in the key store for the block, removed again if the block fails."""
    if passphrase is None:
        yield None
        return
    raw, fingerprint, _ = _new_identity(passphrase)
    try:
        yield raw, fingerprint
    except BaseException:
        keystore.remove_private_key(fingerprint)
        raise


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
        TextError: a field holds a control or direction character.
        KeyStoreError: the passphrase is too short or the key cannot be stored.
    """
    role = text.single_line(role, "role")
    with workspace.read() as session:
        _check_new(session, name, email)
    with (
        _new_private_key(passphrase) as identity,
        run_write(
            workspace, actor=actor, action="person.add", entity="person", durable=True
        ) as write,
    ):
        session = write.session
        cleaned = _check_new(session, name, email)
        person = Person(name=cleaned, role=role, email=email.strip())
        session.add(person)
        session.flush()
        assert person.id is not None
        key = None
        if identity is not None:
            key = keys.add_key(session, person_id=person.id, raw=identity[0], actor=actor)
        write.entity_id = person.id
        write.summary.update(name=person.name, role=person.role, email=person.email,
                             key_fingerprint=None)  # fmt: skip
        if key is not None:
            write.summary.update(keys.key_summary(key))
        write.changed(people=[person.id])
        info = _info(person, key)
    return write.changes, info


def _refuse_if_keyed(session: Session, person: Person) -> None:
    assert person.id is not None
    current = keys.current_key(session, person.id)
    if current is not None:
        raise PersonError(
            f"{person.name} already has the signing key "
            f"{signing.short_fingerprint(current.fingerprint)}; rotate the key to replace it "
            "(workbench person rotate-key)"
        )


def create_identity(
    workspace: Workspace, *, actor: str, name: str, passphrase: str
) -> tuple[ChangeSet, PersonInfo]:
    """Create a signing identity for a person who has no current key."""
    with workspace.read() as session:
        _refuse_if_keyed(session, _require(session, name))
    with (
        _new_private_key(passphrase) as identity,
        run_write(
            workspace, actor=actor, action="person.create_key", entity="person", durable=True
        ) as write,
    ):
        assert identity is not None
        session = write.session
        person = _require(session, name)
        _refuse_if_keyed(session, person)
        assert person.id is not None
        key = keys.add_key(session, person_id=person.id, raw=identity[0], actor=actor)
        write.entity_id = person.id
        write.summary.update(name=person.name, **keys.key_summary(key))
        write.changed(people=[person.id])
        info = _info(person, key)
    return write.changes, info


def _parsed_key(key_data: bytes, expected_fingerprint: str | None) -> bytes:
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
    return raw


def rotate_key(
    workspace: Workspace,
    *,
    actor: str,
    name: str,
    passphrase: str | None = None,
    key_data: bytes | None = None,
    expected_fingerprint: str | None = None,
    reason: str = "",
) -> tuple[ChangeSet, PersonInfo]:
    """Retire a person's current key and give them a new one, in one write: a new key pair
    made here (``passphrase``) or a public key made on their own computer (``key_data``).
    Signatures made with the old key stay valid; from now on only the new key signs."""
    if (passphrase is None) == (key_data is None):
        raise PersonError("give either a passphrase for a new key or a public key to import")
    raw = _parsed_key(key_data, expected_fingerprint) if key_data is not None else None
    why = text.multi_line(reason, "reason")
    with (
        _new_private_key(passphrase) as identity,
        run_write(
            workspace, actor=actor, action="person.rotate_key", entity="person", durable=True
        ) as write,
    ):
        session = write.session
        person = _require(session, name)
        assert person.id is not None
        old = keys.current_key(session, person.id)
        if old is None:
            raise PersonError(f"{person.name} has no signing key to rotate; create one instead")
        new_raw = identity[0] if identity is not None else raw
        assert new_raw is not None
        if signing.fingerprint(new_raw) == old.fingerprint:
            raise PersonError(f"{person.name} already has this public key")
        keys.retire_key(session, old, actor=actor, reason=why or "rotated")
        key = keys.add_key(session, person_id=person.id, raw=new_raw, actor=actor)
        write.entity_id = person.id
        write.summary.update(
            name=person.name, retired=keys.key_summary(old), reason=why, **keys.key_summary(key)
        )
        write.changed(people=[person.id])
        info = _info(person, key)
    return write.changes, info


def retire_key(
    workspace: Workspace, *, actor: str, name: str, reason: str = ""
) -> tuple[ChangeSet, PersonInfo]:
    """End the use of a person's current key (lost, left the company) without a new one."""
    why = text.multi_line(reason, "reason")
    with run_write(workspace, actor=actor, action="person.retire_key", entity="person") as write:
        session = write.session
        person = _require(session, name)
        assert person.id is not None
        old = keys.current_key(session, person.id)
        if old is None:
            raise PersonError(f"{person.name} has no signing key to retire")
        keys.retire_key(session, old, actor=actor, reason=why)
        write.entity_id = person.id
        write.summary.update(name=person.name, retired=keys.key_summary(old), reason=why)
        write.changed(people=[person.id])
        info = _info_of(session, person)
    return write.changes, info


def export_public_key(workspace: Workspace, name: str, target: Path) -> PersonInfo:
    """Write a person's current public key as PEM, for another workspace to import."""
    with workspace.read() as session:
        person = _require(session, name)
        assert person.id is not None
        key = keys.current_key(session, person.id)
        info = _info(person, key)
    if key is None:
        raise PersonError(f"{info.name} has no signing identity yet")
    from workbench.services.common.fileio import atomic_path

    try:
        with atomic_path(target) as temporary:
            temporary.write_bytes(signing.public_key_pem(key.public_key))
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
    on their computer. ``expected_fingerprint``, when given, must match the key. A person who
    has a key already gets a new one by :func:`rotate_key` only."""
    raw = _parsed_key(key_data, expected_fingerprint)
    fingerprint = signing.fingerprint(raw)
    role = text.single_line(role, "role")
    with run_write(
        workspace, actor=actor, action="person.import_key", entity="person", durable=True
    ) as write:
        session = write.session
        person = find(session, name)
        added = person is None
        if person is None:
            person = Person(name=_check_new(session, name, email), role=role,
                            email=email.strip())  # fmt: skip
            session.add(person)
            session.flush()
        assert person.id is not None
        current = keys.current_key(session, person.id)
        if current is not None and current.fingerprint == fingerprint:
            raise PersonError(f"{person.name} already has this public key")
        _refuse_if_keyed(session, person)
        key = keys.add_key(session, person_id=person.id, raw=raw, actor=actor)
        write.entity_id = person.id
        write.summary.update(name=person.name, added=added, **keys.key_summary(key))
        write.changed(people=[person.id])
        info = _info(person, key)
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
        info = _info_of(session, person)
    return write.changes, info


def people_by_id(session: Session, ids: set[int]) -> dict[int, Person]:
    return {
        person.id: person
        for person in session.exec(select(Person).where(col(Person.id).in_(ids)))
        if person.id is not None
    }
