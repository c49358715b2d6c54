"""The risk method as data: likelihood and impact scales, the matrix, the levels, the threshold.

A method is stored as canonical JSON, one row per version (``risk_method``); the newest is in
force. Ratings are 1-based positions on a scale (1 = the lowest); a risk's level is the index
(0-based, lowest first) of the level the matrix gives its likelihood and impact. Nobody types a
level: :meth:`RiskMethod.level_of` computes it, and changing the method re-levels every risk
(:mod:`workbench.services.risks.relevel`).

The JSON::

    {"likelihood": [{"label": "Rare", "description": "..."}, ...],      # 3 to 6 levels
     "impact": [...],                                                     # 3 to 6 levels
     "levels": [{"name": "Low", "colour": "#2e7d32", "description": "..."}, ...],
     "matrix": [[0, 0, 1, ...], ...],   # matrix[likelihood - 1][impact - 1] -> level index
     "threshold": 1}                    # the highest level acceptable without treatment
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import Any

import yaml
from sqlmodel import Session, col, select

from workbench.models import RiskMethodVersion
from workbench.services.common.errors import ServiceError
from workbench.services.common.paths import resource
from workbench.services.store.audit_log import canonical_json

MIN_SCALE, MAX_SCALE = 3, 6
MIN_LEVELS, MAX_LEVELS = 2, 6
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class MethodError(ServiceError):
    """A risk method that cannot be used; the message says what is wrong, for the user."""


class Axis(StrEnum):
    LIKELIHOOD = "likelihood"
    IMPACT = "impact"


@dataclass(frozen=True)
class ScaleLevel:
    label: str
    description: str = ""


@dataclass(frozen=True)
class RiskLevel:
    name: str
    colour: str
    description: str = ""


@dataclass(frozen=True)
class RiskMethod:
    likelihood: tuple[ScaleLevel, ...]
    impact: tuple[ScaleLevel, ...]
    levels: tuple[RiskLevel, ...]
    matrix: tuple[tuple[int, ...], ...]
    threshold: int
    # The stored version this method is (0: not stored).
    version: int = 0

    # --- reading --------------------------------------------------------------------------

    def scale(self, axis: Axis) -> tuple[ScaleLevel, ...]:
        return self.likelihood if axis is Axis.LIKELIHOOD else self.impact

    def level_of(self, likelihood: int | None, impact: int | None) -> int | None:
        """The level index the matrix gives; None unless both ratings are on the scales."""
        if likelihood is None or impact is None:
            return None
        if not (1 <= likelihood <= len(self.likelihood) and 1 <= impact <= len(self.impact)):
            return None
        return self.matrix[likelihood - 1][impact - 1]

    def level_name(self, index: int | None) -> str:
        if index is None or not 0 <= index < len(self.levels):
            return ""
        return self.levels[index].name

    def level_colour(self, index: int | None) -> str:
        if index is None or not 0 <= index < len(self.levels):
            return ""
        return self.levels[index].colour

    def find_level(self, name: str) -> int | None:
        wanted = name.strip().casefold()
        for index, level in enumerate(self.levels):
            if level.name.casefold() == wanted:
                return index
        return None

    def acceptable(self, index: int | None) -> bool:
        """A level the risk owner may retain without treatment."""
        return index is not None and index <= self.threshold

    def label(self, axis: Axis, value: int | None) -> str:
        scale = self.scale(axis)
        if value is None or not 1 <= value <= len(scale):
            return ""
        return scale[value - 1].label

    def rating(self, axis: Axis, text: str | int | float | None) -> int | None:
        """A rating given as a number (``3``, ``"3"``, ``3.0``) or a label (``"Likely"``).

        Empty is None; anything else off the scale raises MethodError naming the scale.
        """
        scale = self.scale(axis)
        if text is None or (isinstance(text, str) and not text.strip()):
            return None
        number: float | None = None
        if isinstance(text, bool):
            pass
        elif isinstance(text, int | float):
            number = float(text)
        else:
            cleaned = text.strip()
            try:
                number = float(cleaned.replace(",", "."))
            except ValueError:
                for position, level in enumerate(scale, start=1):
                    if level.label.casefold() == cleaned.casefold():
                        return position
                # "3 - Possible", "4 (Likely)": a number first is the rating.
                lead = re.match(r"^(\d+)\b", cleaned)
                if lead is not None:
                    number = float(lead.group(1))
        if number is not None and number.is_integer() and 1 <= number <= len(scale):
            return int(number)
        labels = ", ".join(f"{n} {level.label}" for n, level in enumerate(scale, start=1))
        raise MethodError(f"'{text}' is not on the {axis.value} scale ({labels})")

    # --- storing --------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        return {
            "likelihood": [
                {"label": s.label, "description": s.description} for s in self.likelihood
            ],
            "impact": [{"label": s.label, "description": s.description} for s in self.impact],
            "levels": [
                {"name": lv.name, "colour": lv.colour, "description": lv.description}
                for lv in self.levels
            ],
            "matrix": [list(row) for row in self.matrix],
            "threshold": self.threshold,
        }

    def canonical(self) -> str:
        return canonical_json(self.to_data())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()

    def same_as(self, other: RiskMethod) -> bool:
        return self.canonical() == other.canonical()

    @property
    def size(self) -> str:
        return f"{len(self.likelihood)}x{len(self.impact)}"

    # --- problems a consultant should look at (the method is still usable) ------------------

    def warnings(self) -> list[str]:
        """What is odd but allowed: a matrix that gets lower as ratings rise, unused levels."""
        found: list[str] = []
        for row in range(len(self.likelihood)):
            for column in range(len(self.impact)):
                here = self.matrix[row][column]
                if row and self.matrix[row - 1][column] > here:
                    found.append(
                        f"likelihood {row + 1} with impact {column + 1} is a lower level than "
                        f"likelihood {row} with the same impact"
                    )
                if column and self.matrix[row][column - 1] > here:
                    found.append(
                        f"impact {column + 1} with likelihood {row + 1} is a lower level than "
                        f"impact {column} with the same likelihood"
                    )
        used = {cell for row in self.matrix for cell in row}
        found += [
            f"the level '{level.name}' is in no cell of the matrix"
            for index, level in enumerate(self.levels)
            if index not in used
        ]
        return found


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MethodError(f"{what} needs a name")
    return " ".join(value.split())


def _scale(data: Any, axis: Axis) -> tuple[ScaleLevel, ...]:
    if not isinstance(data, list) or not MIN_SCALE <= len(data) <= MAX_SCALE:
        raise MethodError(f"the {axis.value} scale needs {MIN_SCALE} to {MAX_SCALE} levels")
    levels = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise MethodError(f"{axis.value} {number} is not a label and description")
        label = _text(item.get("label"), f"{axis.value} {number}")
        description = item.get("description") or ""
        if not isinstance(description, str):
            raise MethodError(f"the description of {axis.value} {number} is not text")
        levels.append(ScaleLevel(label, description.strip()))
    labels = [level.label.casefold() for level in levels]
    if len(set(labels)) != len(labels):
        raise MethodError(f"two {axis.value} levels have the same label")
    return tuple(levels)


def _levels(data: Any) -> tuple[RiskLevel, ...]:
    if not isinstance(data, list) or not MIN_LEVELS <= len(data) <= MAX_LEVELS:
        raise MethodError(f"a method needs {MIN_LEVELS} to {MAX_LEVELS} risk levels")
    levels = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise MethodError(f"risk level {number} is not a name and colour")
        name = _text(item.get("name"), f"risk level {number}")
        colour = item.get("colour")
        if not isinstance(colour, str) or not COLOUR.match(colour):
            raise MethodError(f"the colour of '{name}' is not of the form #RRGGBB")
        description = item.get("description") or ""
        if not isinstance(description, str):
            raise MethodError(f"the description of '{name}' is not text")
        levels.append(RiskLevel(name, colour.lower(), description.strip()))
    names = [level.name.casefold() for level in levels]
    if len(set(names)) != len(names):
        raise MethodError("two risk levels have the same name")
    return tuple(levels)


def from_data(data: Any, *, version: int = 0) -> RiskMethod:
    """A method from its JSON data, checked; raises MethodError saying what is wrong."""
    if not isinstance(data, dict):
        raise MethodError("a risk method is a mapping of scales, levels, matrix and threshold")
    likelihood = _scale(data.get("likelihood"), Axis.LIKELIHOOD)
    impact = _scale(data.get("impact"), Axis.IMPACT)
    levels = _levels(data.get("levels"))
    matrix = data.get("matrix")
    if not isinstance(matrix, list) or len(matrix) != len(likelihood):
        raise MethodError(f"the matrix needs one row per likelihood level ({len(likelihood)})")
    rows: list[tuple[int, ...]] = []
    for number, row in enumerate(matrix, start=1):
        if not isinstance(row, list) or len(row) != len(impact):
            raise MethodError(f"row {number} of the matrix needs {len(impact)} cells")
        for cell in row:
            if isinstance(cell, bool) or not isinstance(cell, int):
                raise MethodError(f"row {number} of the matrix has a cell that is not a level")
            if not 0 <= cell < len(levels):
                raise MethodError(f"row {number} of the matrix names a level that does not exist")
        rows.append(tuple(row))
    threshold = data.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise MethodError("the acceptance threshold must name one of the levels")
    if not 0 <= threshold < len(levels):
        raise MethodError("the acceptance threshold must name one of the levels")
    return RiskMethod(likelihood, impact, levels, tuple(rows), threshold, version)


def from_json(text: str, *, version: int = 0) -> RiskMethod:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise MethodError(f"the risk method is not readable JSON ({error})") from error
    return from_data(data, version=version)


# --- presets --------------------------------------------------------------------------------

LIKELIHOOD_LABELS = {
    3: ("Unlikely", "Possible", "Likely"),
    4: ("Unlikely", "Possible", "Likely", "Almost certain"),
    5: ("Rare", "Unlikely", "Possible", "Likely", "Almost certain"),
    6: ("Very rare", "Rare", "Unlikely", "Possible", "Likely", "Almost certain"),
}
IMPACT_LABELS = {
    3: ("Minor", "Moderate", "Severe"),
    4: ("Minor", "Moderate", "Major", "Severe"),
    5: ("Negligible", "Minor", "Moderate", "Major", "Severe"),
    6: ("Negligible", "Minor", "Moderate", "Major", "Severe", "Catastrophic"),
}
DEFAULT_FILE = ("risk-method", "default.yaml")


@cache
def default_method() -> RiskMethod:
    """The method a new workspace starts with (``resources/risk-method/default.yaml``)."""
    source = resource(*DEFAULT_FILE)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise MethodError(f"the default risk method {source} cannot be read ({error})") from error
    return from_data(data)


# Share of the highest score (likelihood x impact) up to which each level reaches; on the 5x5
# matrix these are the classic bands Low 1-4, Medium 5-9, High 10-15, Critical 16-25.
LEVEL_BANDS = (4 / 25, 9 / 25, 15 / 25, 1.0)


def banded_matrix(rows: int, columns: int, levels: int = 4) -> tuple[tuple[int, ...], ...]:
    """A matrix from the score bands: Low to Critical by likelihood x impact, for any size."""
    bands = (
        LEVEL_BANDS
        if levels == len(LEVEL_BANDS)
        else tuple((n + 1) / levels for n in range(levels))
    )
    top = rows * columns

    def band(score: int) -> int:
        share = score / top
        return next(n for n, limit in enumerate(bands) if share <= limit + 1e-9)

    return tuple(
        tuple(band(likelihood * impact) for impact in range(1, columns + 1))
        for likelihood in range(1, rows + 1)
    )


def preset(likelihood_levels: int = 5, impact_levels: int = 5) -> RiskMethod:
    """The workbench's suggested method of a size: the default's levels and threshold, its
    scales where the size is the default's, banded matrix otherwise. 5x5 is the default."""
    for size in (likelihood_levels, impact_levels):
        if not MIN_SCALE <= size <= MAX_SCALE:
            raise MethodError(f"a scale needs {MIN_SCALE} to {MAX_SCALE} levels, not {size}")
    base = default_method()
    if (likelihood_levels, impact_levels) == (len(base.likelihood), len(base.impact)):
        return base
    likelihood = (
        base.likelihood
        if likelihood_levels == len(base.likelihood)
        else tuple(ScaleLevel(label) for label in LIKELIHOOD_LABELS[likelihood_levels])
    )
    impact = (
        base.impact
        if impact_levels == len(base.impact)
        else tuple(ScaleLevel(label) for label in IMPACT_LABELS[impact_levels])
    )
    matrix = banded_matrix(likelihood_levels, impact_levels, len(base.levels))
    return RiskMethod(likelihood, impact, base.levels, matrix, base.threshold)


def resized(method: RiskMethod, likelihood_levels: int, impact_levels: int) -> RiskMethod:
    """The method with scales of another size: labels kept where they exist, new ones from the
    preset, and the matrix banded afresh (the editor then lets the consultant adjust it)."""
    base = preset(likelihood_levels, impact_levels)
    same_likelihood = len(method.likelihood) == likelihood_levels
    same_impact = len(method.impact) == impact_levels
    return replace(
        method,
        likelihood=method.likelihood if same_likelihood else base.likelihood,
        impact=method.impact if same_impact else base.impact,
        matrix=banded_matrix(likelihood_levels, impact_levels, len(method.levels)),
        version=0,
    )


def rescale(value: int | None, old_size: int, new_size: int) -> int | None:
    """A rating moved to a scale of another size, keeping its place from bottom to top
    (5 of 5 becomes 4 of 4; 3 of 5 becomes 2 of 3)."""
    if value is None:
        return None
    if old_size == new_size:
        return value
    position = (value - 1) / (old_size - 1)
    return 1 + round(position * (new_size - 1) + 1e-9)


# --- the stored method ----------------------------------------------------------------------


def method_row(session: Session, version: int | None = None) -> RiskMethodVersion | None:
    statement = select(RiskMethodVersion)
    if version is None:
        statement = statement.order_by(col(RiskMethodVersion.id).desc()).limit(1)
    else:
        statement = statement.where(RiskMethodVersion.id == version)
    return session.exec(statement).first()


def current_method(session: Session) -> RiskMethod:
    """The method in force: the newest stored version (a new workspace has the default as
    version 1)."""
    row = method_row(session)
    if row is None:
        return default_method()
    assert row.id is not None
    return from_json(row.data, version=row.id)


def method_at(session: Session, version: int) -> RiskMethod | None:
    row = method_row(session, version)
    if row is None:
        return None
    try:
        return from_json(row.data, version=version)
    except MethodError:
        return None
