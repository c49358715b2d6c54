from __future__ import annotations

import hashlib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.services.cards.loader import (
    Severity,
    check_card_links,
    find_cross_references,
    load_cards,
    parse_card,
)
from workbench.services.catalog.standards import default_catalog
from workbench.services.common.paths import seeds_dir

# The user's own card, byte for byte as they wrote it.
Q012_SHA256 = "2c6b85a65e1c98c0d6bc75647fd534189b13e1d4921f03561c6f05a9367aef65"

GOOD = """id: Q500
query: >-
  Is this a good card?
packs:
  - "ISO27001:2022"
primary_ids:
  - "ISO27001:2022/6.1.2"
overlap_ids: []
capability_tags:
  - "Register"
flags: []
sources:
  - title: "Risk assessment"
    id: "ISO27001:2022/6.1.2"
    locator: "Clause 6.1.2"
ui:
  cards_hint: []
  actions:
    - type: "open_register"
      target: "isms_artifacts"
      label: "View ISMS Artifacts"
output_mode: "both"
graph_required: false
notes: "fine"
---
### Is this a good card?

Yes. See Q012.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(tmp_path: Path, text: str) -> list[str]:
    card, problems = parse_card(tmp_path / "c.md", text)
    return [str(p) for p in problems]


def test_seed_q012_ships_unchanged_and_loads_cleanly() -> None:
    path = seeds_dir() / "Q012.md"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == Q012_SHA256
    card, problems = parse_card(path, path.read_text(encoding="utf-8"))
    assert problems == []
    assert card is not None
    assert card.id == "Q012"
    assert card.fields.primary_ids == ["ISO27001:2022/4.1", "ISO27001:2022/6.1"]
    assert card.fields.overlap_ids == ["ISO27701:2019/4.1"]
    assert [a.type for a in card.fields.ui.actions] == ["open_register", "start_workflow"]
    assert card.body.startswith("### 12) What is an")


def test_good_card_and_leading_separator_are_accepted(tmp_path: Path) -> None:
    assert messages(tmp_path, GOOD) == []
    assert messages(tmp_path, "---\n" + GOOD) == []


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    broken = GOOD.replace('packs:\n  - "ISO27001:2022"', 'packs: [ "ISO27001:2022"')
    (message,) = messages(tmp_path, broken)
    assert message.startswith(f"{tmp_path / 'c.md'}:")
    assert "YAML syntax error" in message
    line = int(message.split(":")[1])
    assert 4 <= line <= 6


def test_missing_required_field(tmp_path: Path) -> None:
    text = GOOD.replace("query: >-\n  Is this a good card?\n", "")
    assert messages(tmp_path, text) == [f"{tmp_path / 'c.md'}:1: missing required field 'query'"]


def test_wrong_type_points_at_its_line(tmp_path: Path) -> None:
    text = GOOD.replace("graph_required: false", "graph_required: [1, 2]")
    (message,) = messages(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'c.md'}:23: graph_required:")


def test_unknown_field_duplicate_field_and_bad_tag(tmp_path: Path) -> None:
    text = GOOD.replace('notes: "fine"', 'notes: "fine"\ncolour: "red"\nnotes: "again"')
    text = text.replace('  - "Register"', '  - "Magic"')
    found = messages(tmp_path, text)
    assert any(":26: duplicate field 'notes'" in m for m in found)
    assert any("unknown field 'colour'" in m for m in found)
    assert any(":10: capability_tags.0:" in m for m in found)


def test_malformed_reference_id(tmp_path: Path) -> None:
    text = GOOD.replace('  - "ISO27001:2022/6.1.2"\noverlap', '  - "clause six"\noverlap')
    (message,) = messages(tmp_path, text)
    assert ":7: primary_ids.0: 'clause six' is not a reference id" in message


def test_missing_separator_and_empty_body(tmp_path: Path) -> None:
    assert messages(tmp_path, "id: Q1\nquery: x\n") == [
        f"{tmp_path / 'c.md'}:2: no '---' line separating the front matter from the body"
    ]
    assert messages(tmp_path, GOOD.split("---\n")[0] + "---\n\n") == [
        f"{tmp_path / 'c.md'}:26: the card has no body"
    ]


def test_front_matter_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert messages(tmp_path, "- a\n- b\n---\nbody\n") == [
        f"{tmp_path / 'c.md'}:1: the front matter must be a mapping of fields"
    ]


def test_one_bad_card_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, "Q500.md", GOOD)
    write(tmp_path, "Q501.md", "id: [unclosed\n---\nbody\n")
    write(tmp_path, "Q502.md", GOOD.replace("Q500", "Q502"))
    write(tmp_path, "Q503.md", b"\xff\xfe not utf8".decode("latin-1"))
    (tmp_path / "Q504.md").write_bytes(b"\xff\xfe\x00bad")
    card_set = load_cards([tmp_path])
    assert sorted(card_set.cards) == ["Q500", "Q502"]
    files = sorted(p.path.name for p in card_set.problems)
    assert files == ["Q501.md", "Q503.md", "Q504.md"]


def test_duplicate_id_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", GOOD)
    card_set = load_cards([tmp_path])
    assert list(card_set.cards) == ["Q500"]
    (problem,) = card_set.problems
    assert (
        str(problem)
        == f"{tmp_path / 'b.md'}:1: duplicate card id Q500 (already in {tmp_path / 'a.md'})"
    )


def test_links_unknown_refs_actions_and_cross_references(tmp_path: Path) -> None:
    text = (
        GOOD.replace(
            '"ISO27001:2022/6.1.2"\noverlap_ids: []', '"ISO27001:2022/6.1.9"\noverlap_ids: []'
        )
        .replace('target: "isms_artifacts"', 'target: "everything"')
        .replace("See Q012.", "See Q012 and Q777–Q778.")
    )
    write(tmp_path, "Q500.md", text)
    card_set = load_cards([tmp_path])
    problems = check_card_links(card_set, default_catalog())
    rendered = [str(p) for p in problems]
    assert f"{tmp_path / 'Q500.md'}:6: unknown reference id 'ISO27001:2022/6.1.9'" in rendered
    assert any("unknown target 'everything' for open_register" in m for m in rendered)
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    # Q012 is not in this folder either
    assert [(w.line, w.message.rsplit(" ", 2)[-2:]) for w in warnings] == [
        (28, ["card(s)", "Q012"]),
        (28, ["Q777,", "Q778"]),
    ]


def test_cross_reference_ranges() -> None:
    (first, second) = find_cross_references("See Q091–Q093, then Q045; not FAQ12 or Q1.")
    assert first.ids() == ["Q091", "Q092", "Q093"]
    assert second.ids() == ["Q045"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_loader_never_raises_on_arbitrary_text(text: str) -> None:
    card, problems = parse_card(Path("fuzz.md"), text)
    if card is None:
        assert any(p.severity is Severity.ERROR for p in problems)
    assert all(p.path == Path("fuzz.md") and p.line >= 0 for p in problems)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(GOOD.splitlines(keepends=True)), max_size=40), st.text(max_size=20))
def test_loader_never_raises_on_shuffled_card_lines(lines: list[str], noise: str) -> None:
    parse_card(Path("fuzz.md"), "".join(lines) + noise)
