"""The pane registry: every main-window pane described once.

The main window builds its navigation, its stack of panes, the View menu and the Ctrl+1..N
shortcuts from :data:`PANES`; ``workbench --view`` takes its choices from it too. Adding a pane
is one entry here and one package under ``workbench/views/``. The registry holds only names and
import paths, so the command line reads it without loading Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.views.common.pane import Pane


@dataclass(frozen=True)
class PaneSpec:
    """One pane: its name (``--view``), title, icon, shortcut and where its class lives.

    ``factory`` is ``"module:Class"``, imported when the pane is first built; ``eager`` panes are
    built with the window, the others the first time they are shown. ``icon`` names a Qt
    standard icon (``QStyle.StandardPixmap``).
    """

    name: str
    title: str
    icon: str
    shortcut: str
    factory: str
    eager: bool = False

    def load(self) -> type[Pane]:
        module_name, _, class_name = self.factory.partition(":")
        pane_class: type[Pane] = getattr(import_module(module_name), class_name)
        return pane_class


PANES: tuple[PaneSpec, ...] = (
    PaneSpec(
        "questions", "Questions", "SP_MessageBoxQuestion", "Ctrl+1",
        "workbench.views.questions.view:QuestionBrowser", eager=True,
    ),
    PaneSpec(
        "register", "Register", "SP_FileDialogDetailedView", "Ctrl+2",
        "workbench.views.register.view:RegisterView", eager=True,
    ),
    PaneSpec(
        "documents", "Documents", "SP_FileIcon", "Ctrl+3",
        "workbench.views.documents.view:DocumentEditor", eager=True,
    ),
    PaneSpec(
        "planner", "Planner", "SP_FileDialogInfoView", "Ctrl+4",
        "workbench.views.planner.view:PlannerView",
    ),
    PaneSpec(
        "audit", "Audit Trail", "SP_FileDialogContentsView", "Ctrl+5",
        "workbench.views.audit.view:AuditTrailView",
    ),
    PaneSpec(
        "risks", "Risks", "SP_MessageBoxWarning", "Ctrl+6",
        "workbench.views.risks.view:RisksView",
    ),
    PaneSpec(
        "controls", "Controls", "SP_DialogApplyButton", "Ctrl+7",
        "workbench.views.controls.view:ControlsView",
    ),
    PaneSpec(
        "dashboard", "Dashboard", "SP_ComputerIcon", "Ctrl+8",
        "workbench.views.dashboard.view:DashboardView",
    ),
    PaneSpec(
        "people", "People", "SP_DirHomeIcon", "Ctrl+9",
        "workbench.views.people.view:PeopleView",
    ),
)  # fmt: skip

PANE_NAMES: tuple[str, ...] = tuple(spec.name for spec in PANES)


def find_pane(name: str) -> PaneSpec:
    for spec in PANES:
        if spec.name == name:
            return spec
    raise KeyError(f"no pane named {name!r} (known: {', '.join(PANE_NAMES)})")
