from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QPushButton

from workbench.services.cards.library import CardLibrary, load_library
from workbench.views.questions.view import QuestionBrowser

HOSTILE_CARD = """id: Q800
query: >-
  Is this card hostile?
packs:
  - "ISO27001:2022"
primary_ids:
  - "ISO27001:2022/5.2"
capability_tags: ["Draft Doc"]
ui:
  actions:
    - type: "open_register"
      target: "isms_artifacts"
      label: "View ISMS Artifacts"
    - type: "teleport"
      target: "moon"
      label: "Teleport"
---
### Hostile

<script>document.title = 'owned'</script>
[innocent](javascript:alert(1)) and [site](https://example.org) and Q012 and Q7777.
"""


@pytest.fixture
def browser(qtbot, library: CardLibrary) -> QuestionBrowser:
    pane = QuestionBrowser()
    qtbot.addWidget(pane)
    pane.set_library(library)
    pane.show()
    return pane


def type_query(qtbot, pane: QuestionBrowser, text: str) -> None:
    with qtbot.waitSignal(pane._debounce.timeout, timeout=2000):
        pane.search.setText(text)


def test_typing_narrows_the_list(qtbot, browser: QuestionBrowser, library) -> None:
    everything = browser.list_model.rowCount()
    assert everything == len(library.cards.cards)
    type_query(qtbot, browser, "software")
    assert 0 < browser.list_model.rowCount() < everything
    assert browser.list_model.card_id(0) == "Q012"
    assert (
        browser.count_label.text() == f"{browser.list_model.rowCount()} of {everything} questions"
    )


def test_filters_combine_with_the_query(qtbot, browser: QuestionBrowser) -> None:
    type_query(qtbot, browser, "audit")
    with_query = browser.list_model.rowCount()
    browser.tag_filter.setCurrentIndex(browser.tag_filter.findData("Planner"))
    assert 0 < browser.list_model.rowCount() <= with_query


def test_open_q012_shows_clause_titles_and_actions(browser: QuestionBrowser) -> None:
    assert browser.open_card("Q012")
    text = browser.card_view.toPlainText()
    assert "What is an “information security management system”" in text
    assert "Understanding the organization and its context" in text
    assert "Actions to address risks and opportunities" in text
    labels = [b.text() for b in browser.actions_bar.findChildren(QPushButton)]
    assert labels == ["View ISMS Artifacts", "Build ISMS Components"]


def test_action_button_emits_the_route(qtbot, browser: QuestionBrowser) -> None:
    browser.open_card("Q012")
    button = browser.actions_bar.findChild(QPushButton, "cardAction_open_register_isms_artifacts")
    with qtbot.waitSignal(browser.action_requested) as blocker:
        button.click()
    assert blocker.args == ["open_register", "isms_artifacts", "Q012"]


def test_cross_reference_link_opens_that_card(browser: QuestionBrowser) -> None:
    browser.open_card("Q012")
    browser._on_link_clicked(QUrl("card:Q091"))
    assert browser.current_card.id == "Q091"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))


def test_hostile_card_renders_no_script_and_no_javascript_link(qtbot, tmp_path: Path) -> None:
    (tmp_path / "Q800.md").write_text(HOSTILE_CARD, encoding="utf-8")
    library = load_library([tmp_path])
    pane = QuestionBrowser()
    qtbot.addWidget(pane)
    pane.set_library(library)
    assert pane.open_card("Q800")
    html = pane.card_view.toHtml()
    tags = _Tags()
    tags.feed(html)
    assert "script" not in {tag for tag, _ in tags.seen}
    hrefs = {attrs.get("href") for tag, attrs in tags.seen if tag == "a"}
    assert not any(h and h.startswith("javascript") for h in hrefs)
    assert "https://example.org" in hrefs and "card:Q012" in hrefs
    assert "document.title = 'owned'" in pane.card_view.toPlainText()  # shown as text
    teleport = pane.actions_bar.findChild(QPushButton, "cardAction_teleport_moon")
    assert not teleport.isEnabled()
    assert "unknown action type 'teleport'" in teleport.toolTip()
    assert [str(p).split(": ", 1)[-1] for p in library.problems if p.path.name == "Q800.md"] == [
        "unknown action type 'teleport' (known: open_planner, open_register, start_workflow)",
        "warning: cross reference Q7777 names missing card(s) Q7777",
    ]


def test_a_followed_link_keeps_the_search_and_back_returns(qtbot, browser: QuestionBrowser) -> None:
    type_query(qtbot, browser, "software")
    found = browser.list_model.rowCount()
    browser.list.setCurrentIndex(browser.list_model.index(0))
    assert browser.current_card.id == "Q012"
    assert not browser.back_action.isEnabled()
    browser._on_link_clicked(QUrl("card:Q091"))
    assert browser.current_card.id == "Q091"
    assert browser.search.text() == "software" and browser.list_model.rowCount() == found
    assert browser.back_action.isEnabled() and not browser.forward_action.isEnabled()

    browser.activateWindow()
    qtbot.waitActive(browser)
    browser.card_view.setFocus()
    qtbot.keyClick(browser.card_view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert browser.current_card.id == "Q012"
    assert browser.list.currentIndex().row() == 0  # selected in the results again
    assert browser.forward_action.isEnabled()
    qtbot.keyClick(browser.card_view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert browser.current_card.id == "Q091"


def test_back_restores_the_search_it_left_and_the_mouse_buttons_work(
    qtbot, browser: QuestionBrowser
) -> None:
    type_query(qtbot, browser, "software")
    browser.list.setCurrentIndex(browser.list_model.index(0))
    type_query(qtbot, browser, "supplier")
    browser.list.setCurrentIndex(browser.list_model.index(0))
    supplier_card = browser.current_card.id
    assert supplier_card != "Q012"
    qtbot.mouseClick(browser.card_view.viewport(), Qt.MouseButton.BackButton)
    assert browser.current_card.id == "Q012" and browser.search.text() == "software"
    qtbot.mouseClick(browser.card_view.viewport(), Qt.MouseButton.ForwardButton)
    assert browser.current_card.id == supplier_card and browser.search.text() == "supplier"
