"""The Questions pane: search the question bank, read a card, and act on it.

Signals:
    action_requested(str, str, str): a card's action button (type, target, card id).
    register_requested(str): show the register filtered to a clause/control reference.
    artifact_open_requested(int): open an artifact linked from the card (from Pane).
    reload_requested(): reload the cards from disk (the window owns the library).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QPushButton,
    QSplitter,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.services.cards.actions import route
from workbench.services.cards.library import CardLibrary
from workbench.services.cards.loader import CAPABILITY_TAGS, Card
from workbench.services.cards.search import CardFilter
from workbench.services.common.markup import CARD_LINK_SCHEME
from workbench.services.register import listing
from workbench.services.register.listing import RegisterFilter, RegisterRow
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.views.common.action_bar import ActionBar
from workbench.views.common.empty_state import show_when_empty
from workbench.views.common.pane import Pane
from workbench.views.common.rich_text import for_qt, prepare_browser
from workbench.views.questions.card_html import ARTIFACT_LINK_SCHEME, REF_LINK_SCHEME, card_html
from workbench.views.questions.card_list_model import CardListModel
from workbench.views.questions.history import NavigationHistory, Place

SEARCH_DEBOUNCE_MS = 150
ALL = ""

ActionAvailability = Callable[[str, str], str | None]
NO_CARD_HTML = (
    '<p style="color:#66707c; font-size:11pt;"><br/>Choose a question on the left to read its '
    "card: the answer, the clauses it rests on, and what to do next.</p>"
)


class QuestionBrowser(Pane):
    title = "Questions"

    action_requested = Signal(str, str, str)
    register_requested = Signal(str)
    reload_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionBrowser")
        self._library: CardLibrary | None = None
        self._current: Card | None = None
        self.history = NavigationHistory()
        self._here: Place | None = None  # the current card with the search it was read under

        self.search = QLineEdit(self)
        self.search.setObjectName("questionSearch")
        self.search.setPlaceholderText("Search questions (Ctrl+F)…")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._debounce.start)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)

        self.pack_filter = self._combo("questionPackFilter", "All packs")
        self.tag_filter = self._combo("questionTagFilter", "All capabilities")
        self.ref_filter = self._combo("questionRefFilter", "Any clause or control")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("questionCount")

        self.list_model = CardListModel(self)
        self.list = QListView(self)
        self.list.setObjectName("questionList")
        self.list.setModel(self.list_model)
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.search.returnPressed.connect(self._focus_first_result)
        self.list_hint = show_when_empty(self.list, "No question cards are loaded.")

        self.problems = QListWidget(self)
        self.problems.setObjectName("questionProblems")
        self.problems.setVisible(False)
        self.problems.setMaximumHeight(120)
        self.problems_label = QLabel(self)
        self.problems_label.setObjectName("questionProblemsLabel")
        self.problems_label.setVisible(False)

        self.card_view = QTextBrowser(self)
        self.card_view.setObjectName("cardView")
        prepare_browser(self.card_view)
        self.card_view.setHtml(NO_CARD_HTML)
        self.card_view.anchorClicked.connect(self._on_link_clicked)
        self.actions_bar = QWidget(self)
        self.actions_bar.setObjectName("cardActions")
        self._actions_layout = QHBoxLayout(self.actions_bar)
        self._actions_layout.setContentsMargins(0, 0, 0, 0)
        self._action_availability: ActionAvailability = _route_problem

        reload_shortcut = QShortcut(QKeySequence.StandardKey.Refresh, self)
        reload_shortcut.activated.connect(self.reload_requested)

        self.toolbar = ActionBar(self)
        self.toolbar.setObjectName("questionToolbar")
        style = self.style()
        self.back_action = self._action(
            "&Back", self.go_back, "Alt+Left", style.StandardPixmap.SP_ArrowBack
        )
        self.forward_action = self._action(
            "&Forward", self.go_forward, "Alt+Right", style.StandardPixmap.SP_ArrowForward
        )
        for view in (self.card_view.viewport(), self.list.viewport(), self):
            view.installEventFilter(self)  # the mouse's back and forward buttons
        self._update_navigation()

        filters = QHBoxLayout()
        filters.addWidget(self.pack_filter)
        filters.addWidget(self.tag_filter)
        filters.addWidget(self.ref_filter, 1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.problems_label)
        left_layout.addWidget(self.problems)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.toolbar)
        right_layout.addWidget(self.card_view, 1)
        right_layout.addWidget(self.actions_bar)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([440, 660])  # the card gets the room; long questions elide
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _action(
        self, text: str, slot: object, shortcut: str, icon: QStyle.StandardPixmap
    ) -> QAction:
        action = QAction(self.style().standardIcon(icon), text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{text.replace('&', '')} ({shortcut}, or the mouse's side button)")
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        # Clause titles are long; without this the combo widens the whole column to fit them.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.addItem(everything, ALL)
        combo.currentIndexChanged.connect(self.run_search)
        return combo

    # --- inputs from the window -------------------------------------------------------------

    def set_library(self, library: CardLibrary) -> None:
        current_id = self._current.id if self._current else None
        self._library = library
        self._fill_filters(library)
        self._show_problems(library)
        self.run_search()
        current = library.index.card(current_id) if current_id else None
        if current is not None:
            self._show_card(current)
            self._select_in_list(current.id)

    def set_action_availability(self, availability: ActionAvailability) -> None:
        """How the pane learns whether an action can run (None) or why not (a reason)."""
        self._action_availability = availability

    def set_workspace(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._render_current()

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.artifacts:
            self._render_current()

    # --- searching --------------------------------------------------------------------------

    def current_filter(self) -> CardFilter:
        return CardFilter(
            pack=self.pack_filter.currentData() or None,
            tag=self.tag_filter.currentData() or None,
            ref=self.ref_filter.currentData() or None,
        )

    def run_search(self) -> None:
        self._debounce.stop()
        if self._library is None:
            return
        index = self._library.index
        ids = index.search(self.search.text(), self.current_filter())
        self.list_model.set_results(index, ids)
        total = len(index)
        self.count_label.setText(
            f"{len(ids)} of {total} questions" if len(ids) != total else f"{total} questions"
        )
        if total and not ids:
            self.list_hint.set_text(
                "No question matches the search and filters. Clear the search or set "
                "the filters back to “All”."
            )
        if self._current is not None:
            row = self.list_model.row_of(self._current.id)
            if row is not None:
                self.list.setCurrentIndex(self.list_model.index(row))

    def _focus_first_result(self) -> None:
        self.run_search()
        if self.list_model.rowCount():
            self.list.setCurrentIndex(self.list_model.index(0))
            self.list.setFocus()

    def _fill_filters(self, library: CardLibrary) -> None:
        for combo, values in (
            (self.pack_filter, [(pack, pack) for pack in library.index.packs()]),
            (self.tag_filter, [(tag, tag) for tag in CAPABILITY_TAGS]),
            (
                self.ref_filter,
                [(library.catalog.label(ref), ref) for ref in library.index.references()],
            ),
        ):
            selected = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, data in values:
                combo.addItem(text, data)
            found = combo.findData(selected)
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)

    def _show_problems(self, library: CardLibrary) -> None:
        self.problems.clear()
        for problem in library.problems:
            self.problems.addItem(str(problem))
        count = len(library.problems)
        self.problems_label.setText(f"Problems ({count})")
        self.problems_label.setVisible(count > 0)
        self.problems.setVisible(count > 0)

    # --- the open card ----------------------------------------------------------------------

    def open_card(self, card_id: str) -> bool:
        """Show a card, keeping the search and filters; False if there is no such card.

        A card outside the results is shown all the same (a link was followed); the list keeps
        what the reader searched for, and Back returns to the card before.
        """
        if self._library is None:
            return False
        card = self._library.index.card(card_id.upper())
        if card is None:
            return False
        self._visit(card)
        return True

    def _visit(self, card: Card) -> None:
        if self._current is not None and card.id != self._current.id:
            self.history.visit(self._left())
        self._show_card(card)
        self._select_in_list(card.id)
        self._here = self._place()
        self._update_navigation()

    def _select_in_list(self, card_id: str) -> None:
        row = self.list_model.row_of(card_id)
        selection = self.list.selectionModel()
        selection.blockSignals(True)
        if row is None:
            selection.clearSelection()
            self.list.setCurrentIndex(QModelIndex())
        else:
            self.list.setCurrentIndex(self.list_model.index(row))
        selection.blockSignals(False)
        self.list.viewport().update()

    # --- back and forward -------------------------------------------------------------------

    def _place(self) -> Place:
        assert self._current is not None
        return Place(
            card_id=self._current.id,
            search=self.search.text(),
            pack=self.pack_filter.currentData() or ALL,
            tag=self.tag_filter.currentData() or ALL,
            ref=self.ref_filter.currentData() or ALL,
            scroll=self.card_view.verticalScrollBar().value(),
        )

    def _left(self) -> Place:
        """The place being left: the card with the search it was found by, scrolled as now."""
        scroll = self.card_view.verticalScrollBar().value()
        if self._here is not None and self._current is not None:
            if self._here.card_id == self._current.id:
                return replace(self._here, scroll=scroll)
        return self._place()

    def go_back(self) -> bool:
        if self._current is None:
            return False
        return self._go(self.history.go_back(self._place()))

    def go_forward(self) -> bool:
        if self._current is None:
            return False
        return self._go(self.history.go_forward(self._place()))

    def _go(self, place: Place | None) -> bool:
        if place is None or self._library is None:
            return False
        card = self._library.index.card(place.card_id)
        if card is None:
            return False
        self.search.blockSignals(True)
        self.search.setText(place.search)
        self.search.blockSignals(False)
        for combo, value in ((self.pack_filter, place.pack), (self.tag_filter, place.tag),
                             (self.ref_filter, place.ref)):  # fmt: skip
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        self.run_search()
        self._show_card(card)
        self._select_in_list(card.id)
        self.card_view.verticalScrollBar().setValue(place.scroll)
        self._here = place
        self._update_navigation()
        return True

    def _update_navigation(self) -> None:
        self.back_action.setEnabled(bool(self.history.back))
        self.forward_action.setEnabled(bool(self.history.forward))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if event.button() == Qt.MouseButton.BackButton:
                self.go_back()
                return True
            if event.button() == Qt.MouseButton.ForwardButton:
                self.go_forward()
                return True
        return super().eventFilter(watched, event)

    @property
    def current_card(self) -> Card | None:
        return self._current

    def _on_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes or self._library is None:
            return
        card = self._library.index.card(self.list_model.card_id(indexes[0].row()))
        if card is not None and card is not self._current:
            self._visit(card)

    def _show_card(self, card: Card) -> None:
        self._current = card
        self._render_current()
        self._build_action_buttons(card)

    def _render_current(self) -> None:
        if self._current is None or self._library is None:
            return
        scroll = self.card_view.verticalScrollBar().value()
        self.card_view.setHtml(
            for_qt(card_html(self._current, self._library, self._linked_artifacts()))
        )
        self.card_view.verticalScrollBar().setValue(scroll)

    def _linked_artifacts(self) -> list[RegisterRow]:
        if self.workspace is None or self._current is None:
            return []
        refs = tuple(self._current.fields.primary_ids)
        ids = listing.query_ids(self.workspace, RegisterFilter(refs=refs, include_retired=False))
        rows = listing.fetch_rows(self.workspace, ids)
        return [rows[artifact_id] for artifact_id in ids if artifact_id in rows]

    def _build_action_buttons(self, card: Card) -> None:
        while self._actions_layout.count():
            item = self._actions_layout.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                widget.deleteLater()
        for action in card.fields.ui.actions:
            button = QPushButton(action.label, self.actions_bar)
            button.setObjectName(f"cardAction_{action.type}_{action.target}")
            reason = self._action_availability(action.type, action.target)
            if reason:
                button.setEnabled(False)
                button.setToolTip(f"Not available: {reason}")
            else:
                button.setToolTip(f"{action.type} {action.target}")
                button.clicked.connect(
                    lambda _checked=False, a=action, c=card.id: self.action_requested.emit(
                        a.type, a.target, c
                    )
                )
            self._actions_layout.addWidget(button)
        self._actions_layout.addStretch(1)

    def _on_link_clicked(self, url: QUrl) -> None:
        scheme = url.scheme()
        target = url.path() or url.toString().split(":", 1)[-1]
        if scheme == CARD_LINK_SCHEME:
            self.open_card(target)
        elif scheme == REF_LINK_SCHEME:
            self.register_requested.emit(url.toString().split(":", 1)[1])
        elif scheme == ARTIFACT_LINK_SCHEME and target.isdigit():
            self.artifact_open_requested.emit(int(target))
        elif scheme in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        # Any other scheme (file:, javascript:, ...) is never followed.

    def selected_index(self) -> QModelIndex:
        return self.list.currentIndex()


def _route_problem(action_type: str, target: str) -> str | None:
    try:
        route(action_type, target)
    except ValueError as error:
        return str(error)
    return None
