"""What a write changed, so each pane refreshes only what concerns it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class ChangeSet:
    """Returned by every write service. Empty sets mean "nothing of that kind changed".

    A new kind of change is one more field: a ``bool`` (something changed), a ``frozenset`` of
    ids, or a ``tuple`` of messages; combining change sets needs no edit for it.
    """

    profile: bool = False
    artifacts: frozenset[int] = field(default_factory=frozenset)
    versions: frozenset[int] = field(default_factory=frozenset)
    approvals: frozenset[int] = field(default_factory=frozenset)
    people: frozenset[int] = field(default_factory=frozenset)
    events: frozenset[int] = field(default_factory=frozenset)
    # A team workspace was checked out, checked in, or its lease broken.
    lease: bool = False
    # Risks (by id) whose record, actions or acceptances changed; assets; the risk method.
    risks: frozenset[int] = field(default_factory=frozenset)
    assets: frozenset[int] = field(default_factory=frozenset)
    risk_method: bool = False
    controls: frozenset[int] = field(default_factory=frozenset)
    evidence: frozenset[int] = field(default_factory=frozenset)
    audit_log: bool = True
    # Sentences the user should read, e.g. that saving a version cancelled a pending review.
    notices: tuple[str, ...] = ()

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(
            **{
                f.name: _combine(getattr(self, f.name), getattr(other, f.name))
                for f in fields(self)
            }
        )

    @classmethod
    def of(cls, **kinds: Iterable[int] | Iterable[str] | bool) -> ChangeSet:
        """A change set from plain values: ``ChangeSet.of(artifacts=[3], notices=["..."])``."""
        values: dict[str, Any] = {}
        for name, value in kinds.items():
            default = getattr(cls(), name)
            if isinstance(default, bool):
                values[name] = bool(value)
            elif isinstance(default, tuple):
                values[name] = tuple(value)  # type: ignore[arg-type]
            else:
                values[name] = frozenset(value)  # type: ignore[arg-type]
        return cls(**values)


def _combine(first: Any, second: Any) -> Any:
    if isinstance(first, bool):
        return first or second
    return first + second if isinstance(first, tuple) else first | second
