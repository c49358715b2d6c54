from __future__ import annotations

from html.parser import HTMLParser

from workbench.services.cards.cross_references import link_cross_references
from workbench.services.common.markup import render_markdown


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parsed_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _TagCollector()
    collector.feed(html)
    return collector.tags


def test_scripts_event_attributes_and_dangerous_links_never_survive() -> None:
    html = render_markdown(
        "# Title <script>alert('x')</script>\n\n"
        "[click](javascript:alert(1)) [file](file:///etc/passwd) [ok](https://example.org)\n\n"
        '<img src="x" onerror="alert(1)"> <a href="javascript:void(0)" onclick="x()">raw</a>\n\n'
        "<div style='position:fixed'>styled</div>"
    )
    tags = parsed_tags(html)
    names = {name for name, _ in tags}
    assert not names & {"script", "img", "div", "style", "iframe"}
    for _name, attributes in tags:
        assert not [key for key in attributes if key.startswith("on") or key == "style"]
    hrefs = [attrs.get("href") for name, attrs in tags if name == "a"]
    assert [href for href in hrefs if href] == ["https://example.org"]
    assert "&lt;script&gt;" in html  # raw HTML shows as text


def test_lists_directly_under_a_line_render_as_lists() -> None:
    html = render_markdown("**Terms**\n- one\n- two\n\nSteps\n1. a\n2. b")
    assert "<ul>\n<li>one</li>" in html
    assert "<ol>\n<li>a</li>" in html


def test_cross_references_link_existing_cards_only() -> None:
    text = link_cross_references("See Q091–Q100, Q045 and Q999.", {"Q091", "Q045"})
    assert text == "See [Q091–Q100](card:Q091), [Q045](card:Q045) and Q999."
    html = render_markdown(text)
    assert '<a href="card:Q091"' in html and "Q999" in html and "card:Q999" not in html


def test_blank_markdown_renders_blank() -> None:
    assert render_markdown("") == ""
    assert render_markdown("  \n\t\n") == ""
    assert render_markdown("", transform=lambda text: text + "# Scope") != ""
