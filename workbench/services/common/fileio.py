"""Writing files for people outside the workbench: a file is written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def make_shareable(path: Path) -> None:
    """Give a file the permissions a newly saved document gets (mkstemp makes it 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o666 & ~mask)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces it only when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        make_shareable(temporary)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def _write_text(target: Path, write: Callable[[IO[str]], None]) -> None:
    with atomic_path(target) as temporary, temporary.open("w", encoding="utf-8", newline="") as out:
        write(out)
