"""The workspace's file store: each file's bytes once, named by their SHA-256, in chunks.

Files are never held whole in memory. Storing reads a file twice in chunks of
:data:`~workbench.models.CHUNK_SIZE`: once to hash it (outside any transaction, so a large file
does not hold the write lock while it is read), and once inside the caller's write to insert
the chunks, hashing again; a file that changed between the two reads is refused. Reading a
file back fetches one chunk per query. Only portable SQL is used, so the store works the same
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func

from workbench.models import CHUNK_SIZE, Blob, BlobChunk, utc_now
from workbench.services.common.errors import ServiceError

# progress(bytes done, bytes in all) is called after each chunk; returning False cancels.
Progress = Callable[[int, int], bool]
MAX_FILE_SIZE = 200 * 1024 * 1024


class StoreError(ServiceError):
    """A file cannot be stored or read back; the message is for the user."""


class StoreCancelled(StoreError):
    """The user cancelled; nothing was stored."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    new: bool  # False when the same bytes were stored before


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK_SIZE):
        yield chunk


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise StoreCancelled("cancelled; nothing was stored")


def checked_size(path: Path) -> int:
    """The size of a file that may be stored, or a StoreError saying why it may not."""
    try:
        if not path.is_file():
            raise StoreError(f"{path} is not a file")
        size = path.stat().st_size
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from error
    if size > MAX_FILE_SIZE:
        raise StoreError(
            f"{path.name} is {size / 1024 / 1024:.0f} MB; files of up to "
            f"{MAX_FILE_SIZE // 1024 // 1024} MB can be stored"
        )
    return size


def hash_file(path: Path, *, progress: Progress | None = None, total: int | None = None) -> str:
    """The SHA-256 of a file, read in chunks; ``total`` is what progress counts towards."""
    digest = hashlib.sha256()
    done = 0
    try:
        with path.open("rb") as handle:
            for chunk in _chunks(handle):
                digest.update(chunk)
                done += len(chunk)
                _report(progress, done, total or done)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from error
    return digest.hexdigest()


def exists(session: Session, sha256: str) -> bool:
    return session.get(Blob, sha256) is not None


def store_file(
    session: Session, path: Path, *, sha256: str, progress: Progress | None = None
) -> StoredFile:
    """Store a file whose hash the caller has computed (:func:`hash_file`), as part of the
    caller's write. Bytes already stored are not stored again.

    Progress counts the second half of ``2 * size``: the first half was the hashing.

    Raises:
        StoreError: the file cannot be read, or it changed since it was hashed.
        StoreCancelled: ``progress`` returned False.
    """
    size = checked_size(path)
    if exists(session, sha256):
        _report(progress, 2 * size, 2 * size)
        return StoredFile(sha256, size, new=False)
    session.add(Blob(sha256=sha256, size=size, chunks=-(-size // CHUNK_SIZE), created_at=utc_now()))
    session.flush()
    connection = session.connection()
    statement = insert(BlobChunk)
    digest = hashlib.sha256()
    done = 0
    try:
        with path.open("rb") as handle:
            for seq, chunk in enumerate(_chunks(handle)):
                digest.update(chunk)
                connection.execute(statement, {"blob_sha256": sha256, "seq": seq, "data": chunk})
                done += len(chunk)
                _report(progress, size + done, 2 * size)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from error
    if done != size or digest.hexdigest() != sha256:
        raise StoreError(f"{path.name} changed while it was being stored; try again")
    return StoredFile(sha256, size, new=True)


def read_chunks(session: Session, sha256: str) -> Iterator[bytes]:
    """A stored file's bytes chunk by chunk, one query each (never the whole file at once).

    Raises:
        StoreError: the file or one of its chunks is missing from the workspace.
    """
    blob = session.get(Blob, sha256)
    if blob is None:
        raise StoreError(
            f"the stored file {sha256[:12]} is missing from the workspace (run workbench verify)"
        )
    for seq in range(blob.chunks):
        data = (
            session.connection()
            .execute(
                sa_select(col(BlobChunk.data)).where(
                    col(BlobChunk.blob_sha256) == sha256, col(BlobChunk.seq) == seq
                )
            )
            .scalar_one_or_none()
        )
        if data is None:
            raise StoreError(
                f"part {seq + 1} of the stored file {sha256[:12]} is missing from the workspace "
                "(run workbench verify)"
            )
        yield bytes(data)


def copy_to(
    session: Session, sha256: str, out: IO[bytes], *, progress: Progress | None = None
) -> str:
    """Write a stored file to ``out`` and return the SHA-256 of what was written."""
    blob = session.get(Blob, sha256)
    total = blob.size if blob else 0
    digest = hashlib.sha256()
    done = 0
    for chunk in read_chunks(session, sha256):
        out.write(chunk)
        digest.update(chunk)
        done += len(chunk)
        _report(progress, done, total)
    return digest.hexdigest()


@dataclass(frozen=True)
class BlobProblem:
    sha256: str
    message: str


def _count_chunks(session: Session, sha256: str) -> int:
    statement = sa_select(func.count()).where(col(BlobChunk.blob_sha256) == sha256)
    return int(session.connection().execute(statement).scalar_one())


def is_complete(session: Session, sha256: str) -> bool:
    """The file and all its parts are present (their content is not checked: see check_blob)."""
    blob = session.get(Blob, sha256)
    return blob is not None and _count_chunks(session, sha256) == blob.chunks


def check_blob(session: Session, blob: Blob) -> str | None:
    """What is wrong with one stored file (missing parts, another size or hash), or None."""
    count = (
        session.connection()
        .execute(sa_select(func.count()).where(col(BlobChunk.blob_sha256) == blob.sha256))
        .scalar_one()
    )
    if count != blob.chunks:
        return f"has {count} of its {blob.chunks} parts"
    digest = hashlib.sha256()
    size = 0
    try:
        for chunk in read_chunks(session, blob.sha256):
            digest.update(chunk)
            size += len(chunk)
    except StoreError:
        return "a part is missing"
    if size != blob.size:
        return f"holds {size} bytes instead of {blob.size}"
    if digest.hexdigest() != blob.sha256:
        return "was changed: its SHA-256 no longer matches"
    return None
