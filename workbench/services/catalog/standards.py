"""Standards catalogs: clause and control titles behind reference ids like ``ISO27001:2022/6.1``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from workbench.services.common.errors import ServiceError
from workbench.services.common.parse_cache import ParseCache, parse_cache
from workbench.services.common.paths import resource

# libyaml when the wheel has it: the catalogs load ten times faster at start-up.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A multi-part standard keeps its part number in the pack: ``ISO17021-1:2015/9.1.3``.
REFERENCE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:-\d+)?:\d{4}/(?:[A-Z]\.)?\d+(?:\.\d+)*$")


class CatalogError(ServiceError):
    """A catalog file is missing or malformed (a defect of the shipped resources)."""


@dataclass(frozen=True)
class CatalogEntry:
    ref: str
    pack: str
    local_id: str
    kind: str
    title: str
    parent: str | None
    summary: str
    theme: str | None
    # Other published wordings of the title (ISO/IEC 27002's for an Annex A control), so a
    # search for either finds it; the title itself is always the catalog's own standard's.
    aliases: tuple[str, ...] = ()

    @property
    def is_control(self) -> bool:
        return self.kind == "control"


@dataclass(frozen=True)
class Pack:
    pack: str
    title: str
    short_title: str
    # Set when a newer edition replaced this one; the note says what that means for the user.
    superseded_by: str | None = None
    transition_note: str = ""

    @property
    def display_title(self) -> str:
        """The short title, marked when the edition has been replaced."""
        if self.superseded_by:
            return f"{self.short_title} (superseded by {self.superseded_by})"
        return self.short_title


class Catalog:
    """All loaded packs. Entries keep file order, which is the standard's order."""

    def __init__(self, packs: Iterable[Pack], entries: Iterable[CatalogEntry]) -> None:
        self.packs = {pack.pack: pack for pack in packs}
        self._entries = {entry.ref: entry for entry in entries}

    def __contains__(self, ref: object) -> bool:
        return ref in self._entries

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self._entries.values())

    def get(self, ref: str) -> CatalogEntry | None:
        return self._entries.get(ref)

    def title(self, ref: str) -> str | None:
        entry = self._entries.get(ref)
        return entry.title if entry else None

    def label(self, ref: str) -> str:
        """``ISO/IEC 27001:2022 6.1 Actions to address risks...`` or the bare id if unknown."""
        entry = self._entries.get(ref)
        if entry is None:
            return ref
        pack = self.packs.get(entry.pack)
        prefix = pack.display_title if pack else entry.pack
        return f"{prefix} {entry.local_id} {entry.title}"

    def search_text(self, ref: str) -> str:
        """The words a search should find a reference by: its title and any aliases."""
        entry = self._entries.get(ref)
        if entry is None:
            return ""
        return " ".join((entry.title, *entry.aliases))

    def entries_of(self, pack: str, *, kind: str | None = None) -> list[CatalogEntry]:
        return [
            entry
            for entry in self._entries.values()
            if entry.pack == pack and (kind is None or entry.kind == kind)
        ]

    def unknown(self, refs: Iterable[str]) -> list[str]:
        return [ref for ref in refs if ref not in self._entries]


def _read_pack(
    source: Traversable, parsed: ParseCache | None = None
) -> tuple[Pack, list[CatalogEntry]]:
    # Only a real file has the size and time a cache entry is checked against.
    path = source if isinstance(source, Path) else None
    if parsed is not None and path is not None:
        cached = parsed.get(path)
        if cached is not None:
            try:
                return _pack_from(cached)
            except (KeyError, TypeError, AttributeError):
                pass  # a damaged cache entry: read the file itself
    try:
        data: Any = yaml.load(source.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        pack, entries = _pack_from(data)
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        raise CatalogError(f"catalog {source.name} is malformed: {error}") from error
    if parsed is not None and path is not None:
        parsed.put(path, data)
    return pack, entries


def _pack_from(data: Any) -> tuple[Pack, list[CatalogEntry]]:
    pack = Pack(
        pack=data["pack"],
        title=data["title"],
        short_title=data["short_title"],
        superseded_by=data.get("superseded_by"),
        transition_note=str(data.get("transition_note", "")).strip(),
    )
    entries = [
        CatalogEntry(
            ref=f"{pack.pack}/{item['id']}",
            pack=pack.pack,
            local_id=str(item["id"]),
            kind=item["kind"],
            title=item["title"],
            parent=item.get("parent"),
            summary=item.get("summary", ""),
            theme=item.get("theme"),
            aliases=tuple(str(alias) for alias in item.get("aliases", ())),
        )
        for item in data["entries"]
    ]
    return pack, entries


def load_catalog(
    sources: Iterable[Traversable] | None = None, *, parsed: ParseCache | None = None
) -> Catalog:
    """The catalogs in ``sources`` (default: the shipped ones); ``parsed`` spares re-parsing."""
    if sources is None:
        sources = sorted(
            (item for item in resource("catalogs").iterdir() if item.name.endswith(".yaml")),
            key=lambda item: item.name,
        )
    packs: list[Pack] = []
    entries: list[CatalogEntry] = []
    for source in sources:
        pack, pack_entries = _read_pack(source, parsed)
        packs.append(pack)
        entries.extend(pack_entries)
    return Catalog(packs, entries)


@cache
def default_catalog() -> Catalog:
    """The shipped catalogs, read once per process (from the parse cache when unchanged)."""
    with parse_cache("catalogs") as parsed:
        return load_catalog(parsed=parsed)
