"""Sanitised HTML adjusted for Qt's rich-text engine, which ignores most table CSS."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser

TABLE_MARKUP = '<table border="1" cellspacing="0" cellpadding="4">'
STYLE = "th { background-color: #eef1f5; } blockquote { color: #444; }"


def for_qt(html: str) -> str:
    """Give tables visible borders (the sanitiser strips attributes, so this comes after it)."""
    return html.replace("<table>", TABLE_MARKUP)


def prepare_browser(browser: QTextBrowser) -> None:
    browser.document().setDefaultStyleSheet(STYLE)
    browser.setOpenLinks(False)
