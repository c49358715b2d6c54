"""Starter library of common risk scenarios, each with typical ISO/IEC 27001:2022 Annex A controls.

A consultant picks a scenario when adding a risk and adapts it to the client: the scenarios and
their typical likelihood and impact are starting points, never an assessment. Owns the shipped
``resources/risk-library/scenarios.yaml``; imports only the standard library, PyYAML and the
resource locator, so it can move into the risks package unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from typing import Any, NoReturn

import yaml

from workbench.services.common.errors import ServiceError
from workbench.services.common.paths import resource

CONTROL_PACK = "ISO27001:2022"
SUPPORTED_VERSION = 1
CATEGORIES = (
    "malicious external",
    "malicious internal",
    "accidental",
    "environmental",
    "technical failure",
    "supplier",
    "organisational",
    "legal/compliance",
)
ASSET_TYPES = ("information", "service", "process", "system", "site", "people", "supplier")
CIA = ("confidentiality", "integrity", "availability")
LEVELS = ("low", "medium", "high")
SCENARIO_ID = re.compile(r"^LIB-\d{3}$")
CONTROL_ID = re.compile(r"^A\.\d+\.\d+$")
_FIELDS = frozenset(
    {"id", "title", "threat", "vulnerability", "consequence", "category", "asset_types", "cia"}
    | {"controls", "typical_likelihood", "typical_impact"}
)


class RiskLibraryError(ServiceError):
    """The scenario library is missing or malformed; the message names the file and scenario."""


@dataclass(frozen=True)
class RiskScenario:
    id: str
    title: str
    threat: str
    vulnerability: str
    consequence: str
    category: str
    asset_types: tuple[str, ...]
    cia: tuple[str, ...]
    controls: tuple[str, ...]
    typical_likelihood: str
    typical_impact: str

    @property
    def control_refs(self) -> tuple[str, ...]:
        """The controls as catalog reference ids, e.g. ``ISO27001:2022/A.8.13``."""
        return tuple(f"{CONTROL_PACK}/{control}" for control in self.controls)


class _Problem(Exception):
    """One defect of one scenario; the reader adds the file and scenario to the message."""


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Problem(f"'{key}' must be non-empty text")
    return value.strip()


def _choice(item: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = item.get(key)
    if value not in allowed:
        raise _Problem(f"'{key}' is {value!r}; expected one of: {', '.join(allowed)}")
    return str(value)


def _list(item: dict[str, Any], key: str) -> list[Any]:
    values = item.get(key)
    if not isinstance(values, list) or not values:
        raise _Problem(f"'{key}' must be a non-empty list")
    return values


def _distinct(key: str, values: list[str]) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise _Problem(f"'{key}' lists a value twice")
    return tuple(values)


def _choices(item: dict[str, Any], key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    values = _list(item, key)
    for value in values:
        if value not in allowed:
            raise _Problem(f"'{key}' has {value!r}; expected any of: {', '.join(allowed)}")
    return _distinct(key, values)


def _controls(item: dict[str, Any]) -> tuple[str, ...]:
    values = _list(item, "controls")
    for value in values:
        if not isinstance(value, str) or not CONTROL_ID.match(value):
            raise _Problem(f"'controls' has {value!r}; expected Annex A ids like A.8.13")
    return _distinct("controls", values)


def _scenario(item: Any) -> RiskScenario:
    if not isinstance(item, dict):
        raise _Problem("is not a mapping of fields")
    unknown = sorted(set(item) - _FIELDS, key=str)
    missing = sorted(_FIELDS - set(item))
    if unknown or missing:
        parts = [f"unknown field(s) {', '.join(map(str, unknown))}" if unknown else ""]
        parts.append(f"missing field(s) {', '.join(missing)}" if missing else "")
        raise _Problem("; ".join(part for part in parts if part))
    if not isinstance(item["id"], str) or not SCENARIO_ID.match(item["id"]):
        raise _Problem(f"id {item['id']!r} is not of the form LIB-001")
    return RiskScenario(
        id=item["id"],
        title=_text(item, "title"),
        threat=_text(item, "threat"),
        vulnerability=_text(item, "vulnerability"),
        consequence=_text(item, "consequence"),
        category=_choice(item, "category", CATEGORIES),
        asset_types=_choices(item, "asset_types", ASSET_TYPES),
        cia=_choices(item, "cia", CIA),
        controls=_controls(item),
        typical_likelihood=_choice(item, "typical_likelihood", LEVELS),
        typical_impact=_choice(item, "typical_impact", LEVELS),
    )


def _label(item: Any, index: int) -> str:
    """The scenario's id when it has a usable one, else its position (1-based) in the file."""
    ident = item.get("id") if isinstance(item, dict) else None
    return f"scenario {ident}" if isinstance(ident, str) and ident else f"scenario #{index}"


def _fail(source: Traversable, message: str) -> NoReturn:
    raise RiskLibraryError(f"risk library {source}: {message}")


def _document(source: Traversable) -> list[Any]:
    try:
        data: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as error:
        _fail(source, f"cannot be read ({error.strerror or error})")
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        _fail(source, f"is not valid YAML: {error}")
    if not isinstance(data, dict):
        _fail(source, "must be a mapping with 'version', 'catalog', 'note' and 'scenarios'")
    if data.get("version") != SUPPORTED_VERSION:
        _fail(source, f"version is {data.get('version')!r}; expected {SUPPORTED_VERSION}")
    if data.get("catalog") != CONTROL_PACK:
        _fail(source, f"catalog is {data.get('catalog')!r}; expected {CONTROL_PACK!r}")
    if not isinstance(data.get("note"), str) or not data["note"].strip():
        _fail(source, "'note' must say that the scenarios are starting points")
    items = data.get("scenarios")
    if not isinstance(items, list) or not items:
        _fail(source, "'scenarios' must be a non-empty list")
    return items


def read_scenarios(source: Traversable) -> tuple[RiskScenario, ...]:
    """Every scenario of one library file, in file order; the first defect raises."""
    scenarios: list[RiskScenario] = []
    first_of: dict[tuple[str, str], str] = {}
    for index, item in enumerate(_document(source), start=1):
        label = _label(item, index)
        try:
            scenario = _scenario(item)
        except _Problem as problem:
            _fail(source, f"{label}: {problem}")
        # Ids are what a risk keeps to say where it came from; titles are what a picker shows.
        for field, value in (("id", scenario.id), ("title", scenario.title.casefold())):
            if (field, value) in first_of:
                _fail(source, f"scenario #{index}: {field} repeats {first_of[field, value]}")
            first_of[field, value] = f"scenario #{index} ({scenario.id})"
        scenarios.append(scenario)
    return tuple(scenarios)


@cache
def load_scenarios() -> tuple[RiskScenario, ...]:
    """The shipped starter library, read once per process."""
    return read_scenarios(resource("risk-library", "scenarios.yaml"))


def _matches(scenario: RiskScenario, term: str) -> bool:
    if term in scenario.title.casefold() or term in scenario.threat.casefold():
        return True
    # A control matches whole, so "A.8.1" does not also find A.8.13; "8.13" and the catalog
    # reference "ISO27001:2022/A.8.13" find it too.
    control = term.removeprefix(f"{CONTROL_PACK.casefold()}/")
    control = control if control.startswith("a.") else f"a.{control}"
    return scenario.id.casefold() == term or any(
        control == known.casefold() for known in scenario.controls
    )


def search_scenarios(
    text: str, scenarios: Iterable[RiskScenario] | None = None
) -> tuple[RiskScenario, ...]:
    """Scenarios whose title, threat, control or id matches every word of ``text``.

    Case-insensitive; an empty text matches all. Searches the shipped library by default.
    """
    terms = text.casefold().split()
    pool = load_scenarios() if scenarios is None else tuple(scenarios)
    return tuple(s for s in pool if all(_matches(s, term) for term in terms))
