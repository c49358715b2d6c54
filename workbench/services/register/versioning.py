"""Immutable versions of an artifact's Markdown, each hash-chained to the one before.

A version's content is stored compressed with its SHA-256. Its chain hash covers the
previous version's chain hash, this content hash and this version's metadata, so a change to
any version's text or metadata behind the app's back is found by :func:`verify_versions`.
Nothing here ever rewrites history; saving a version as a user action (which also cancels a
pending review) is :mod:`workbench.services.documents.editing`.

Storage: every ``FULL_EVERY``-th version (1, 17, 33, ...) holds the whole text; the others
hold only what changed from the version before (the lines between the unchanged head and
tail), so a long-lived document with small edits stays small. Content hashes always cover the
whole text.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from workbench.models import Artifact, Version, utc_now
from workbench.services.common.errors import ServiceError
from workbench.services.common.lru import LruCache
from workbench.services.store.audit_log import canonical_json
from workbench.services.store.workspace import Workspace, session_cache

GENESIS_CHAIN = "0" * 64


class VersionError(ServiceError):
    """A version request that cannot be met; the message is for the user."""


class UnchangedContent(VersionError):
    """Saving text identical to the latest version makes no version."""


def content_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_digest(
    *,
    prev_chain: str,
    content_hash: str,
    artifact_id: int,
    number: int,
    author: str,
    created_at: datetime,
    comment: str,
) -> str:
    material = canonical_json(
        [prev_chain, content_hash, artifact_id, number, author, created_at.isoformat(), comment]
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


FULL_EVERY = 16
DELTA_MARK = b"D"
_CACHE_SIZE = 64


def _recent_texts(session: Session) -> LruCache[str]:
    """Recently read or written texts by chain hash (unique per version), so saving after
    opening a document does not rebuild the text from its deltas again."""
    return session_cache(session, "version_texts", lambda: LruCache[str](_CACHE_SIZE))


def compress(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), level=6)


def decompress(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


def encode_delta(previous: str, current: str, *, base: int) -> bytes:
    old = previous.splitlines(keepends=True)
    new = current.splitlines(keepends=True)
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    middle = "".join(new[head : len(new) - tail])
    payload = json.dumps({"base": base, "head": head, "tail": tail, "middle": middle})
    return DELTA_MARK + zlib.compress(payload.encode("utf-8"), level=6)


def is_delta(blob: bytes) -> bool:
    return blob[:1] == DELTA_MARK


def decode(blob: bytes, previous: tuple[int, str] | None) -> str:
    """A version's text from its blob and, for a delta, the version before it (number, text)."""
    if not is_delta(blob):
        return decompress(blob)
    delta = json.loads(zlib.decompress(blob[1:]).decode("utf-8"))
    if previous is None or previous[0] != delta["base"]:
        raise ValueError(f"stored as a change to version {delta['base']}, which is not there")
    old = previous[1].splitlines(keepends=True)
    kept_tail = old[len(old) - delta["tail"] :] if delta["tail"] else []
    return "".join(old[: delta["head"]]) + str(delta["middle"]) + "".join(kept_tail)


def _text_of(session: Session, version: Version, *, use_cache: bool = True) -> str:
    """Rebuild a version's text from the last full version before it."""
    recent = _recent_texts(session)
    cached = recent.get(version.chain_hash) if use_cache else None
    if cached is not None:
        return cached
    first_full = ((version.number - 1) // FULL_EVERY) * FULL_EVERY + 1
    chain = session.exec(
        select(Version)
        .where(
            Version.artifact_id == version.artifact_id,
            col(Version.number) >= first_full,
            col(Version.number) <= version.number,
        )
        .order_by(col(Version.number))
    )
    previous: tuple[int, str] | None = None
    for link in chain:
        hit = recent.get(link.chain_hash) if use_cache else None
        text = hit if hit is not None else decode(link.content_z, previous)
        previous = (link.number, text)
    assert previous is not None and previous[0] == version.number
    if use_cache:
        recent.put(version.chain_hash, previous[1])
    return previous[1]


def stored_text(session: Session, version: Version) -> str:
    """A version's text as the rows hold it now, bypassing the in-memory cache: for checks that
    must see a row changed behind the app's back (signature status). Raises ValueError,
    zlib.error or UnicodeDecodeError when the stored text cannot be read."""
    return _text_of(session, version, use_cache=False)


@dataclass(frozen=True)
class VersionInfo:
    """A version without its text: what the history list shows."""

    artifact_id: int
    number: int
    content_sha256: str
    chain_hash: str
    author: str
    comment: str
    created_at: datetime

    @property
    def short_hash(self) -> str:
        return self.content_sha256[:12]


@dataclass(frozen=True)
class VersionText:
    info: VersionInfo
    content: str


def _info(version: Version) -> VersionInfo:
    return VersionInfo(
        artifact_id=version.artifact_id,
        number=version.number,
        content_sha256=version.content_sha256,
        chain_hash=version.chain_hash,
        author=version.author,
        comment=version.comment,
        created_at=version.created_at,
    )


def _latest(session: Session, artifact_id: int) -> Version | None:
    statement = (
        select(Version)
        .where(Version.artifact_id == artifact_id)
        .order_by(col(Version.number).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def append_version(
    session: Session, *, artifact: Artifact, content: str, author: str, comment: str
) -> Version:
    """Add the next version inside the caller's transaction (the caller logs the write)."""
    assert artifact.id is not None
    latest = _latest(session, artifact.id)
    number = 1 if latest is None else latest.number + 1
    created_at = utc_now()
    digest = content_sha256(content)
    if latest is None or (number - 1) % FULL_EVERY == 0:
        blob = compress(content)
    else:
        blob = encode_delta(_text_of(session, latest), content, base=latest.number)
    version = Version(
        artifact_id=artifact.id,
        number=number,
        content_z=blob,
        content_sha256=digest,
        chain_hash=chain_digest(
            prev_chain=latest.chain_hash if latest else GENESIS_CHAIN,
            content_hash=digest,
            artifact_id=artifact.id,
            number=number,
            author=author,
            created_at=created_at,
            comment=comment,
        ),
        author=author,
        comment=comment,
        created_at=created_at,
    )
    session.add(version)
    artifact.updated_at = created_at
    session.add(artifact)
    session.flush()
    _recent_texts(session).put(version.chain_hash, content)
    return version


def get_version(
    workspace: Workspace, artifact_id: int, number: int | None = None, *, use_cache: bool = True
) -> VersionText:
    """A version's text; the latest when ``number`` is None. ``use_cache=False`` rebuilds it
    from the rows as they are now (for renderings that must show what the workspace holds)."""
    with workspace.read() as session:
        if number is None:
            version = _latest(session, artifact_id)
        else:
            version = session.exec(
                select(Version).where(Version.artifact_id == artifact_id, Version.number == number)
            ).first()
        if version is None:
            which = "any version" if number is None else f"version {number}"
            raise VersionError(f"artifact {artifact_id} has no {which}")
        try:
            text = _text_of(session, version, use_cache=use_cache)
        except (zlib.error, ValueError, KeyError, UnicodeDecodeError) as error:
            raise VersionError(
                f"version {version.number} of artifact {artifact_id} cannot be read: "
                "the workspace is damaged (run workbench verify)"
            ) from error
    return VersionText(_info(version), text)


def latest_texts(workspace: Workspace, artifact_ids: Sequence[int]) -> dict[int, str]:
    """The latest version's text of each artifact, in one read (a page of the register);
    artifacts without a readable version are left out (verify reports those)."""
    texts: dict[int, str] = {}
    with workspace.read() as session:
        for artifact_id in artifact_ids:
            version = _latest(session, artifact_id)
            if version is None:
                continue
            try:
                texts[artifact_id] = _text_of(session, version)
            except (zlib.error, ValueError, KeyError, UnicodeDecodeError):
                continue
    return texts


def history(workspace: Workspace, artifact_id: int) -> list[VersionInfo]:
    """Every version of an artifact, newest first, without the text."""
    statement = (
        sa_select(
            col(Version.artifact_id),
            col(Version.number),
            col(Version.content_sha256),
            col(Version.chain_hash),
            col(Version.author),
            col(Version.comment),
            col(Version.created_at),
        )
        .where(col(Version.artifact_id) == artifact_id)
        .order_by(col(Version.number).desc())
    )
    with workspace.read() as session:
        return [VersionInfo(*row) for row in session.execute(statement)]


def latest_number(workspace: Workspace, artifact_id: int) -> int | None:
    with workspace.read() as session:
        value = session.exec(
            select(func.max(Version.number)).where(Version.artifact_id == artifact_id)
        ).one()
    return int(value) if value is not None else None


@dataclass(frozen=True)
class VersionProblem:
    artifact_id: int
    number: int
    message: str

    def __str__(self) -> str:
        return f"artifact {self.artifact_id} version {self.number}: {self.message}"


def verify_versions(session: Session) -> list[VersionProblem]:
    """Recompute every content hash and chain; name each version that does not match."""
    problems: list[VersionProblem] = []
    statement = select(Version).order_by(col(Version.artifact_id), col(Version.number))
    previous: tuple[int, int, str] | None = None  # artifact, number, chain
    previous_text: tuple[int, str] | None = None  # number, text, within the same artifact
    for version in session.exec(statement):
        if previous is None or previous[0] != version.artifact_id:
            expected_number, prev_chain = 1, GENESIS_CHAIN
            previous_text = None
        else:
            expected_number, prev_chain = previous[1] + 1, previous[2]
        if version.number != expected_number:
            problems.append(
                VersionProblem(
                    version.artifact_id,
                    version.number,
                    f"follows a missing version (expected number {expected_number})",
                )
            )
        try:
            text = decode(version.content_z, previous_text)
            actual = content_sha256(text)
        except (zlib.error, ValueError, KeyError, UnicodeDecodeError):
            text, actual = "", ""
        previous_text = (version.number, text)
        if actual != version.content_sha256:
            problems.append(
                VersionProblem(version.artifact_id, version.number, "its content was changed")
            )
        recomputed = chain_digest(
            prev_chain=prev_chain,
            content_hash=version.content_sha256,
            artifact_id=version.artifact_id,
            number=version.number,
            author=version.author,
            created_at=version.created_at,
            comment=version.comment,
        )
        if recomputed != version.chain_hash:
            problems.append(
                VersionProblem(
                    version.artifact_id,
                    version.number,
                    "its metadata or the chain before it was changed",
                )
            )
        previous = (version.artifact_id, version.number, version.chain_hash)
    return problems
