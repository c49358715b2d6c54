"""Comparing two versions: side by side with changed words marked, and as a unified diff."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

_WORD_OR_SPACE = re.compile(r"\s+|\S+")


class Change(StrEnum):
    EQUAL = "equal"
    REPLACE = "replace"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True)
class Segment:
    """Part of a line; ``changed`` marks the words that differ within a replaced line."""

    text: str
    changed: bool


@dataclass(frozen=True)
class DiffRow:
    change: Change
    left_number: int | None
    left: tuple[Segment, ...]
    right_number: int | None
    right: tuple[Segment, ...]
    starts_block: bool = False


def _words(line: str) -> list[str]:
    return _WORD_OR_SPACE.findall(line)


def _marked(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    old_words, new_words = _words(old), _words(new)
    left: list[Segment] = []
    right: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            left.append(Segment("".join(old_words[i1:i2]), tag != "equal"))
        if j2 > j1:
            right.append(Segment("".join(new_words[j1:j2]), tag != "equal"))
    return tuple(left), tuple(right)


def side_by_side(old: str, new: str) -> list[DiffRow]:
    """Rows pairing the old text's lines with the new text's; every change block is marked."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                line = old_lines[i1 + offset]
                rows.append(
                    DiffRow(
                        Change.EQUAL,
                        i1 + offset + 1,
                        (Segment(line, False),),
                        j1 + offset + 1,
                        (Segment(line, False),),
                    )
                )
            continue
        for offset in range(max(i2 - i1, j2 - j1)):
            left_index, right_index = i1 + offset, j1 + offset
            has_left, has_right = left_index < i2, right_index < j2
            if has_left and has_right:
                left, right = _marked(old_lines[left_index], new_lines[right_index])
                change = Change.REPLACE
            else:
                left = (Segment(old_lines[left_index], True),) if has_left else ()
                right = (Segment(new_lines[right_index], True),) if has_right else ()
                change = Change.DELETE if has_left else Change.INSERT
            rows.append(
                DiffRow(
                    change,
                    left_index + 1 if has_left else None,
                    left,
                    right_index + 1 if has_right else None,
                    right,
                    starts_block=offset == 0,
                )
            )
    return rows


def block_starts(rows: list[DiffRow]) -> list[int]:
    """Row indexes where a change begins, for next/previous change navigation."""
    return [index for index, row in enumerate(rows) if row.starts_block]


def unified(old: str, new: str, *, old_label: str, new_label: str, context: int = 3) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=old_label,
        tofile=new_label,
        n=context,
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
