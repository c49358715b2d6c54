"""What a write changed, so each pane refreshes only what concerns it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChangeSet:
    """Returned by every write service. Empty sets mean "nothing of that kind changed"."""

    profile: bool = False
    artifacts: frozenset[int] = field(default_factory=frozenset)
    versions: frozenset[int] = field(default_factory=frozenset)
    approvals: frozenset[int] = field(default_factory=frozenset)
    people: frozenset[int] = field(default_factory=frozenset)
    events: frozenset[int] = field(default_factory=frozenset)
    audit_log: bool = True
    # Sentences the user should read, e.g. that saving a version cancelled a pending review.
    notices: tuple[str, ...] = ()

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(
            profile=self.profile or other.profile,
            artifacts=self.artifacts | other.artifacts,
            versions=self.versions | other.versions,
            approvals=self.approvals | other.approvals,
            people=self.people | other.people,
            events=self.events | other.events,
            audit_log=self.audit_log or other.audit_log,
            notices=self.notices + other.notices,
        )
