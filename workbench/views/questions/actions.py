"""Routes card actions (``open_register``, ``start_workflow``, ...) to the window's handlers.

The known types and targets come from :mod:`workbench.services.cards.actions`; the window registers
one handler per type. An action without a handler, or with an unknown type or target, is never
run and its button says why.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.services.cards.actions import ActionType, route

# A handler receives the action's target and the id of the card it came from.
ActionHandler = Callable[[str, str], None]


class ActionRouter:
    def __init__(self) -> None:
        self._handlers: dict[ActionType, ActionHandler] = {}

    def register(self, action_type: ActionType, handler: ActionHandler) -> None:
        self._handlers[action_type] = handler

    def problem(self, action_type: str, target: str) -> str | None:
        """None when the action can run, else the reason it cannot."""
        try:
            resolved = route(action_type, target)
        except ValueError as error:
            return str(error)
        if resolved.type not in self._handlers:
            return f"the workbench has no handler for {action_type}"
        return None

    def run(self, action_type: str, target: str, card_id: str = "") -> bool:
        if self.problem(action_type, target) is not None:
            return False
        self._handlers[ActionType(action_type)](target, card_id)
        return True
