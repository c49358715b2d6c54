"""The card actions the workbench understands: one registry, looked up by type and target.

Cards name actions in ``ui.actions``; validation checks them here, and the GUI registers one
handler per :class:`ActionType` (``workbench.views.questions.actions``), so a card can never name
an action that silently does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActionType(StrEnum):
    OPEN_REGISTER = "open_register"
    START_WORKFLOW = "start_workflow"
    OPEN_PLANNER = "open_planner"


ACTION_TARGETS: dict[ActionType, frozenset[str]] = {
    ActionType.OPEN_REGISTER: frozenset({"isms_artifacts"}),
    ActionType.START_WORKFLOW: frozenset({"isms_build"}),
    ActionType.OPEN_PLANNER: frozenset({"calendar", "audit_programme"}),
}


@dataclass(frozen=True)
class ActionRoute:
    type: ActionType
    target: str


def route(action_type: str, target: str) -> ActionRoute:
    """Resolve a card action, or raise ValueError saying why it cannot run."""
    try:
        known_type = ActionType(action_type)
    except ValueError:
        known = ", ".join(sorted(t.value for t in ActionType))
        raise ValueError(f"unknown action type '{action_type}' (known: {known})") from None
    targets = ACTION_TARGETS[known_type]
    if target not in targets:
        raise ValueError(
            f"unknown target '{target}' for {action_type} (known: {', '.join(sorted(targets))})"
        )
    return ActionRoute(known_type, target)
