"""Content a lead auditor reads: the question bank, the catalogs and the rendered templates.

These checks read the shipped files as they are and fail on the defects a reviewer would
raise: a reference that resolves to nothing, a button the card does not offer, a catalog
title that is not the standard's wording, an industry sample written into a client's
document as fact, a record dated the day it was generated.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from workbench.models import WorkspaceProfile
from workbench.services.cards.loader import Card, CardSet, find_cross_references, load_cards
from workbench.services.catalog.standards import REFERENCE_PATTERN, Catalog, default_catalog
from workbench.services.common.paths import resource, seeds_dir
from workbench.services.register.templates import load_templates, render, template_context

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
VIEWS = REPO / "workbench" / "views"
# The product owner's own card, Q012, is the shortest: about 226 words, 44 in its answer.
MIN_BODY_WORDS = 200
MIN_ANSWER_WORDS = 40
GENERATED_ON = date(2031, 5, 17)

# Words that only a particular sector's documents would use; outside a line marked as an
# example they mean a client's content was written into the template as fact.
SECTOR_WORDS = (
    "depot", "warehouse", "shipment", "telematics", "handheld", "logistics", "EDI",
    "patient", "clinical", "point-of-sale", "payment network", "drawings",
)  # fmt: skip
# Verbs that make a bold or quoted name an instruction to press something: "click" always,
# the others when the name is capitalised like a button ("use **Build ISMS Components**", not
# "use the **same method**").
PRESS = re.compile(
    r"\b(?P<verb>click|press|use|choose|select|open)\s+(?:the\s+)?"
    r"(?:\*\*(?P<bold>[^*]+)\*\*|[“\"](?P<quoted>[^”\"]+)[”\"])",
    re.IGNORECASE,
)
BOLD = re.compile(r"\*\*([^*]+)\*\*")

# The parts of an example set that describe a sector (categories and control references
# such as "Legal and regulatory" or "A.5.14" are shared with the generic rows).
SAMPLE_FIELDS = ("information", "information_in_scope", "units", "devices", "systems",
                 "risk_scenarios")  # fmt: skip
SAMPLE_COLUMNS = {
    "interfaces": ("party", "nature"),
    "external_issues": ("issue",),
    "internal_issues": ("issue",),
    "interested_parties": ("party", "requirements"),
}

MINIMAL_PROFILE = WorkspaceProfile(
    organisation_name="Minimal Ltd", isms_scope="All services", isms_owner="Ann Owner"
)
FULL_PROFILE = WorkspaceProfile(
    organisation_name="Full Profile GmbH",
    isms_scope="Online booking service and its support",
    isms_owner="Ben Owner",
    certification_target=date(2032, 3, 31),
    locations="London HQ",
    industry="Dental practices",
)


@pytest.fixture(scope="module")
def bank() -> CardSet:
    return load_cards([seeds_dir()])


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog()


def _cards(bank: CardSet) -> list[Card]:
    return bank.sorted_cards()


# The question bank


def test_bank_is_exactly_q001_to_q100(bank: CardSet) -> None:
    assert [str(p) for p in bank.problems] == []
    assert sorted(bank.cards) == [f"Q{n:03d}" for n in range(1, 101)]
    for card in _cards(bank):
        assert card.path.name == f"{card.id}.md"


def test_every_reference_of_every_card_resolves(bank: CardSet, catalog: Catalog) -> None:
    unresolved = [
        f"{card.id}: {ref}"
        for card in _cards(bank)
        for ref in [*card.references, *(source.id for source in card.fields.sources)]
        if ref not in catalog
    ]
    assert unresolved == []


def test_every_card_cites_each_reference_among_its_sources(bank: CardSet) -> None:
    for card in _cards(bank):
        cited = {source.id for source in card.fields.sources}
        assert set(card.references) <= cited, card.id


def _gui_labels() -> set[str]:
    """Every string literal of the views, as a user reads it: no mnemonic '&', no ellipsis."""
    labels: set[str] = set()
    for path in VIEWS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                labels.add(node.value.replace("&", "").rstrip(".…").strip())
    return labels


def test_every_button_a_card_names_is_one_of_its_actions(bank: CardSet) -> None:
    action_labels = {a.label for card in _cards(bank) for a in card.fields.ui.actions}
    gui = _gui_labels()
    wrong = []
    for card in _cards(bank):
        own = {a.label for a in card.fields.ui.actions}
        for name in BOLD.findall(card.body):
            if name in action_labels and name not in own:
                wrong.append(f"{card.id}: **{name}** is not one of its actions")
        for match in PRESS.finditer(card.body):
            name = (match.group("bold") or match.group("quoted")).strip()
            if match.group("verb").lower() not in ("click", "press") and not name[0].isupper():
                continue
            if name not in own and name not in gui:
                wrong.append(f"{card.id}: tells the reader to press '{name}', which does not exist")
    assert wrong == []


def test_every_cross_reference_names_an_existing_card(bank: CardSet) -> None:
    missing = [
        f"{card.id}: {reference.text}"
        for card in _cards(bank)
        for reference in find_cross_references(card.body)
        if any(card_id not in bank.cards for card_id in reference.ids())
    ]
    assert missing == []
    see_also = sum(len(find_cross_references(card.body)) for card in _cards(bank))
    assert see_also > 100  # the bank links its cards; a broken pattern would find none


def test_no_card_body_is_a_stub(bank: CardSet) -> None:
    short = [
        f"{card.id}: {len(card.body.split())} words"
        for card in _cards(bank)
        if len(card.body.split()) < MIN_BODY_WORDS
    ]
    assert short == []
    for card in _cards(bank):
        for heading in ("**Plain-English answer**", "**Why it matters**", "**Sources**"):
            assert heading in card.body, f"{card.id} has no {heading}"
        answer = card.body.split("**Plain-English answer**", 1)[1].split("**Applies to**")[0]
        assert len(answer.split()) >= MIN_ANSWER_WORDS, f"{card.id}: the answer is a stub"


# The catalogs


def _reviewed(*names: str) -> dict[str, str]:
    titles: dict[str, str] = {}
    for name in names:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                local_id, title = line.split(" ", 1)
                assert local_id not in titles, f"{name}: {local_id} listed twice"
                titles[local_id] = title
    return titles


REVIEWED_TITLES = {
    "ISO27001:2022": ("annex_a_titles.txt", "catalog_titles/iso27001-2022.txt"),
    "ISO27701:2019": ("catalog_titles/iso27701-2019.txt",),
    "ISO17021-1:2015": ("catalog_titles/iso17021-1-2015.txt",),
    "ISO27006-1:2024": ("catalog_titles/iso27006-1-2024.txt",),
}


def test_annex_a_list_has_the_93_controls() -> None:
    controls = _reviewed("annex_a_titles.txt")
    assert len(controls) == 93
    for theme, count in (("A.5", 37), ("A.6", 8), ("A.7", 14), ("A.8", 34)):
        assert {f"{theme}.{n}" for n in range(1, count + 1)} <= set(controls)


@pytest.mark.parametrize("pack", sorted(REVIEWED_TITLES))
def test_catalog_titles_match_the_reviewed_list(pack: str, catalog: Catalog) -> None:
    shipped = {entry.local_id: entry.title for entry in catalog.entries_of(pack)}
    reviewed = _reviewed(*REVIEWED_TITLES[pack])
    differences = [
        f"{local_id}: catalog {shipped.get(local_id)!r}, reviewed {reviewed.get(local_id)!r}"
        for local_id in sorted(shipped.keys() | reviewed.keys())
        if shipped.get(local_id) != reviewed.get(local_id)
    ]
    assert differences == []


def test_every_catalog_has_a_reviewed_title_list(catalog: Catalog) -> None:
    assert set(catalog.packs) == set(REVIEWED_TITLES)


def test_27002_wordings_are_kept_as_aliases(catalog: Catalog) -> None:
    entry = catalog.get("ISO27001:2022/A.8.1")
    assert entry is not None
    assert entry.title == "User end point devices"
    assert entry.aliases == ("User endpoint devices",)
    assert "Privacy and protection of PII" in catalog.search_text("ISO27001:2022/A.5.34")


def test_27701_has_its_annexes_and_says_it_was_superseded(catalog: Catalog) -> None:
    controller = catalog.entries_of("ISO27701:2019", kind="control")
    assert sum(1 for e in controller if e.local_id.startswith("A.7.")) == 31
    assert sum(1 for e in controller if e.local_id.startswith("B.8.")) == 18
    for entry in controller:
        # Annex A/B control x is the control that clause x gives guidance for.
        assert catalog.title(f"ISO27701:2019/{entry.local_id[2:]}") == entry.title
    pack = catalog.packs["ISO27701:2019"]
    assert pack.superseded_by == "ISO/IEC 27701:2025"
    assert "2025" in pack.transition_note and "transition" in pack.transition_note
    assert catalog.label("ISO27701:2019/5.2.1").startswith(
        "ISO/IEC 27701:2019 (superseded by ISO/IEC 27701:2025) 5.2.1"
    )


def test_reference_ids_may_carry_a_part_number() -> None:
    assert REFERENCE_PATTERN.match("ISO17021-1:2015/9.6.2")
    assert REFERENCE_PATTERN.match("ISO27701:2019/B.8.5.8")
    assert not REFERENCE_PATTERN.match("ISO17021-:2015/9.6.2")


# The templates


def _render_all(profile: WorkspaceProfile, today: date = GENERATED_ON) -> dict[str, str]:
    context = template_context(
        profile, document_owner=profile.isms_owner, review_interval_months=12, today=today
    )
    return {key: render(template, context) for key, template in load_templates().items()}


def _example_sets() -> list[dict[str, Any]]:
    data = yaml.safe_load(resource("templates", "industry-examples.yaml").read_text("utf-8"))
    return [data["default"], *data["sectors"]]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


# An example is marked either by its whole line ("*Example:*" rows and bullets, "*(example)*"
# ids, the "Example scenarios" list) or by the placeholder bracket it sits in
# ("[TO COMPLETE: ..., for example ...]").
MARKED_LINE = re.compile(r"\*Example\b|\*\(example\)\*|\bExample scenarios\b")
MARKED_SPAN = re.compile(r"\[TO COMPLETE:[^\]]*\bexample\b[^\]]*\]", re.IGNORECASE)


def _unmarked(text: str) -> str:
    """The text of a rendered document with every marked example taken out."""
    return "\n".join(
        MARKED_SPAN.sub("", line) for line in text.splitlines() if not MARKED_LINE.search(line)
    )


@pytest.mark.parametrize("profile", [MINIMAL_PROFILE, FULL_PROFILE], ids=["minimal", "full"])
def test_templates_render_completely_with_no_industry_sample_as_fact(
    profile: WorkspaceProfile,
) -> None:
    for key, text in _render_all(profile).items():
        assert "{{" not in text and "{%" not in text and "{#" not in text, key
        for line in _unmarked(text).splitlines():
            for word in SECTOR_WORDS:
                assert not re.search(rf"\b{re.escape(word)}s?\b", line, re.IGNORECASE), (key, line)


@pytest.mark.parametrize("examples", _example_sets(), ids=lambda e: str(e.get("key", "default")))
def test_every_industry_example_is_marked_as_an_example(examples: dict[str, Any]) -> None:
    industry = examples["keywords"][0] if "keywords" in examples else ""
    profile = FULL_PROFILE.model_copy(update={"industry": industry})
    rendered = _render_all(profile)
    samples = [s for field in SAMPLE_FIELDS for s in _strings(examples[field])]
    samples += [
        row[column]
        for field, columns in SAMPLE_COLUMNS.items()
        for row in examples[field]
        for column in columns
    ]
    shown = set()
    for key, text in rendered.items():
        unmarked = _unmarked(text)
        for sample in samples:
            if sample in text:
                shown.add(sample)
                assert sample not in unmarked, (key, sample)
    assert shown == set(samples)  # every example reaches some document


def test_locations_are_places_never_a_jurisdiction() -> None:
    for key, text in _render_all(FULL_PROFILE).items():
        for line in text.splitlines():
            if "London HQ" in line:
                assert not re.search(r"\blaws?\b|legal|jurisdiction", line, re.IGNORECASE), (
                    key,
                    line,
                )


def test_no_record_is_dated_the_day_it_was_generated() -> None:
    day = GENERATED_ON.isoformat()
    for key, text in _render_all(FULL_PROFILE).items():
        for line in text.splitlines():
            if day in line:
                # The document's own effective date, and the start of the audit programme year.
                assert line.startswith("| Effective date |") or "12-month period" in line, (
                    key,
                    line,
                )


def test_risk_register_rates_current_not_inherent_risk() -> None:
    text = _render_all(MINIMAL_PROFILE)["risk-register"]
    assert "| Current risk |" in text
    assert "Inherent risk |" not in text
    assert "Full (initial)" not in text


def test_statement_of_applicability_decides_nothing_in_advance(catalog: Catalog) -> None:
    text = _render_all(MINIMAL_PROFILE)["statement-of-applicability"]
    covered = {
        catalog.get(ref).local_id: template.title  # type: ignore[union-attr]
        for template in load_templates().values()
        for ref in template.refs
        if ref in catalog and catalog.get(ref).is_control  # type: ignore[union-attr]
    }
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"A\.\d+\.\d+", cells[0]):
            rows[cells[0]] = cells
    assert len(rows) == 93
    for control, cells in rows.items():
        assert cells[2] == "To decide" and cells[4] == "To decide", control
        if control in covered:
            assert covered[control] in cells[5], control
        else:
            assert cells[5] == "[TO COMPLETE]", control
    assert len(covered) > 20
    summary = text[text.index("## 6. Summary") : text.index("## 7.")]
    for line in summary.splitlines()[4:9]:
        counts = [cell.strip() for cell in line.strip("|").split("|")][3:]
        assert counts == ["[count]"] * 5, line


def test_policy_names_its_approvers_and_the_topic_policies_of_27002() -> None:
    text = _render_all(FULL_PROFILE)["information-security-policy"]
    assert "approved by the ISMS owner (Ben Owner)" in text
    approval = text[text.index("## 11. Approval") :]
    assert "[TO COMPLETE" not in approval
    for topic in ("Networking security", "Configuration management", "Access control"):
        assert f"| {topic} |" in text, topic


def test_documented_information_cites_the_right_letters_of_7_5_3() -> None:
    text = _render_all(MINIMAL_PROFILE)["documented-information-procedure"]
    headings = [line for line in text.splitlines() if "7.5.3" in line and line.startswith("## ")]
    assert headings == [
        "## 6. Versioning and change control (ISO/IEC 27001:2022, 7.5.3 e)",
        "## 7. Availability, protection, distribution, access and use (ISO/IEC 27001:2022, "
        "7.5.3 a–c)",
        "## 8. Storage, preservation, retention and disposition (ISO/IEC 27001:2022, "
        "7.5.3 d, f; A.5.33)",
        "## 9. Documents of external origin (ISO/IEC 27001:2022, 7.5.3)",
    ]
