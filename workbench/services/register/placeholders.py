"""Placeholders a document still carries: ``[TO COMPLETE ...]`` markers and the templates'
``> **Guidance:**`` notes, which are for the consultant, not for the client's readers.

The register and the editor show the count; requesting a review or approving warns with it;
approving and publishing refuse while any remain, unless the user overrides it explicitly (the
override is recorded in the audit log).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.services.register import versioning
from workbench.services.store.workspace import Workspace

_MARKER = re.compile(r"\[TO COMPLETE\b", re.IGNORECASE)
_GUIDANCE = re.compile(r"^[ \t]{0,3}>[ \t]*\*\*Guidance:?\*\*", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Placeholders:
    markers: int  # [TO COMPLETE ...]
    guidance: int  # > **Guidance:** notes

    @property
    def total(self) -> int:
        return self.markers + self.guidance

    def __bool__(self) -> bool:
        return self.total > 0

    def describe(self) -> str:
        """``3 placeholders ([TO COMPLETE] markers: 2, guidance notes: 1)``; "" when none."""
        if not self:
            return ""
        parts = []
        if self.markers:
            parts.append(f"[TO COMPLETE] markers: {self.markers}")
        if self.guidance:
            parts.append(f"guidance notes: {self.guidance}")
        noun = "placeholder" if self.total == 1 else "placeholders"
        return f"{self.total} {noun} ({', '.join(parts)})"


def count(text: str) -> Placeholders:
    """The placeholders in a Markdown text."""
    return Placeholders(len(_MARKER.findall(text)), len(_GUIDANCE.findall(text)))


def of_version(workspace: Workspace, artifact_id: int, version: int | None = None) -> Placeholders:
    """The placeholders in a version of an artifact (the latest when ``version`` is None).

    Raises:
        VersionError: no such version, or it cannot be read.
    """
    return count(versioning.get_version(workspace, artifact_id, version).content)


def of_latest(workspace: Workspace, artifact_ids: Sequence[int]) -> dict[int, Placeholders]:
    """The placeholders in the latest version of each artifact, read in one go."""
    return {
        artifact_id: count(text)
        for artifact_id, text in versioning.latest_texts(workspace, artifact_ids).items()
    }


def remaining_sentence(title: str, version: int, found: Placeholders) -> str:
    """One sentence saying what is left to complete in a version."""
    return f"version {version} of '{title}' still has {found.describe()}"
