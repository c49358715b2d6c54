"""Counting what a document still leaves to the author: ``[TO COMPLETE`` markers and
``> **Guidance:**`` blocks that the templates put in and a finished document no longer has."""

from __future__ import annotations

import re

_MARKERS = re.compile(r"\[TO COMPLETE|^>\s*\*\*Guidance:\*\*", re.MULTILINE)


def count_placeholders(text: str) -> int:
    return len(_MARKERS.findall(text))
