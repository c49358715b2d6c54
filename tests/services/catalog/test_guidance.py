"""The shipped Annex A guidance: complete, well formed, cross-referenced, and loudly malformed."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import yaml

from workbench.services.catalog import guidance as guidance_module
from workbench.services.catalog.guidance import (
    ControlGuidance,
    GuidanceError,
    guidance_source,
    load_guidance,
    read_guidance,
)
from workbench.services.catalog.standards import default_catalog

PACK = "ISO27001:2022"
NEW_IN_2022 = {
    "A.5.7", "A.5.23", "A.5.30", "A.7.4", "A.8.9", "A.8.10",
    "A.8.11", "A.8.12", "A.8.16", "A.8.23", "A.8.28",
}  # fmt: skip
NEW_MARKER = "New in the 2022 edition."
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _annex_a_ids() -> list[str]:
    return [
        entry.local_id
        for entry in default_catalog().entries_of(PACK, kind="control")
        if entry.local_id.startswith("A.")
    ]


def _sentences(text: str) -> list[str]:
    return SENTENCE_END.split(text)


@pytest.fixture(scope="module")
def shipped() -> dict[str, ControlGuidance]:
    return load_guidance()


def test_every_annex_a_control_has_guidance_and_nothing_else(
    shipped: dict[str, ControlGuidance],
) -> None:
    expected = _annex_a_ids()
    assert len(expected) == 93
    assert sorted(shipped) == sorted(expected)
    assert all(item.control_id == key for key, item in shipped.items())


def test_guidance_follows_the_catalog_order(shipped: dict[str, ControlGuidance]) -> None:
    # The file is reviewed side by side with the standard; the same order keeps that easy.
    assert list(shipped) == _annex_a_ids()


def test_asks_is_two_to_four_plain_sentences(shipped: dict[str, ControlGuidance]) -> None:
    problems = []
    for control_id, item in shipped.items():
        count = len(_sentences(item.asks))
        if not 2 <= count <= 4 or not 150 <= len(item.asks) <= 700:
            problems.append(f"{control_id}: {count} sentences, {len(item.asks)} characters")
        if not item.asks.endswith("."):
            problems.append(f"{control_id}: 'asks' does not end with a full stop")
    assert problems == []


def test_no_text_carries_line_wrapping_artefacts(shipped: dict[str, ControlGuidance]) -> None:
    # A folded scalar turns a line break after "topic-" into "topic- specific".
    broken = [
        f"{control_id}: {text[:60]!r}"
        for control_id, item in shipped.items()
        for text in (item.asks, *item.typical, *item.evidence, *item.pitfalls)
        if re.search(r"\w- \w", text) or "  " in text
    ]
    assert broken == []


def test_bullet_lists_have_the_agreed_length(shipped: dict[str, ControlGuidance]) -> None:
    problems = []
    for control_id, item in shipped.items():
        for name, bullets, low, high in (
            ("typical", item.typical, 3, 6),
            ("evidence", item.evidence, 3, 6),
            ("pitfalls", item.pitfalls, 0, 3),
        ):
            if not low <= len(bullets) <= high:
                problems.append(f"{control_id} {name}: {len(bullets)} bullets")
            for bullet in bullets:
                if len(bullet) < 20 or not bullet[0].isupper() or bullet.endswith("."):
                    problems.append(f"{control_id} {name}: {bullet!r}")
            if len(set(bullets)) != len(bullets):
                problems.append(f"{control_id} {name}: repeated bullet")
    assert problems == []


def test_every_related_reference_exists_in_the_catalog(
    shipped: dict[str, ControlGuidance],
) -> None:
    catalog = default_catalog()
    problems = []
    for control_id, item in shipped.items():
        unknown = [ref for ref in item.related if f"{PACK}/{ref}" not in catalog]
        if unknown:
            problems.append(f"{control_id}: unknown {unknown}")
        if control_id in item.related or len(set(item.related)) != len(item.related):
            problems.append(f"{control_id}: refers to itself or repeats a reference")
    assert problems == []
    assert sum(len(item.related) for item in shipped.values()) > 93


def test_exactly_the_new_2022_controls_are_marked_new(
    shipped: dict[str, ControlGuidance],
) -> None:
    marked = {control_id for control_id, item in shipped.items() if NEW_MARKER in item.asks}
    assert marked == NEW_IN_2022


def test_the_header_says_it_is_guidance_with_a_review_date() -> None:
    header = yaml.safe_load(guidance_source().read_text(encoding="utf-8"))
    assert header["pack"] == PACK
    assert "not the text of ISO/IEC 27001" in header["note"]
    assert isinstance(header["reviewed"], datetime.date)


# --- a malformed file is reported with the file and the control --------------------------------


def _shipped_copy(tmp_path: Path, replace: str, by: str) -> Path:
    text = guidance_source().read_text(encoding="utf-8")
    assert replace in text
    target = tmp_path / "iso27001-2022-annex-a.yaml"
    target.write_text(text.replace(replace, by, 1), encoding="utf-8")
    return target


def test_a_bullet_that_turned_into_a_mapping_names_the_control(tmp_path: Path) -> None:
    # An unquoted "label: text" bullet is the slip a writer most easily makes in YAML.
    broken = _shipped_copy(
        tmp_path,
        "      - Runbooks for routine IT tasks",
        "      - Runbooks: routine IT tasks",
    )
    with pytest.raises(GuidanceError) as raised:
        read_guidance(broken)
    message = str(raised.value)
    assert "iso27001-2022-annex-a.yaml" in message
    assert "control A.5.37" in message
    assert "'typical' item 1 must be text, not a mapping" in message


def test_a_missing_field_names_the_control(tmp_path: Path) -> None:
    broken = _shipped_copy(tmp_path, "  A.8.17:\n    asks:", "  A.8.17:\n    question:")
    with pytest.raises(GuidanceError, match=r"control A\.8\.17 lacks asks"):
        read_guidance(broken)


def test_a_misspelt_field_is_refused(tmp_path: Path) -> None:
    broken = _shipped_copy(tmp_path, "    pitfalls:\n", "    pitfall:\n")
    with pytest.raises(GuidanceError, match=r"control A\.5\.1 has unknown field\(s\) pitfall"):
        read_guidance(broken)


def test_a_control_pasted_twice_is_refused(tmp_path: Path) -> None:
    broken = _shipped_copy(tmp_path, "  A.5.2:\n", "  A.5.1:\n")
    with pytest.raises(GuidanceError, match=r"'A\.5\.1' appears twice") as raised:
        read_guidance(broken)
    assert 'in "iso27001-2022-annex-a.yaml", line' in str(raised.value)


def test_an_unquoted_clause_reference_is_refused(tmp_path: Path) -> None:
    # YAML reads 7.5 as a number; the loader must not quietly turn it into "7.5".
    broken = _shipped_copy(tmp_path, 'related: ["7.5", A.8.9', "related: [7.5, A.8.9")
    with pytest.raises(GuidanceError, match=r"control A\.5\.37 'related' item 1"):
        read_guidance(broken)


def test_a_misnamed_header_key_is_refused(tmp_path: Path) -> None:
    broken = _shipped_copy(tmp_path, "\ncontrols:\n", "\ncontrol:\n")
    with pytest.raises(GuidanceError, match=r"annex-a\.yaml lacks controls"):
        read_guidance(broken)


@pytest.mark.parametrize("text", ["pack: [unclosed\n", "? [a, b]\n: c\n"])
def test_unreadable_yaml_names_the_file(tmp_path: Path, text: str) -> None:
    broken = tmp_path / "iso27001-2022-annex-a.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(GuidanceError, match=r"guidance file iso27001-2022-annex-a\.yaml"):
        read_guidance(broken)


def test_load_guidance_reports_a_malformed_shipped_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = _shipped_copy(tmp_path, "reviewed: ", "reviewed: not-a-date # ")
    monkeypatch.setattr(guidance_module, "guidance_source", lambda: broken)
    load_guidance.cache_clear()
    try:
        with pytest.raises(GuidanceError, match=r"'reviewed' must be a date"):
            load_guidance()
    finally:
        load_guidance.cache_clear()


def test_load_guidance_reads_once() -> None:
    assert load_guidance() is load_guidance()
