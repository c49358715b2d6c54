"""The risk method as data: levels from the matrix at every scale size, ratings from numbers or
labels, what a method may and may not be, and the default a workspace starts with."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest

from workbench.services.risks import method as methods
from workbench.services.risks.method import Axis, MethodError, preset, rescale


@pytest.mark.parametrize("rows", [3, 4, 5, 6])
@pytest.mark.parametrize("columns", [3, 4, 5, 6])
def test_every_size_levels_every_cell_lowest_to_highest(rows: int, columns: int) -> None:
    method = preset(rows, columns)
    assert (len(method.likelihood), len(method.impact)) == (rows, columns)
    assert methods.from_data(method.to_data()) == method  # it is a valid method
    assert method.warnings() == []  # never lower as a rating rises, every level used
    assert method.level_of(1, 1) == 0
    assert method.level_of(rows, columns) == len(method.levels) - 1
    for likelihood in range(1, rows + 1):
        for impact in range(1, columns + 1):
            level = method.level_of(likelihood, impact)
            assert level == method.matrix[likelihood - 1][impact - 1]
    assert method.level_of(rows + 1, 1) is None
    assert method.level_of(0, 1) is None
    assert method.level_of(None, 2) is None


def test_the_default_is_the_classic_five_by_five() -> None:
    method = preset()
    names = [
        [method.level_name(method.level_of(row, column)) for column in range(1, 6)]
        for row in range(1, 6)
    ]
    # Likelihood x impact: Low 1-4, Medium 5-9, High 10-15, Critical 16-25.
    for likelihood, row in enumerate(names, start=1):
        for impact, name in enumerate(row, start=1):
            score = likelihood * impact
            expected = (
                "Low"
                if score <= 4
                else "Medium"
                if score <= 9
                else ("High" if score <= 15 else "Critical")
            )
            assert name == expected, (likelihood, impact)
    assert method.level_name(method.threshold) == "Medium"
    assert method.acceptable(1) and not method.acceptable(2)
    assert method.label(Axis.LIKELIHOOD, 5) == "Almost certain"
    assert method.label(Axis.IMPACT, 1) == "Negligible"


def test_a_custom_matrix_decides_the_level_not_the_score() -> None:
    data = preset(3, 3).to_data()
    data["levels"] = [
        {"name": "Green", "colour": "#00aa00"},
        {"name": "Red", "colour": "#cc0000"},
    ]
    data["matrix"] = [[0, 0, 1], [0, 1, 1], [1, 1, 1]]
    data["threshold"] = 0
    method = methods.from_data(data)
    assert method.level_name(method.level_of(1, 3)) == "Red"
    assert method.level_name(method.level_of(2, 1)) == "Green"
    assert method.level_colour(method.level_of(3, 3)) == "#cc0000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [(3, 3), ("3", 3), (" 4 ", 4), (2.0, 2), ("Likely", 4), ("almost CERTAIN", 5),
     ("3 - Possible", 3), ("4 (Likely)", 4), ("", None), (None, None)],
)  # fmt: skip
def test_ratings_are_read_from_numbers_or_labels(text: Any, expected: int | None) -> None:
    assert preset().rating(Axis.LIKELIHOOD, text) == expected


@pytest.mark.parametrize("text", [0, 6, "7", 2.5, "Very likely", "high", True])
def test_a_rating_off_the_scale_names_the_scale(text: Any) -> None:
    with pytest.raises(MethodError, match=r"likelihood scale \(1 Rare, 2 Unlikely"):
        preset().rating(Axis.LIKELIHOOD, text)


def _broken(change: Any) -> dict[str, Any]:
    data = preset().to_data()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["likelihood"].pop(), "the matrix needs one row per likelihood level"),
        (lambda d: d.update(likelihood=d["likelihood"][:2]), "needs 3 to 6 levels"),
        (lambda d: d.update(impact=d["impact"] * 2), "impact scale needs 3 to 6 levels"),
        (lambda d: d["levels"][1].update(colour="orange"), "not of the form #RRGGBB"),
        (lambda d: d["levels"][1].update(name="low"), "two risk levels have the same name"),
        (lambda d: d["likelihood"][1].update(label=" "), "likelihood 2 needs a name"),
        (lambda d: d["impact"][2].update(label="Minor"), "two impact levels have the same label"),
        (lambda d: d["matrix"][0].append(0), "row 1 of the matrix needs 5 cells"),
        (lambda d: d["matrix"][2].__setitem__(1, 4), "names a level that does not exist"),
        (lambda d: d["matrix"][2].__setitem__(1, "High"), "a cell that is not a level"),
        (lambda d: d.update(threshold=4), "threshold must name one of the levels"),
        (lambda d: d.update(levels=d["levels"][:1]), "needs 2 to 6 risk levels"),
    ],
)
def test_a_broken_method_is_refused_saying_why(change: Any, message: str) -> None:
    with pytest.raises(MethodError, match=message):
        methods.from_data(_broken(change))


def test_odd_but_allowed_matrices_are_warned_about() -> None:
    data = preset().to_data()
    data["matrix"][4][4] = 0  # the worst cell made Low
    warnings = methods.from_data(data).warnings()
    assert any("lower level" in warning for warning in warnings)
    data = preset().to_data()
    data["matrix"] = [[0, 0, 0, 0, 1]] * 5
    assert "the level 'Critical' is in no cell of the matrix" in methods.from_data(data).warnings()


@pytest.mark.parametrize(
    ("value", "old", "new", "expected"),
    [(5, 5, 4, 4), (1, 5, 3, 1), (3, 5, 3, 2), (4, 4, 6, 6), (3, 4, 6, 4), (2, 3, 5, 3),
     (3, 5, 5, 3), (None, 5, 3, None)],
)  # fmt: skip
def test_ratings_keep_their_place_on_a_resized_scale(
    value: int | None, old: int, new: int, expected: int | None
) -> None:
    assert rescale(value, old, new) == expected


def test_resizing_keeps_levels_and_labels_where_sizes_stay() -> None:
    method = methods.resized(preset(), 5, 4)
    assert method.likelihood == preset().likelihood
    assert [s.label for s in method.impact] == ["Minor", "Moderate", "Major", "Severe"]
    assert method.levels == preset().levels
    assert len(method.matrix) == 5 and all(len(row) == 4 for row in method.matrix)


def test_the_canonical_text_and_hash_do_not_depend_on_key_order() -> None:
    method = preset()
    shuffled = json.loads(json.dumps(method.to_data()))
    reordered = dict(reversed(list(shuffled.items())))
    assert methods.from_data(reordered).sha256 == method.sha256
    assert methods.from_json(method.canonical()) == method


def test_a_new_workspace_starts_with_the_shipped_default_as_version_1(workspace) -> None:
    with workspace.read() as session:
        current = methods.current_method(session)
    assert current.version == 1
    assert current.same_as(methods.default_method())
    # The migration froze the default as it was; it must still be what the file ships.
    migration = importlib.import_module("workbench.migrations.versions.0009_risks")
    assert methods.from_data(migration.DEFAULT_METHOD).same_as(methods.default_method())
