"""What parsing a text file gave, kept between runs so an unchanged file is not parsed again.

Start-up reads the shipped catalogs and every question card, and building Python data from
their YAML is most of that time. A :class:`ParseCache` keeps each file's parsed data as JSON, under
the file's path, size and modification time, like Python's own bytecode cache: a file that
changed in any of them is parsed again.

The cache only ever saves time. An entry is plain JSON data that its reader checks as it would
check the file (the cards go through the same validation), an unreadable, foreign or older cache
file is ignored and rewritten, and a cache that cannot be written is not kept. Nothing in it is
executed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.services.common.fileio import atomic_path
from workbench.services.common.paths import cache_dir

# Raised whenever what is stored changes meaning; a cache of another format is ignored.
FORMAT = 1
# A cache larger than this is not ours to read: ignored, and replaced by the next save.
MAX_CACHE_BYTES = 64 * 1024 * 1024


class ParseCache:
    """Parsed data of text files, by path; see the module's doc.

    ``kind`` names what is cached ("cards", "catalogs"): it is the file's name and part of its
    header, so that one cache is never read as another.
    """

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        self._entries: dict[str, dict[str, Any]] = {}
        self._used: set[str] = set()
        self._changed = False
        self._read()

    @classmethod
    def named(cls, kind: str) -> ParseCache:
        """The cache of this kind in the user's cache folder."""
        return cls(cache_dir() / f"{kind}.json", kind)

    def get(self, source: Path) -> Any | None:
        """What ``source`` parsed to last time, if it has not changed since; else None."""
        key = _key(source)
        entry = self._entries.get(key)
        stamp = _stamp(source)
        if entry is None or stamp is None or entry.get("stamp") != stamp:
            return None
        self._used.add(key)
        return entry.get("data")

    def put(self, source: Path, data: Any) -> None:
        """Keep what ``source`` parsed to; data that JSON cannot hold exactly is not kept."""
        stamp = _stamp(source)
        if stamp is None:
            return
        try:
            if json.loads(json.dumps(data)) != data:
                return
        except (TypeError, ValueError, RecursionError):  # dates, sets, deep nesting...
            return
        self._entries[_key(source)] = {"stamp": stamp, "data": data}
        self._used.add(_key(source))
        self._changed = True

    def save(self) -> None:
        """Write the cache when it changed, without the entries of files gone; never raises.

        An entry this run did not use stays while its file exists: the command line loads the
        shipped cards alone, and should not cost the window a re-parse of the user's packs.
        """
        gone = [key for key in set(self._entries) - self._used if _stamp(Path(key)) is None]
        if not self._changed and not gone:
            return
        for key in gone:  # renamed or deleted: the entry would only grow the file
            del self._entries[key]
        document = {"format": FORMAT, "kind": self.kind, "version": __version__,
                    "entries": self._entries}  # fmt: skip
        try:
            with atomic_path(self.path) as temporary:
                temporary.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        except OSError:
            return  # a read-only or full disk: the next start parses again, nothing else
        self._changed = False

    def _read(self) -> None:
        try:
            if self.path.stat().st_size > MAX_CACHE_BYTES:
                return
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # missing, unreadable, not JSON
            return
        if (
            isinstance(document, dict)
            and document.get("format") == FORMAT
            and document.get("kind") == self.kind
            and document.get("version") == __version__
            and isinstance(document.get("entries"), dict)
        ):
            self._entries = {
                key: entry for key, entry in document["entries"].items() if isinstance(entry, dict)
            }


@contextmanager
def parse_cache(kind: str) -> Iterator[ParseCache]:
    """The named cache, saved when the block ends without an error."""
    cache = ParseCache.named(kind)
    yield cache
    cache.save()


def _key(source: Path) -> str:
    # Absolute: a relative path means another file from another working folder.
    return os.path.abspath(source)


def _stamp(source: Path) -> list[int] | None:
    try:
        status = os.stat(source)
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns]
