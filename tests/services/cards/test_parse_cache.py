"""The parse cache: an unchanged card or catalog is not parsed again, a changed one is, and a
damaged, foreign or unwritable cache costs a re-parse, never a wrong card or an error."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from workbench import __version__
from workbench.services.cards import loader
from workbench.services.cards.library import load_library
from workbench.services.catalog import standards
from workbench.services.common.parse_cache import ParseCache, parse_cache

CARD = """id: Q{number}
query: Who owns {topic}?
packs: [ISO27001:2022]
primary_ids: [ISO27001:2022/5.3]
ui:
  actions:
    - type: open_register
      target: isms_artifacts
      label: Open the policy
---
Name an owner for {topic}.
"""


def _pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir()
    for number, topic in ((901, "backups"), (902, "logging")):
        (folder / f"Q{number}.md").write_text(
            CARD.format(number=number, topic=topic), encoding="utf-8"
        )
    return folder


def _cards_cache(home: Path) -> Path:
    return home / "cache" / "cards.json"


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed: list[Path] = []
    real = loader.parse_card

    def counting(path: Path, text: str) -> Any:
        parsed.append(path)
        return real(path, text)

    monkeypatch.setattr(loader, "parse_card", counting)
    return parsed


def _touch(path: Path, text: str) -> None:
    """Rewrite a file and move its time on, as an editor saving a second later would."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def test_an_unchanged_library_loads_from_the_cache_alike(
    tmp_path: Path, isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _pack(tmp_path)
    parsed = _count_parses(monkeypatch)
    first = load_library([folder])
    assert len(parsed) == len(first.cards.cards) == 102  # the 100 seeds and the pack's two
    assert _cards_cache(isolated_user_dirs).is_file()

    parsed.clear()
    second = load_library([folder])
    assert parsed == []
    assert second.cards.cards == first.cards.cards
    assert second.cards.problems == first.cards.problems
    assert second.index.search("logging") == first.index.search("logging")


def test_a_changed_card_is_parsed_again_and_the_change_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _pack(tmp_path)
    load_library([folder])
    parsed = _count_parses(monkeypatch)
    _touch(folder / "Q902.md", CARD.format(number=902, topic="monitoring"))

    library = load_library([folder])

    assert parsed == [folder / "Q902.md"]
    assert library.cards.cards["Q902"].query == "Who owns monitoring?"


def test_a_card_with_a_problem_is_reported_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _pack(tmp_path)
    (folder / "Q903.md").write_text("id: Q903\nquery: Empty?\n---\nBody\n", encoding="utf-8")
    first = load_library([folder])
    parsed = _count_parses(monkeypatch)

    second = load_library([folder])

    assert parsed == [folder / "Q903.md"]
    assert [str(p) for p in second.problems] == [str(p) for p in first.problems]
    assert any("Q903.md" in str(problem) for problem in second.problems)


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00\xff not json at all",
        b'{"format": 1, "kind": "cards", "version": "0.0.0-other", "entries": {}}',
        b"[1, 2, 3]",
        b'{"format": 1, "kind": "catalogs", "version": "%s", "entries": {}}',
    ],
    ids=["garbage", "another-version", "not-a-mapping", "another-kind"],
)
def test_a_damaged_or_foreign_cache_file_is_ignored_and_rewritten(
    tmp_path: Path, isolated_user_dirs: Path, damage: bytes
) -> None:
    folder = _pack(tmp_path)
    expected = load_library([folder]).cards.cards
    cache_file = _cards_cache(isolated_user_dirs)
    cache_file.write_bytes(damage.replace(b"%s", __version__.encode()))

    assert load_library([folder]).cards.cards == expected
    document = json.loads(cache_file.read_text(encoding="utf-8"))
    assert (document["kind"], document["version"]) == ("cards", __version__)
    assert str(folder / "Q901.md") in document["entries"]


def test_a_tampered_entry_is_validated_and_the_file_read_instead(
    tmp_path: Path, isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _pack(tmp_path)
    load_library([folder])
    cache_file = _cards_cache(isolated_user_dirs)
    document = json.loads(cache_file.read_text(encoding="utf-8"))
    entries = document["entries"]
    entries[str(folder / "Q901.md")]["data"]["fields"]["primary_ids"] = ["not a reference"]
    entries[str(folder / "Q902.md")]["data"]["body_line"] = "seven"
    cache_file.write_text(json.dumps(document), encoding="utf-8")
    parsed = _count_parses(monkeypatch)

    library = load_library([folder])

    assert sorted(parsed) == [folder / "Q901.md", folder / "Q902.md"]
    assert library.cards.cards["Q901"].fields.primary_ids == ["ISO27001:2022/5.3"]
    assert library.cards.problems == []


def test_an_unwritable_cache_folder_costs_only_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _pack(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(blocker / "cache"))

    assert set(load_library([folder]).cards.cards) >= {"Q901", "Q902"}
    assert not (blocker / "cache").exists()


def test_entries_of_files_gone_are_dropped(tmp_path: Path, isolated_user_dirs: Path) -> None:
    folder = _pack(tmp_path)
    load_library([folder])
    (folder / "Q902.md").unlink()

    load_library([folder])

    entries = json.loads(_cards_cache(isolated_user_dirs).read_text(encoding="utf-8"))["entries"]
    assert str(folder / "Q901.md") in entries
    assert str(folder / "Q902.md") not in entries


def test_the_catalogs_come_from_the_cache_alike_unless_damaged(
    isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with parse_cache("catalogs") as parsed:
        first = standards.load_catalog(parsed=parsed)
    reads: list[str] = []
    real_load = standards.yaml.load

    def counting(text: str, Loader: Any) -> Any:  # noqa: N803 (yaml's own keyword)
        reads.append(text[:40])
        return real_load(text, Loader=Loader)

    monkeypatch.setattr(standards.yaml, "load", counting)
    with parse_cache("catalogs") as parsed:
        second = standards.load_catalog(parsed=parsed)
    assert reads == []
    assert list(second) == list(first)
    assert second.title("ISO27001:2022/A.5.1") == first.title("ISO27001:2022/A.5.1")

    cache_file = isolated_user_dirs / "cache" / "catalogs.json"
    document = json.loads(cache_file.read_text(encoding="utf-8"))
    damaged = next(iter(document["entries"]))
    document["entries"][damaged]["data"] = {"pack": "no entries"}
    cache_file.write_text(json.dumps(document), encoding="utf-8")
    with parse_cache("catalogs") as parsed:
        third = standards.load_catalog(parsed=parsed)
    assert len(reads) == 1
    assert list(third) == list(first)


def test_data_json_cannot_hold_exactly_is_not_kept(tmp_path: Path) -> None:
    from datetime import date

    source = tmp_path / "source.yaml"
    source.write_text("x", encoding="utf-8")
    cache = ParseCache(tmp_path / "c.json", "test")
    cache.put(source, {"when": date(2026, 12, 1)})
    cache.put(source, {"pair": (1, 2)})  # a tuple comes back a list
    assert cache.get(source) is None
    cache.put(source, {"fine": [1, "two", None, True, 2.5]})
    assert cache.get(source) == {"fine": [1, "two", None, True, 2.5]}


def test_the_same_relative_path_in_another_folder_is_another_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same name, same size, same time: only the folder they were named from tells them apart.
    for client, topic in (("a", "backups"), ("b", "logging")):
        (tmp_path / client / "pack").mkdir(parents=True)
        card = tmp_path / client / "pack" / "Q901.md"
        card.write_text(CARD.format(number=901, topic=topic), encoding="utf-8")
        os.utime(card, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    monkeypatch.chdir(tmp_path / "a")
    assert load_library([Path("pack")]).cards.cards["Q901"].query == "Who owns backups?"
    monkeypatch.chdir(tmp_path / "b")
    assert load_library([Path("pack")]).cards.cards["Q901"].query == "Who owns logging?"


def test_a_load_without_the_packs_keeps_their_entries(
    tmp_path: Path, isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _pack(tmp_path)
    load_library([folder])
    load_library([])  # the command line, say: the shipped cards alone
    parsed = _count_parses(monkeypatch)

    load_library([folder])

    assert parsed == []
