"""Plain-English guidance per Annex A control, shown beside a control record.

The guidance is shipped catalog content (``resources/guidance/``), reviewed like the question
cards; it paraphrases and never reproduces the standard's text. Qt-free; imports only the
resource locator.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Hashable
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from workbench.services.common.errors import ServiceError
from workbench.services.common.paths import resource

GUIDANCE_FOLDER = "guidance"
GUIDANCE_FILE = "iso27001-2022-annex-a.yaml"
GUIDANCE_PACK = "ISO27001:2022"

_HEADER_KEYS = frozenset({"pack", "note", "reviewed", "controls"})
_REQUIRED_FIELDS = ("asks", "typical", "evidence")
_FIELDS = frozenset({*_REQUIRED_FIELDS, "pitfalls", "related"})


class GuidanceError(ServiceError):
    """The guidance file is missing or malformed (a defect of the shipped resources)."""


@dataclass(frozen=True)
class ControlGuidance:
    control_id: str
    asks: str
    typical: tuple[str, ...]
    evidence: tuple[str, ...]
    pitfalls: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses repeated keys.

    Plain ``safe_load`` keeps the last of two equal keys, so a control pasted twice would
    silently replace the earlier text.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # the base class reports unhashable keys with a proper mark
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _text(value: Any, where: str) -> str:
    if isinstance(value, dict):
        # An unquoted "label: text" line parses as a mapping; say so, or the fix is a riddle.
        raise GuidanceError(f"{where} must be text, not a mapping (quote text containing ': ')")
    if not isinstance(value, str) or not value.strip():
        raise GuidanceError(f"{where} must be non-empty text, not {value!r}")
    return value.strip()


def _bullets(value: Any, where: str, *, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or (required and not value):
        raise GuidanceError(f"{where} must be a list of text items")
    return tuple(_text(item, f"{where} item {number}") for number, item in enumerate(value, 1))


def _control(control_id: Any, body: Any, where: str) -> ControlGuidance:
    if not isinstance(control_id, str):
        raise GuidanceError(f"{where}: control id {control_id!r} must be text, like 'A.5.1'")
    where = f"{where}: control {control_id}"
    if not isinstance(body, dict):
        raise GuidanceError(f"{where} must be a mapping of fields")
    missing = [name for name in _REQUIRED_FIELDS if name not in body]
    if missing:
        raise GuidanceError(f"{where} lacks {', '.join(missing)}")
    unknown = sorted(str(name) for name in body if name not in _FIELDS)
    if unknown:
        raise GuidanceError(f"{where} has unknown field(s) {', '.join(unknown)}")
    return ControlGuidance(
        control_id=control_id,
        asks=_text(body["asks"], f"{where} 'asks'"),
        typical=_bullets(body["typical"], f"{where} 'typical'", required=True),
        evidence=_bullets(body["evidence"], f"{where} 'evidence'", required=True),
        pitfalls=_bullets(body.get("pitfalls"), f"{where} 'pitfalls'", required=False),
        related=_bullets(body.get("related"), f"{where} 'related'", required=False),
    )


def _check_header(data: Any, where: str) -> dict[Any, Any]:
    if not isinstance(data, dict):
        raise GuidanceError(f"{where} must be a mapping with pack, note, reviewed and controls")
    missing = sorted(_HEADER_KEYS - set(data))
    if missing:
        raise GuidanceError(f"{where} lacks {', '.join(missing)}")
    unknown = sorted(str(key) for key in data if key not in _HEADER_KEYS)
    if unknown:
        raise GuidanceError(f"{where} has unknown key(s) {', '.join(unknown)}")
    if data["pack"] != GUIDANCE_PACK:
        raise GuidanceError(f"{where}: pack is {data['pack']!r}, expected {GUIDANCE_PACK!r}")
    _text(data["note"], f"{where}: 'note'")
    if not isinstance(data["reviewed"], datetime.date):
        raise GuidanceError(f"{where}: 'reviewed' must be a date (YYYY-MM-DD)")
    controls = data["controls"]
    if not isinstance(controls, dict) or not controls:
        raise GuidanceError(f"{where}: 'controls' must map control ids to guidance")
    return controls


def read_guidance(source: Traversable) -> dict[str, ControlGuidance]:
    """Read one guidance file; any defect raises ``GuidanceError`` naming file and control."""
    where = f"guidance file {source.name}"
    try:
        stream = io.StringIO(source.read_text(encoding="utf-8"))
        stream.name = source.name  # so YAML's line marks name the file
        data: Any = yaml.load(stream, Loader=_UniqueKeyLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise GuidanceError(f"{where} cannot be read: {error}") from error
    controls = _check_header(data, where)
    guidance = [_control(control_id, body, where) for control_id, body in controls.items()]
    return {item.control_id: item for item in guidance}


def guidance_source() -> Traversable:
    return resource(GUIDANCE_FOLDER, GUIDANCE_FILE)


@cache
def load_guidance() -> dict[str, ControlGuidance]:
    """The shipped Annex A guidance keyed by control id (``"A.8.13"``), read once per process.

    Callers get the cached dict itself and must not change it.
    """
    return read_guidance(guidance_source())
