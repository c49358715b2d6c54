"""Back and Forward in the question browser: where the reader was, search included.

Following a card's link (Q012 names Q091–Q100) used to clear the search, with no way back.
Each :class:`Place` keeps the card and the search and filters around it, so Back returns to
the card and the result list the reader left.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    card_id: str
    search: str = ""
    pack: str = ""
    tag: str = ""
    ref: str = ""
    scroll: int = 0


@dataclass
class NavigationHistory:
    """Two stacks, as in a web browser: visiting a new place forgets the forward ones."""

    back: list[Place] = field(default_factory=list)
    forward: list[Place] = field(default_factory=list)

    def visit(self, left: Place) -> None:
        """The reader left ``left`` for a new card."""
        self.back.append(left)
        self.forward.clear()

    def go_back(self, current: Place) -> Place | None:
        if not self.back:
            return None
        self.forward.append(current)
        return self.back.pop()

    def go_forward(self, current: Place) -> Place | None:
        if not self.forward:
            return None
        self.back.append(current)
        return self.forward.pop()

    def clear(self) -> None:
        self.back.clear()
        self.forward.clear()
