from __future__ import annotations

import random
import sqlite3

import psycopg2.errors
import pytest
from sqlmodel import select

from tests.helpers.documents import draft_policy, save
from tests.helpers.tamper import execute_directly, tamper
from workbench.models import Version
from workbench.services.register import versioning
from workbench.services.register.versioning import FULL_EVERY, VersionError


@pytest.fixture
def policy(workspace) -> int:
    return draft_policy(workspace)


def test_unknown_versions_are_named(workspace, policy: int) -> None:
    with pytest.raises(VersionError, match=f"^artifact {policy} has no version 9$"):
        versioning.get_version(workspace, policy, 9)
    with pytest.raises(VersionError, match="there is no artifact 77"):
        save(workspace, 77, "x")


def test_many_edits_read_back_exactly_across_full_and_delta_versions(workspace, policy) -> None:
    rng = random.Random(7)
    lines = [f"Line {n}: controls and evidence\n" for n in range(300)]
    texts = {1: "# Policy\n"}
    for _ in range(FULL_EVERY * 3 + 5):
        position = rng.randrange(len(lines))
        action = rng.choice(["edit", "insert", "delete", "append"])
        if action == "edit":
            lines[position] = f"Edited {rng.random()}\n"
        elif action == "insert":
            lines.insert(position, "Inserted line\n")
        elif action == "delete" and len(lines) > 1:
            del lines[position]
        else:
            lines.append("Appended without newline")
        text = "".join(lines)
        if text == texts[max(texts)]:
            continue
        texts[save(workspace, policy, text)] = text
        if not text.endswith("\n"):
            lines[-1] += "\n"
    workspace.caches.clear()  # read from storage, not from the cache
    for number, text in texts.items():
        assert versioning.get_version(workspace, policy, number).content == text
    with workspace.read() as session:
        blobs = {v.number: v.content_z for v in session.exec(select(Version))}
        assert versioning.verify_versions(session) == []
    assert not versioning.is_delta(blobs[1]) and not versioning.is_delta(blobs[FULL_EVERY + 1])
    assert versioning.is_delta(blobs[2]) and versioning.is_delta(blobs[FULL_EVERY + 2])


def test_small_edits_to_a_large_document_store_small(workspace, policy) -> None:
    base = "".join(
        f"| A.{n // 10}.{n % 10} | control text {n} with justification |\n" for n in range(2500)
    )
    first = save(workspace, policy, base)
    for number in range(30):
        save(
            workspace,
            policy,
            base.replace(f"text {number * 50} ", f"text {number * 50} (reviewed) "),
        )
    with workspace.read() as session:
        sizes = {v.number: len(v.content_z) for v in session.exec(select(Version))}
    full = sizes[first]
    deltas = [
        size for number, size in sizes.items() if number > first and versioning.is_delta(b"D")
    ]
    assert sum(sizes[n] for n in sizes if n > first) < 5 * full
    assert deltas


def test_versions_are_immutable_at_the_database(workspace, policy: int) -> None:
    refused = (sqlite3.IntegrityError, psycopg2.errors.RestrictViolation)
    with pytest.raises(refused, match="append-only"):
        execute_directly(workspace, "UPDATE version SET comment = 'rewritten'")
    with pytest.raises(refused, match="append-only"):
        execute_directly(workspace, "DELETE FROM version")
    if not workspace.is_sqlite:  # TRUNCATE skips row triggers; a statement trigger stops it
        with pytest.raises(refused, match="append-only"):
            execute_directly(workspace, "TRUNCATE version CASCADE")


def test_verify_names_changed_content_and_metadata(workspace, policy: int) -> None:
    save(workspace, policy, "# Policy\n\nv2\n")
    save(workspace, policy, "# Policy\n\nv3\n")
    tamper(workspace, "UPDATE version SET content_z = ? WHERE number = 1",
           versioning.compress("# Forged policy\n"))  # fmt: skip
    tamper(workspace, "UPDATE version SET author = 'Mallory' WHERE number = 3")
    with workspace.read() as session:
        problems = [str(p) for p in versioning.verify_versions(session)]
    assert f"artifact {policy} version 1: its content was changed" in problems
    # version 2 is stored as a change to version 1, so it no longer rebuilds either
    assert f"artifact {policy} version 2: its content was changed" in problems
    assert (
        f"artifact {policy} version 3: its metadata or the chain before it was changed" in problems
    )
