"""Question cards: YAML front matter, a ``---`` line, then a Markdown body.

Loading never raises on bad input. Every problem becomes a :class:`Problem` naming the file and
line, and one bad card never stops the others from loading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from workbench.services.cards import actions
from workbench.services.catalog.standards import REFERENCE_PATTERN, SAFE_LOADER, Catalog
from workbench.services.common.parse_cache import ParseCache

CARD_ID_PATTERN = re.compile(r"^Q\d+$")
# A card is a page of text; a file far larger is a mistake or an attack, and is not parsed.
MAX_CARD_BYTES = 1_000_000
# "Q091–Q100" (a range, en dash or hyphen) or a single "Q045"; not inside words like "FAQ12".
CROSS_REFERENCE_PATTERN = re.compile(r"\b(Q\d{3,})(?:\s*[–-]\s*(Q\d{3,}))?\b")

CapabilityTag = Literal["Draft Doc", "Versioning", "Approval", "Register", "Planner"]
CAPABILITY_TAGS: tuple[str, ...] = ("Draft Doc", "Versioning", "Approval", "Register", "Planner")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


def _reference_id(value: str) -> str:
    if not REFERENCE_PATTERN.match(value):
        raise ValueError(f"'{value}' is not a reference id like ISO27001:2022/6.1")
    return value


ReferenceId = Annotated[str, AfterValidator(_reference_id)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    title: str
    id: ReferenceId
    locator: str = ""


class CardAction(_Strict):
    type: str
    target: str
    label: str = Field(min_length=1)


class CardUI(_Strict):
    cards_hint: list[str] = []
    actions: list[CardAction] = []


class CardFields(_Strict):
    """The front matter, as validated. Field names follow the card format in DESIGN.md."""

    id: str = Field(pattern=CARD_ID_PATTERN.pattern)
    query: str = Field(min_length=1)
    packs: list[str] = Field(min_length=1)
    primary_ids: list[ReferenceId] = Field(min_length=1)
    overlap_ids: list[ReferenceId] = []
    capability_tags: list[CapabilityTag] = []
    flags: list[str] = []
    sources: list[Source] = []
    ui: CardUI = CardUI()
    output_mode: Literal["text", "actions", "both"] = "both"
    graph_required: bool = False
    notes: str = ""


@dataclass(frozen=True)
class Card:
    fields: CardFields
    body: str
    path: Path
    body_line: int
    # Where each front-matter key sits, for problems found after loading.
    key_lines: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        return self.fields.id

    @property
    def query(self) -> str:
        return self.fields.query.strip()

    @property
    def number(self) -> int:
        return int(self.fields.id[1:])

    @property
    def references(self) -> list[str]:
        return [*self.fields.primary_ids, *self.fields.overlap_ids]


@dataclass
class CardSet:
    cards: dict[str, Card] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def sorted_cards(self) -> list[Card]:
        return sorted(self.cards.values(), key=lambda card: (card.number, card.id))


@dataclass(frozen=True)
class CrossReference:
    """A mention of another card in a body: one id, or a range ``first``..``last``."""

    start: int
    end: int
    text: str
    first: str
    last: str

    def ids(self) -> list[str]:
        low, high = int(self.first[1:]), int(self.last[1:])
        width = max(len(self.first), len(self.last)) - 1
        return [f"Q{number:0{width}d}" for number in range(low, high + 1)]


def find_cross_references(text: str) -> list[CrossReference]:
    found = []
    for match in CROSS_REFERENCE_PATTERN.finditer(text):
        first, last = match.group(1), match.group(2) or match.group(1)
        if int(last[1:]) < int(first[1:]):
            first, last = last, first
        found.append(CrossReference(match.start(), match.end(), match.group(0), first, last))
    return found


class _CardFormatError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def split_front_matter(text: str) -> tuple[str, int, str, int]:
    """Return (front matter, its first line, body, the body's first line); lines count from 1."""
    lines = text.splitlines(keepends=True)
    first = 0
    if lines and lines[0].strip() == "---":
        first = 1  # a leading '---' line is accepted too
    for index in range(first, len(lines)):
        if lines[index].rstrip("\r\n") == "---":
            front = "".join(lines[first:index])
            body = "".join(lines[index + 1 :])
            return front, first + 1, body, index + 2
    raise _CardFormatError(
        len(lines) or 1, "no '---' line separating the front matter from the body"
    )


def _locate(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The 0-based line of the YAML node a pydantic error location points at."""
    line = node.start_mark.line if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                return line
            key_node = next(k for k, v in node.value if v is match)
            node, line = match, key_node.start_mark.line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line
        else:
            return line
    return line


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    if kind == "missing":
        return f"missing required field '{loc}'"
    if kind == "extra_forbidden":
        return f"unknown field '{loc}'"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{loc}: {message}" if loc else message


def _duplicate_keys(node: yaml.Node, path: Path, offset: int) -> Iterator[Problem]:
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key, value in node.value:
            key_value = getattr(key, "value", None)
            if isinstance(key_value, str):
                if key_value in seen:
                    yield Problem(
                        path, offset + key.start_mark.line, f"duplicate field '{key_value}'"
                    )
                seen.add(key_value)
            yield from _duplicate_keys(value, path, offset)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item, path, offset)


class _CardFormatYAMLError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _refuse_anchors(front: str) -> None:
    """Refuse anchors (``&name``) and aliases (``*name``): a card has no use for them, and
    nested aliases make a few lines expand to billions of items (a "billion laughs" file)."""
    if "&" not in front and "*" not in front:
        return  # the common case: no need to read the file twice
    for event in yaml.parse(front, Loader=SAFE_LOADER):
        line = event.start_mark.line if event.start_mark is not None else 0
        if isinstance(event, yaml.AliasEvent):
            raise _CardFormatYAMLError(
                line, f"YAML aliases (*{event.anchor}) are not allowed in a card"
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _CardFormatYAMLError(line, f"YAML anchors (&{anchor}) are not allowed in a card")


def _compose_and_construct(front: str) -> tuple[yaml.Node | None, object]:
    """Parse once, keeping the node tree (for line numbers) and the constructed data."""
    _refuse_anchors(front)
    loader = SAFE_LOADER(front)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def parse_card(path: Path, text: str) -> tuple[Card | None, list[Problem]]:
    """Parse one card's text. Never raises: every defect is returned as a problem."""
    if len(text) > MAX_CARD_BYTES or len(text.encode("utf-8")) > MAX_CARD_BYTES:
        return None, [Problem(path, 1, _too_large(len(text.encode("utf-8"))))]
    try:
        front, front_line, body, body_line = split_front_matter(text)
    except _CardFormatError as error:
        return None, [Problem(path, error.line, error.message)]
    offset = front_line  # YAML lines are 0-based within the front matter
    try:
        node, data = _compose_and_construct(front)
    except _CardFormatYAMLError as error:
        return None, [Problem(path, offset + error.line, error.message)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = offset + (mark.line if mark else 0)
        reason = error.problem or error.context or "malformed YAML"
        return None, [Problem(path, line, f"YAML syntax error: {reason}")]
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        return None, [Problem(path, front_line, f"unreadable front matter: {error}")]
    if not isinstance(data, dict) or node is None:
        return None, [Problem(path, front_line, "the front matter must be a mapping of fields")]
    problems = list(_duplicate_keys(node, path, offset))
    try:
        fields = CardFields.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            located = _locate(node, tuple(detail["loc"]))
            problems.append(Problem(path, offset + (located or 0), _describe(dict(detail))))
        return None, problems
    if not body.strip():
        problems.append(Problem(path, body_line, "the card has no body"))
    key_lines = {
        str(key.value): offset + key.start_mark.line
        for key, _value in node.value
        if isinstance(node, yaml.MappingNode)
    }
    return Card(fields, body, path, body_line, key_lines), problems


def _card_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.glob("*.md") if p.is_file())
        else:
            yield path


def _too_large(size: int) -> str:
    return f"the card file is {size:,} bytes; a card may be at most {MAX_CARD_BYTES:,} bytes"


def load_cards(paths: Iterable[Path], parsed: ParseCache | None = None) -> CardSet:
    """Load cards from files and folders (``*.md``); duplicates keep the first card.

    With ``parsed``, a card file unchanged since it last loaded without a problem is taken
    from the cache (and validated again) instead of parsed; see :mod:`parse_cache`.
    """
    card_set = CardSet()
    for path in _card_files(paths):
        card = _cached_card(path, parsed.get(path)) if parsed is not None else None
        if card is None:
            card = _read_card(path, card_set.problems, parsed)
        if card is None:
            continue
        existing = card_set.cards.get(card.id)
        if existing is not None:
            card_set.problems.append(
                Problem(
                    path,
                    card.key_lines.get("id", 1),
                    f"duplicate card id {card.id} (already in {existing.path})",
                )
            )
            continue
        card_set.cards[card.id] = card
    return card_set


def _read_card(path: Path, problems: list[Problem], parsed: ParseCache | None) -> Card | None:
    """Read and parse one card file, adding its problems; cache it when it has none."""
    try:
        size = path.stat().st_size
        if size > MAX_CARD_BYTES:  # never read into memory
            problems.append(Problem(path, 1, _too_large(size)))
            return None
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(path, 0, "no such file"))
        return None
    except UnicodeDecodeError as error:
        problems.append(Problem(path, 1, f"not UTF-8 text ({error.reason})"))
        return None
    except OSError as error:
        problems.append(Problem(path, 0, f"cannot read: {error.strerror}"))
        return None
    card, found = parse_card(path, text)
    problems.extend(found)
    if card is not None and not found and parsed is not None:
        parsed.put(path, _cache_entry(card))
    return card


def _cache_entry(card: Card) -> dict[str, Any]:
    return {
        "fields": card.fields.model_dump(mode="json"),
        "body": card.body,
        "body_line": card.body_line,
        "key_lines": card.key_lines,
    }


def _cached_card(path: Path, entry: Any) -> Card | None:
    """The card a cache entry holds, validated as a parsed file is; None if it does not hold."""
    if not isinstance(entry, dict):
        return None
    body, body_line, key_lines = entry.get("body"), entry.get("body_line"), entry.get("key_lines")
    if not (
        isinstance(body, str)
        and isinstance(body_line, int)
        and isinstance(key_lines, dict)
        and all(isinstance(line, int) for line in key_lines.values())
    ):
        return None
    try:
        fields = CardFields.model_validate(entry.get("fields"))
    except ValidationError:
        return None
    return Card(fields, body, path, body_line, {str(k): v for k, v in key_lines.items()})


def check_card_links(card_set: CardSet, catalog: Catalog) -> list[Problem]:
    """Problems that need the whole bank: unknown reference ids, actions, cross references."""
    problems: list[Problem] = []
    for card in card_set.sorted_cards():
        for key in ("primary_ids", "overlap_ids", "sources"):
            refs = (
                [source.id for source in card.fields.sources]
                if key == "sources"
                else getattr(card.fields, key)
            )
            for ref in catalog.unknown(refs):
                problems.append(
                    Problem(card.path, card.key_lines.get(key, 1), f"unknown reference id '{ref}'")
                )
        for action in card.fields.ui.actions:
            try:
                actions.route(action.type, action.target)
            except ValueError as error:
                problems.append(Problem(card.path, card.key_lines.get("ui", 1), str(error)))
        for line_number, line in enumerate(card.body.splitlines(), start=card.body_line):
            for reference in find_cross_references(line):
                missing = [i for i in reference.ids() if i not in card_set.cards]
                if missing:
                    problems.append(
                        Problem(
                            card.path,
                            line_number,
                            f"cross reference {reference.text} names missing card(s) "
                            f"{', '.join(missing)}",
                            Severity.WARNING,
                        )
                    )
    return problems


def load_and_check(
    paths: Iterable[Path], catalog: Catalog, parsed: ParseCache | None = None
) -> CardSet:
    card_set = load_cards(paths, parsed)
    card_set.problems.extend(check_card_links(card_set, catalog))
    return card_set
