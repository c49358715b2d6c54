"""The starter library of risk scenarios: complete, consistent with the catalog, searchable."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from workbench.services.catalog.standards import default_catalog
from workbench.services.risks.library import (
    RiskLibraryError,
    RiskScenario,
    load_scenarios,
    read_scenarios,
    search_scenarios,
)

LIBRARY_FILE = Path(__file__).resolve().parents[3] / "resources" / "risk-library" / "scenarios.yaml"
# Spelled out here rather than imported, so a loosened rule in the loader cannot pass unseen.
FIELDS = {
    "id", "title", "threat", "vulnerability", "consequence", "category", "asset_types", "cia",
    "controls", "typical_likelihood", "typical_impact",
}  # fmt: skip
CATEGORIES = {
    "malicious external", "malicious internal", "accidental", "environmental",
    "technical failure", "supplier", "organisational", "legal/compliance",
}  # fmt: skip
ASSET_TYPES = {"information", "service", "process", "system", "site", "people", "supplier"}
CIA = {"confidentiality", "integrity", "availability"}
LEVELS = {"low", "medium", "high"}


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(LIBRARY_FILE.read_text(encoding="utf-8"))
    return data


def _by_id(scenario_id: str) -> RiskScenario:
    (found,) = (s for s in load_scenarios() if s.id == scenario_id)
    return found


def test_library_holds_at_least_forty_scenarios_all_loaded_in_file_order() -> None:
    raw_ids = [item["id"] for item in _raw()["scenarios"]]
    assert len(raw_ids) >= 40
    assert [s.id for s in load_scenarios()] == raw_ids


def test_header_says_scenarios_are_starting_points_not_an_assessment() -> None:
    raw = _raw()
    assert raw["version"] == 1
    assert raw["catalog"] == "ISO27001:2022"
    note = " ".join(raw["note"].split()).lower()
    assert "starting points" in note
    assert "not an assessment" in note


def test_ids_are_unique_ascending_and_of_the_stable_form() -> None:
    ids = [s.id for s in load_scenarios()]
    assert all(re.fullmatch(r"LIB-\d{3}", ident) for ident in ids), ids
    assert len(set(ids)) == len(ids)
    # New scenarios are appended; an id is never renumbered or reused.
    assert ids == sorted(ids)


@pytest.mark.parametrize(
    ("scenario_id", "subject"),
    [("LIB-001", "ransomware"), ("LIB-022", "laptop"), ("LIB-024", "cloud storage"),
     ("LIB-042", "supplier"), ("LIB-048", "backups")],
)  # fmt: skip
def test_published_ids_keep_their_subject(scenario_id: str, subject: str) -> None:
    # Risks will record the scenario they came from, so an id must keep meaning the same thing.
    assert subject in _by_id(scenario_id).title.lower()


def test_titles_are_unique() -> None:
    titles = [s.title.casefold() for s in load_scenarios()]
    assert len(set(titles)) == len(titles)


def test_every_field_is_present_and_within_the_allowed_values() -> None:
    for item in _raw()["scenarios"]:
        where = item.get("id")
        assert set(item) == FIELDS, where
        for key in ("title", "threat", "vulnerability", "consequence"):
            assert isinstance(item[key], str) and item[key].strip(), (where, key)
        assert item["category"] in CATEGORIES, where
        assert item["asset_types"] and set(item["asset_types"]) <= ASSET_TYPES, where
        assert item["cia"] and set(item["cia"]) <= CIA, where
        assert item["typical_likelihood"] in LEVELS, where
        assert item["typical_impact"] in LEVELS, where
        for key in ("asset_types", "cia", "controls"):
            assert len(set(item[key])) == len(item[key]), (where, key)


def test_descriptions_are_one_or_two_plain_sentences() -> None:
    for scenario in load_scenarios():
        assert len(scenario.title) <= 60, scenario.id
        for text in (scenario.threat, scenario.vulnerability, scenario.consequence):
            assert text.endswith("."), (scenario.id, text)
            sentences = re.split(r"(?<=[.!?])\s+", text)
            assert 1 <= len(sentences) <= 2, (scenario.id, text)


def test_every_control_is_an_annex_a_control_of_the_2022_catalog() -> None:
    catalog = default_catalog()
    for scenario in load_scenarios():
        assert 3 <= len(scenario.controls) <= 8, scenario.id
        for ref in scenario.control_refs:
            entry = catalog.get(ref)
            assert entry is not None, (scenario.id, ref)
            assert entry.kind == "control", (scenario.id, ref)


def test_suggested_levels_are_spread_not_all_the_same() -> None:
    scenarios = load_scenarios()
    assert {s.typical_likelihood for s in scenarios} == LEVELS
    assert {s.typical_impact for s in scenarios} == LEVELS


def test_every_category_and_asset_type_is_used() -> None:
    scenarios = load_scenarios()
    assert {s.category for s in scenarios} == CATEGORIES
    assert {a for s in scenarios for a in s.asset_types} == ASSET_TYPES


def test_loading_is_cached() -> None:
    assert load_scenarios() is load_scenarios()


def test_search_finds_ransomware_in_any_case() -> None:
    assert [s.id for s in search_scenarios("ransomware")] == ["LIB-001"]
    assert search_scenarios("RansomWare") == search_scenarios("ransomware")


def test_search_by_control_id_finds_exactly_the_scenarios_listing_it() -> None:
    expected = [s.id for s in load_scenarios() if "A.8.13" in s.controls]
    assert len(expected) >= 3
    for query in ("A.8.13", "a.8.13", "8.13", "ISO27001:2022/A.8.13"):
        assert [s.id for s in search_scenarios(query)] == expected, query


def test_search_for_a_control_does_not_match_longer_control_ids() -> None:
    found = search_scenarios("A.8.1")
    assert found
    assert all("A.8.1" in s.controls for s in found)


def test_search_matches_threat_text_and_needs_every_word() -> None:
    by_threat = search_scenarios("usb stick")
    assert [s.id for s in by_threat] == ["LIB-010"]
    assert "usb" not in by_threat[0].title.lower()
    assert search_scenarios("printers") and search_scenarios("ransomware")
    assert search_scenarios("ransomware printers") == ()


def test_search_with_empty_text_lists_all_and_accepts_its_own_pool() -> None:
    assert search_scenarios("  ") == load_scenarios()
    pool = [_by_id("LIB-022"), _by_id("LIB-023")]
    assert [s.id for s in search_scenarios("lost", pool)] == ["LIB-022", "LIB-023"]
    assert search_scenarios("no such scenario anywhere") == ()


def test_the_shipped_file_reads_the_same_from_a_path() -> None:
    assert read_scenarios(LIBRARY_FILE) == load_scenarios()


def _second(data: dict[str, Any]) -> dict[str, Any]:
    scenario: dict[str, Any] = data["scenarios"][1]
    return scenario


BREAKAGES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("bad cia", lambda d: _second(d).update(cia=["secrecy"]), "scenario LIB-002: 'cia' has"),
    ("bad level", lambda d: _second(d).update(typical_impact="severe"), "'typical_impact' is"),
    ("bad category", lambda d: _second(d).update(category="aliens"), "'category' is 'aliens'"),
    ("bad asset", lambda d: _second(d).update(asset_types=["laptop"]), "'asset_types' has"),
    ("bad control", lambda d: _second(d).update(controls=["8.13"]), "'controls' has '8.13'"),
    ("no controls", lambda d: _second(d).update(controls=[]), "'controls' must be a non-empty"),
    ("twice", lambda d: _second(d).update(cia=["integrity"] * 2), "'cia' lists a value twice"),
    ("empty text", lambda d: _second(d).update(threat=" "), "'threat' must be non-empty text"),
    ("unknown field", lambda d: _second(d).update(contols=[]), "unknown field(s) contols"),
    ("missing field", lambda d: _second(d).pop("consequence"), "missing field(s) consequence"),
    ("bad id", lambda d: _second(d).update(id="R-2"), "scenario R-2: id 'R-2' is not of the form"),
    ("no id", lambda d: _second(d).update(id=None), "scenario #2: id None is not of the form"),
    ("not a mapping", lambda d: d["scenarios"].__setitem__(1, "oops"), "scenario #2: is not a"),
    ("repeated id", lambda d: _second(d).update(id="LIB-001"),
     "scenario #2: id repeats scenario #1 (LIB-001)"),
    ("repeated title", lambda d: _second(d).update(title=d["scenarios"][0]["title"].upper()),
     "scenario #2: title repeats scenario #1 (LIB-001)"),
    ("version", lambda d: d.update(version=2), "version is 2; expected 1"),
    ("catalog", lambda d: d.update(catalog="ISO27001:2013"), "catalog is 'ISO27001:2013'"),
    ("no note", lambda d: d.pop("note"), "'note' must say"),
    ("no scenarios", lambda d: d.update(scenarios={}), "'scenarios' must be a non-empty list"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("breakage", "expected"), [(b[1], b[2]) for b in BREAKAGES], ids=[b[0] for b in BREAKAGES]
)
def test_a_malformed_library_is_reported_naming_file_and_scenario(
    tmp_path: Path, breakage: Callable[[dict[str, Any]], None], expected: str
) -> None:
    data = copy.deepcopy(_raw())
    breakage(data)
    path = tmp_path / "scenarios.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(RiskLibraryError) as caught:
        read_scenarios(path)
    message = str(caught.value)
    assert message.startswith(f"risk library {path}: ")
    assert expected in message


def test_a_library_that_is_not_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.yaml"
    path.write_text("version: 1\nscenarios: [\n  - id: LIB-001\n", encoding="utf-8")
    with pytest.raises(RiskLibraryError, match="is not valid YAML") as caught:
        read_scenarios(path)
    assert str(path) in str(caught.value)
    assert "line" in str(caught.value)


def test_a_missing_library_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "gone.yaml"
    with pytest.raises(RiskLibraryError, match="cannot be read") as caught:
        read_scenarios(path)
    assert str(path) in str(caught.value)
