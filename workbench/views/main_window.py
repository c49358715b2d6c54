"""The main window: navigation between the panes, the menus, and the open workspace.

The window owns the workspace and the card library and wires the panes' signals together; it
does not reach into a pane's widgets.

It is built in two steps, so that it is on screen before the store, the card library and the
panes load (see :mod:`workbench.app`): the frame first (navigation, menu bar, status bar, a
skeleton in each pane's place), then :meth:`MainWindow.attach` with the workspace and the
library builds the panes. This module therefore imports no service that loads the database
layer at import time; those are imported where they are used.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QWidget,
)

from workbench import __version__
from workbench.services.cards.actions import ActionType
from workbench.services.common.errors import ServiceError
from workbench.services.common.paths import WORKSPACE_SUFFIX, data_dir
from workbench.services.store.changes import ChangeSet
from workbench.views.common.empty_state import empty_state_label
from workbench.views.common.files import (
    FileKind,
    FilePlaces,
    announce,
    ask_save_path,
    confirm_target,
    default_folder,
)
from workbench.views.common.pane import Pane
from workbench.views.common.preferences_dialog import PreferencesDialog
from workbench.views.common.settings import AppSettings
from workbench.views.common.team_actions import TeamActions, open_location
from workbench.views.panes import PANE_NAMES, PANES, PaneSpec, find_pane
from workbench.views.questions.actions import ActionRouter

if TYPE_CHECKING:
    from workbench.services.cards.library import CardLibrary
    from workbench.services.register.listing import RegisterFilter
    from workbench.services.store.workspace import Workspace
    from workbench.views.audit.pack_dialog import PackDialog
    from workbench.views.audit.view import AuditTrailView
    from workbench.views.common.consultant_dialog import ConsultantDialog
    from workbench.views.documents.actions import DocumentActions
    from workbench.views.documents.recovery_dialog import RecoveryDialog
    from workbench.views.documents.view import DocumentEditor
    from workbench.views.planner.view import PlannerView
    from workbench.views.questions.view import QuestionBrowser
    from workbench.views.register.isms_wizard import IsmsBuildWizard
    from workbench.views.register.view import RegisterView
    from workbench.views.risks.view import RisksView

P = TypeVar("P", bound=Pane)
# The menu bar of the frame, before attach() builds the menus (see _build_menus).
FRAME_MENUS = ("&File", "&Edit", "&View", "&Approval", "&Help")
# Confirmations fade from the status bar after this long; nothing stays there for ever.
STATUS_MS = 8000
WORKSPACE_FILTER = f"GRC Workbench workspaces (*{WORKSPACE_SUFFIX});;All files (*)"


class MainWindow(QMainWindow):
    """The main window; given no workspace and library it is the frame until :meth:`attach`."""

    # Set by attach().
    workspace: Workspace
    library: CardLibrary
    files: FilePlaces
    approval: DocumentActions
    team: TeamActions

    def __init__(
        self,
        *,
        settings: AppSettings,
        workspace: Workspace | None = None,
        library: CardLibrary | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("GRC Workbench")
        self.settings = settings
        self.router = ActionRouter()
        self.attached = False
        self.panes: dict[str, Pane] = {}

        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigation")
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("paneStack")
        style = self.style()
        for spec in PANES:
            icon = style.standardIcon(getattr(QStyle.StandardPixmap, spec.icon))
            item = QListWidgetItem(icon, spec.title)
            item.setToolTip(f"{spec.title} ({spec.shortcut})")
            self.navigation.addItem(item)
            skeleton = empty_state_label(f"Loading {spec.title}…", self.stack)
            self.stack.addWidget(skeleton)
        self.navigation.setFixedWidth(self._navigation_width())
        self.navigation.currentRowChanged.connect(self._on_navigation_changed)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.consultant_label = QLabel(self)
        self.consultant_label.setObjectName("consultantLabel")
        self.statusBar().addPermanentWidget(self.consultant_label)
        self.workspace_label = QLabel(self)
        self.workspace_label.setObjectName("workspaceLabel")
        self.statusBar().addPermanentWidget(self.workspace_label)
        # The menu bar's titles hold its height until attach() fills the menus.
        self._frame_menus = [self.menuBar().addMenu(title) for title in FRAME_MENUS]
        self._restore_window_state()
        if workspace is not None and library is not None:
            self.attach(workspace, library)

    def attach(self, workspace: Workspace, library: CardLibrary) -> None:
        """Open ``workspace`` in the frame with the card ``library``: build and wire the panes.

        Panes that are not eager are built when first shown (the one on screen at once).
        """
        from workbench.views.documents.actions import DocumentActions

        self.workspace = workspace
        self.library = library
        self.files = FilePlaces(self.settings, workspace)
        for spec in PANES:
            if spec.eager:
                self._place_pane(spec)
        self.approval = DocumentActions(self, self.current_artifact_id)
        self.team = TeamActions(self, self)
        self.statusBar().addPermanentWidget(self.team.lease_label)
        for menu in self._frame_menus:
            self.menuBar().removeAction(menu.menuAction())
            menu.deleteLater()

        self._build_menus()
        self._register_actions()
        self._wire_panes()
        self.questions.set_action_availability(self.router.problem)
        self.questions.set_library(library)
        self._show_workspace(workspace)
        self.attached = True
        self._on_navigation_changed(self.navigation.currentRow())

    # --- composition ------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._add_action(file_menu, "&New Workspace…", self.new_workspace, "Ctrl+Shift+N")
        self._add_action(
            file_menu, "&Open Workspace…", self.choose_workspace, QKeySequence.StandardKey.Open
        )
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._add_action(file_menu, "&Back Up Workspace…", self.back_up_workspace, "Ctrl+Shift+B")
        file_menu.addSeparator()
        file_menu.addActions(self.team.actions)
        file_menu.addSeparator()
        file_menu.addAction(self.approval.export_action)
        self._add_action(file_menu, "Write Audit &Pack…", self.write_audit_pack)
        file_menu.addSeparator()
        self._add_action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = self.menuBar().addMenu("&Edit")
        self._add_action(
            edit_menu, "&Preferences…", self.show_preferences, QKeySequence.StandardKey.Preferences
        )

        view_menu = self.menuBar().addMenu("&View")
        for spec in PANES:
            action = self._add_action(
                view_menu, spec.title, self._pane_opener(spec.name), spec.shortcut
            )
            action.setObjectName(f"view_{spec.name}")
        view_menu.addSeparator()
        self._add_action(view_menu, "&Reload Question Cards", self.reload_cards)

        approval_menu = self.menuBar().addMenu("&Approval")
        approval_menu.addAction(self.approval.add_person_action)
        approval_menu.addSeparator()
        for action in self.approval.artifact_actions:
            approval_menu.addAction(action)

        help_menu = self.menuBar().addMenu("&Help")
        self._add_action(help_menu, "&About GRC Workbench", self.show_about)

    def _navigation_width(self) -> int:
        # The selected title is bold: measure the titles bold, plus icon, padding and border.
        font = QFont(self.navigation.font())
        font.setPointSizeF(max(font.pointSizeF(), 11))
        font.setBold(True)
        widest = max(QFontMetrics(font).horizontalAdvance(spec.title) for spec in PANES)
        return max(150, widest + 24 + 3 * 14 + 8)

    def _pane_opener(self, name: str) -> Callable[..., None]:
        # QAction.triggered passes ``checked``; the opener must not take it for the pane name.
        return lambda *_: self.show_pane(name)

    def _add_action(
        self,
        menu: QMenu,
        text: str,
        slot: object,
        shortcut: str | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _register_actions(self) -> None:
        self.router.register(ActionType.OPEN_REGISTER, self._open_register_action)
        self.router.register(ActionType.START_WORKFLOW, self._start_workflow_action)
        self.router.register(ActionType.OPEN_PLANNER, self._open_planner_action)

    def _wire_pane(self, name: str, pane: Pane) -> None:

        pane.restore_state(self.settings.pane_state(name))
        pane.user_name = self.settings.user_name
        pane.files = self.files
        pane.changes_made.connect(self.apply_changes)
        pane.artifact_open_requested.connect(self.open_artifact)
        pane.status_posted.connect(self.post_status)
        pane.navigation_requested.connect(self.navigate)

    def _wire_panes(self) -> None:
        from workbench.services.register.listing import RegisterFilter

        for name, pane in self.panes.items():
            self._wire_pane(name, pane)
        self.questions.action_requested.connect(self.router.run)
        self.questions.register_requested.connect(
            lambda ref: self.show_register(RegisterFilter(refs=(ref,)))
        )
        self.questions.reload_requested.connect(self.reload_cards)
        self.approval.changes_made.connect(self.apply_changes)
        self.approval.status_posted.connect(self.post_status)
        self.approval.files = self.files
        self._apply_consultant()
        self.register_view.add_artifact_actions(self.approval.artifact_actions)
        self.documents.add_artifact_actions(self.approval.artifact_actions)
        self.register_view.selection_changed.connect(self.approval.update_enabled)
        self.documents.document_opened.connect(self.approval.update_enabled)
        self.register_view.build_requested.connect(self.start_isms_build)

    # --- panes ------------------------------------------------------------------------------

    def show_pane(self, name: str) -> None:
        self.navigation.setCurrentRow(PANE_NAMES.index(find_pane(name).name))

    def pane(self, name: str, kind: type[P]) -> P:
        """The pane called ``name``, built on first use in place of its placeholder."""
        if name not in self.panes:
            self._build_pane(find_pane(name))
        pane = self.panes[name]
        assert isinstance(pane, kind)
        return pane

    def _build_pane(self, spec: PaneSpec) -> None:
        pane = self._place_pane(spec)
        self._wire_pane(spec.name, pane)
        pane.set_workspace(self.workspace)

    def _place_pane(self, spec: PaneSpec) -> Pane:
        """Build the pane and put it in its skeleton's place (not yet wired)."""
        pane = spec.load()(self)
        index = PANE_NAMES.index(spec.name)
        placeholder = self.stack.widget(index)
        assert placeholder is not None
        self.stack.insertWidget(index, pane)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.panes[spec.name] = pane
        return pane

    @property
    def questions(self) -> QuestionBrowser:
        from workbench.views.questions.view import QuestionBrowser

        return self.pane("questions", QuestionBrowser)

    @property
    def register_view(self) -> RegisterView:
        from workbench.views.register.view import RegisterView

        return self.pane("register", RegisterView)

    @property
    def documents(self) -> DocumentEditor:
        from workbench.views.documents.view import DocumentEditor

        return self.pane("documents", DocumentEditor)

    @property
    def planner(self) -> PlannerView:
        from workbench.views.planner.view import PlannerView

        return self.pane("planner", PlannerView)

    @property
    def risks(self) -> RisksView:
        from workbench.views.risks.view import RisksView

        return self.pane("risks", RisksView)

    @property
    def audit_trail(self) -> AuditTrailView:
        from workbench.views.audit.view import AuditTrailView

        return self.pane("audit", AuditTrailView)

    def current_pane_name(self) -> str:
        return PANE_NAMES[self.stack.currentIndex()]

    def _on_navigation_changed(self, row: int) -> None:
        if 0 <= row < len(PANES):
            if not self.attached:  # the frame: the pane's skeleton until attach()
                self.stack.setCurrentIndex(row)
                return
            if PANES[row].name not in self.panes:
                self._build_pane(PANES[row])
            self.stack.setCurrentIndex(row)
            self.approval.update_enabled()

    def current_artifact_id(self) -> int | None:
        """The artifact the user is looking at: the open document, or the register selection."""
        pane = self.current_pane_name()
        if pane == "documents":
            return self.documents.artifact_id
        if pane == "register":
            return self.register_view.selected_id()
        return None

    def show_register(self, register_filter: RegisterFilter) -> None:
        self.register_view.set_filter(register_filter)
        self.show_pane("register")

    def _open_register_action(self, target: str, card_id: str) -> None:
        from workbench.services.register.listing import RegisterFilter, RegisterScope

        self.show_register(RegisterFilter(scope=RegisterScope(target), include_retired=False))

    def _open_planner_action(self, target: str, card_id: str) -> None:
        self.show_pane("planner")
        if target == "audit_programme":
            self.planner.start_programme_generator()

    def _start_workflow_action(self, target: str, card_id: str) -> None:
        if target == "isms_build":
            self.start_isms_build()

    def start_isms_build(self) -> IsmsBuildWizard | None:
        """Open the Build ISMS Components wizard (returned for tests), or say nothing is missing."""
        from workbench.services.register import isms_build
        from workbench.services.register.listing import RegisterFilter, RegisterScope
        from workbench.views.register.isms_wizard import IsmsBuildWizard

        if not isms_build.plan_build(self.workspace).items:
            QMessageBox.information(
                self,
                "Build ISMS Components",
                "Every ISMS component the workbench offers is already in the register.",
            )
            self.show_register(RegisterFilter(scope=RegisterScope.ISMS_ARTIFACTS))
            return None
        wizard = IsmsBuildWizard(self.workspace, self.settings.user_name, self)
        wizard.built.connect(self._on_isms_built)
        wizard.open()
        return wizard

    def _on_isms_built(self, changes: ChangeSet, created: list[int]) -> None:
        from workbench.services.register.listing import RegisterFilter, RegisterScope

        self.apply_changes(changes)
        self.show_register(RegisterFilter(scope=RegisterScope.ISMS_ARTIFACTS))
        self.post_status(f"Created {len(created)} ISMS documents as drafts.")

    def navigate(self, name: str, target: str) -> None:
        """Show pane ``name`` at ``target``: a document id for the Documents pane, else what
        the pane's ``show_target`` understands."""
        if name == "documents" and target.isdigit():
            self.open_artifact(int(target))
            return
        pane = self.pane(name, Pane)
        pane.show_target(target)
        self.show_pane(name)

    def open_artifact(self, artifact_id: int) -> None:
        if self.documents.open_artifact(artifact_id):
            self.show_pane("documents")

    def apply_changes(self, changes: ChangeSet) -> None:
        for pane in self.panes.values():
            pane.apply_changes(changes)
        self.approval.update_enabled()
        self.team.apply_changes(changes)
        if changes.notices:
            self.post_status(" ".join(changes.notices))

    def post_status(self, text: str) -> None:
        """A short confirmation in the status bar, gone after :data:`STATUS_MS`."""
        self.statusBar().showMessage(text, STATUS_MS)

    def show_preferences(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.settings, self)
        dialog.accepted.connect(self._on_preferences_saved)
        dialog.open()
        return dialog

    def _on_preferences_saved(self) -> None:
        self._apply_consultant()
        self.reload_cards()

    # --- who is working ---------------------------------------------------------------------

    def _apply_consultant(self) -> None:
        """Hand the acting name to everything that records one, and show it."""
        acting = self.settings.acting
        for pane in self.panes.values():
            pane.user_name = acting.name
        self.approval.user_name = acting.name
        fallback = acting.is_account_fallback
        self.consultant_label.setText(f"{acting.name} (login name)" if fallback else acting.label)
        self.consultant_label.setToolTip(
            "Recorded as author and actor; Edit > Preferences changes it"
            if not fallback
            else "The login name: no name is saved (Edit > Preferences)"
        )

    def ensure_consultant(self, *, ask: bool = True) -> ConsultantDialog | None:
        """Record who works on a workspace that names no consultant yet.

        Asks first (the dialog is returned; it records on acceptance) unless the name was just
        asked at start-up, then records it at once.
        """
        from workbench.services.register import profile
        from workbench.views.common.consultant_dialog import ConsultantDialog

        if profile.get_profile(self.workspace).consultant:
            return None
        if not ask and self.settings.consultant is not None:
            self._record_consultant()
            return None
        dialog = ConsultantDialog(
            self.settings, workspace_name=self.workspace.display_name, parent=self
        )
        dialog.accepted.connect(self._record_consultant)
        dialog.open()
        return dialog

    def _record_consultant(self) -> None:
        from workbench.services.register import profile

        self._apply_consultant()
        name = self.settings.user_name
        try:
            changes = profile.update_profile(self.workspace, actor=name, consultant=name)
        except ServiceError as error:
            QMessageBox.warning(self, "Workspace Profile", str(error))
            return
        self.apply_changes(changes)

    def start_up_checks(self, *, asked: bool = False) -> None:
        """What a freshly opened workspace needs: its consultant, then recovering lost text."""
        dialog = self.ensure_consultant(ask=not asked)
        if dialog is None:
            self.offer_recovery()
        else:
            dialog.accepted.connect(self.offer_recovery)

    def offer_recovery(self) -> RecoveryDialog | None:
        """List every document with unsaved text left by a crash (the dialog is returned)."""
        from workbench.services.documents import drafts
        from workbench.views.documents.recovery_dialog import RecoveryDialog

        found = drafts.recoverable_drafts(self.workspace)
        if not found:
            return None
        dialog = RecoveryDialog(self.workspace, found, self._open_recovered, parent=self)
        dialog.open()
        return dialog

    def _open_recovered(self, artifact_id: int) -> bool:
        if not self.documents.open_artifact(artifact_id, recover=True):
            return False
        self.show_pane("documents")
        return True

    def reload_cards(self) -> None:
        from workbench.services.cards.library import load_library

        self.library = load_library(self.settings.card_packs)
        self.questions.set_library(self.library)
        self.post_status(
            f"Reloaded {len(self.library.index)} question cards "
            f"({len(self.library.problems)} problems)."
        )

    # --- workspaces -------------------------------------------------------------------------

    def _show_workspace(self, workspace: Workspace) -> None:
        self.workspace = workspace
        location = str(workspace.path) if workspace.path else workspace.display_name
        self.workspace_label.setText(f"Workspace: {location}")
        self.workspace_label.setToolTip(location)
        self.setWindowTitle(f"{workspace.display_name} — GRC Workbench")
        self.settings.remember_workspace(location)
        self.files.workspace = workspace
        self.approval.workspace = workspace
        for pane in self.panes.values():
            pane.set_workspace(workspace)
        self.approval.update_enabled()
        self.team.refresh()

    def user(self) -> str:
        return self.settings.user_name

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    def switch_workspace(self, location: str | Path, *, create: bool = False) -> bool:
        """Open another workspace; on failure say why and keep the current one."""
        if not all(pane.can_leave() for pane in self.panes.values()):
            return False
        try:
            workspace = open_location(self, location, create=create)
        except ServiceError as error:
            QMessageBox.critical(self, "Cannot open workspace", str(error))
            return False
        if workspace is None:  # the password dialog was cancelled
            return False
        previous = self.workspace
        self._show_workspace(workspace)
        if previous is not workspace:
            previous.close()
        self.post_status(f"Opened {workspace.display_name}.")
        self.start_up_checks()
        return True

    def _workspace_folder(self) -> Path:
        """Where workspace dialogs start: beside the open workspace, unless that is the
        default one hidden in the application's data folder."""
        path = self.workspace.path
        if path is not None and path.parent.is_dir() and data_dir() not in path.parents:
            return path.parent
        return default_folder()

    def ask_new_workspace_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "New Workspace",
            str(self._workspace_folder() / f"client{WORKSPACE_SUFFIX}"),
            WORKSPACE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return path

    def ask_open_workspace_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open Workspace", str(self._workspace_folder()), WORKSPACE_FILTER
        )
        return path

    def ask_backup_path(self, suggestion: Path) -> str:
        return ask_save_path(self, "Back Up Workspace", suggestion, WORKSPACE_FILTER)

    def new_workspace(self) -> None:
        chosen = self.ask_new_workspace_path()
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix != WORKSPACE_SUFFIX:
            path = path.with_name(path.name + WORKSPACE_SUFFIX)
        if path.exists():
            answer = QMessageBox.question(
                self,
                "Workspace exists",
                f"{path.name} already exists. A new workspace never replaces a file. "
                "Open it instead?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.switch_workspace(path, create=True)

    def choose_workspace(self) -> None:
        chosen = self.ask_open_workspace_path()
        if chosen:
            self.switch_workspace(chosen)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_workspaces
        for location in recent:
            action = self.recent_menu.addAction(location)
            action.triggered.connect(lambda _=False, loc=location: self._open_recent(loc))
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _open_recent(self, location: str) -> None:
        # Staying to save a document is no reason to drop the workspace from the list, and
        # neither is a server that is down or a cancelled password.
        if not all(pane.can_leave() for pane in self.panes.values()):
            return
        if not self.switch_workspace(location) and "://" not in location:
            self.settings.forget_workspace(location)

    def back_up_workspace(self) -> None:
        if self.workspace.path is None:
            QMessageBox.information(
                self, "Back Up Workspace", "Only a workspace file can be backed up here."
            )
            return
        from datetime import datetime

        from workbench.services.audit import backup

        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        source = self.workspace.path
        chosen = self.ask_backup_path(
            self.files.suggest(FileKind.BACKUP, f"{source.stem}-backup-{stamp}{source.suffix}")
        )
        if not chosen:
            return
        destination = Path(chosen)
        if destination.suffix != WORKSPACE_SUFFIX:
            destination = destination.with_name(destination.name + WORKSPACE_SUFFIX)
        if destination.resolve() == source.resolve():
            QMessageBox.warning(
                self, "Back Up Workspace", "Choose a file other than the workspace itself."
            )
            return
        if not confirm_target(self, destination, title="Back Up Workspace"):
            return
        try:
            # Replacing a file was confirmed just above.
            result = backup.backup_workspace(
                self.workspace, destination, actor=self.settings.user_name, force=True
            )
        except ServiceError as error:
            QMessageBox.critical(self, "Back Up Workspace", f"The backup failed: {error}")
            return
        self.files.remember(FileKind.BACKUP, destination)
        self.post_status(result.summary())
        if not result.ok:
            QMessageBox.warning(
                self,
                "Back Up Workspace",
                f"{result.summary()}:\n\n" + "\n".join(result.problems[:10]),
            )
            return
        announce(
            self,
            "Back Up Workspace",
            f"Backed up to {destination}. The copy is a workspace of its own: open it to "
            "check it or to go back to this state.",
            destination,
        )

    def write_audit_pack(self) -> PackDialog:
        from workbench.views.audit.pack_dialog import open_pack_dialog

        dialog = open_pack_dialog(self, self.workspace, self.settings.user_name, self.files)
        dialog.changes_made.connect(self.apply_changes)
        return dialog

    def show_about(self) -> None:
        location = self.workspace.path or self.workspace.display_name
        QMessageBox.about(
            self,
            "About GRC Workbench",
            f"<b>GRC Workbench</b> {__version__}<br/>"
            "Build and run ISO/IEC 27001 information security management systems, "
            "offline.<br/><br/>"
            f"Workspace: {location}",
        )

    # --- window state -----------------------------------------------------------------------

    def _restore_window_state(self) -> None:
        geometry = self.settings.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 820)
        last = self.settings.last_pane
        self.show_pane(last if last in PANE_NAMES else "questions")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not all(pane.can_leave() for pane in self.panes.values()):
            event.ignore()
            return
        self.settings.geometry = self.saveGeometry()
        for name, pane in self.panes.items():
            self.settings.set_pane_state(name, pane.save_state())
        self.settings.last_pane = self.current_pane_name()
        self.settings.sync()
        event.accept()
