"""Changing the method asks first, re-levels every risk, and says so in the audit log."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlmodel import col, select

from tests.helpers.risks import add, with_owners
from workbench.models import AuditLogEntry
from workbench.services.risks import method as methods
from workbench.services.risks import records, relevel
from workbench.services.risks.method import MethodError, RiskLevel, preset
from workbench.services.risks.relevel import ConfirmationNeeded


@pytest.fixture
def assessed(workspace):
    with_owners(workspace)
    add(workspace, "Ransomware", likelihood=4, impact=5, residual_likelihood=2, residual_impact=3)
    add(workspace, "Phishing", likelihood=3, impact=3)
    add(workspace, "Not rated yet")
    return workspace


def _levels(workspace) -> dict[str, tuple[str, str]]:
    found = {}
    for ref in ("R-001", "R-002", "R-003"):
        risk = records.get_risk(workspace, ref)
        found[ref] = (risk.level_name, risk.residual_level_name)
    return found


def test_a_change_that_moves_risks_asks_first_and_changes_nothing_unasked(assessed) -> None:
    stricter = replace(preset(), threshold=0, matrix=tuple(
        tuple(min(3, cell + 1) for cell in row) for row in preset().matrix
    ))  # fmt: skip
    moves = relevel.preview(assessed, stricter)
    assert [m.ref for m in moves] == ["R-001", "R-002"]
    assert "Medium → High" in moves[1].describe()
    with pytest.raises(ConfirmationNeeded, match="re-levels 2 assessed risk"):
        relevel.set_method(assessed, actor="Mara", method=stricter)
    assert _levels(assessed)["R-002"] == ("Medium", "")
    with assessed.read() as session:
        assert methods.current_method(session).version == 1
    changes, moved = relevel.set_method(assessed, actor="Mara", method=stricter, confirmed=True,
                                        comment="Board wants a stricter matrix")  # fmt: skip
    assert changes.risk_method and len(moved) == 2
    assert _levels(assessed) == {
        "R-001": ("Critical", "High"), "R-002": ("High", ""), "R-003": ("", ""),
    }  # fmt: skip
    with assessed.read() as session:
        entry = session.exec(select(AuditLogEntry).order_by(col(AuditLogEntry.id).desc())).first()
        assert methods.current_method(session).version == 2
    assert entry is not None and entry.action == "risk.method.set"
    summary = json.loads(entry.summary)
    assert summary["relevelled"] == 2 and summary["previous_version"] == 1
    assert summary["comment"] == "Board wants a stricter matrix"
    assert any("R-002 Phishing: Medium → High" in move for move in summary["moves"])


def test_a_smaller_scale_moves_ratings_and_levels(assessed) -> None:
    _, moved = relevel.set_method(assessed, actor="Mara", method=preset(4, 3), confirmed=True)
    risk = records.get_risk(assessed, "R-001")
    assert (risk.draft.likelihood, risk.draft.impact) == (3, 3)  # 4 of 5 -> 3 of 4; 5 of 5 -> 3
    assert risk.level == preset(4, 3).level_of(3, 3)
    assert {m.ref for m in moved} == {"R-001", "R-002"}


def test_adding_a_level_below_reindexes_every_risk_even_when_names_stay(assessed) -> None:
    base = preset()
    method = replace(
        base,
        levels=(RiskLevel("Very low", "#9e9e9e"), *base.levels),
        matrix=tuple(tuple(cell + 1 for cell in row) for row in base.matrix),
        threshold=base.threshold + 1,
    )
    _, moved = relevel.set_method(assessed, actor="Mara", method=method)  # nothing to confirm
    assert moved == []
    assert _levels(assessed)["R-001"] == ("Critical", "Medium")
    with assessed.read() as session:
        risk = records.require_risk(session, "R-001")
        assert (risk.level, risk.residual_level) == (4, 2)


def test_the_same_method_again_is_refused(assessed) -> None:
    with pytest.raises(MethodError, match="same as the one in force"):
        relevel.set_method(assessed, actor="Mara", method=preset())


def test_new_risks_are_levelled_with_the_new_method(assessed) -> None:
    relevel.set_method(assessed, actor="Mara", method=preset(3, 3), confirmed=True)
    ref = add(assessed, "New", likelihood=3, impact=3)
    assert records.get_risk(assessed, ref).level_name == "Critical"
    with pytest.raises(records.RiskError, match="1 to 3"):
        add(assessed, "Off scale", likelihood=4, impact=1)
