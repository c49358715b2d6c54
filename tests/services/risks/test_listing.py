"""The risk table's queries: filters, sorting, rows by id, and the heat map's counts."""

from __future__ import annotations

import pytest

from tests.helpers.risks import JONAS, PRIYA, add, with_owners
from workbench.models import AssetType, RiskStatus
from workbench.models import TreatmentOption as T
from workbench.services.risks import assets, listing
from workbench.services.risks.listing import Cell, Column, RiskFilter, View


@pytest.fixture
def register(workspace):
    with_owners(workspace)
    assets.add_asset(workspace, actor="Mara", name="WMS", type=AssetType.SYSTEM)
    add(
        workspace,
        "Ransomware",
        likelihood=4,
        impact=5,
        treatment=T.MODIFY,
        controls=("A.8.13",),
        residual_likelihood=2,
        residual_impact=3,
        assets=("WMS",),
    )
    add(
        workspace,
        "Phishing",
        likelihood=4,
        impact=5,
        treatment=T.MODIFY,
        controls=("A.6.3",),
        residual_likelihood=2,
        residual_impact=3,
        owner=PRIYA,
    )
    add(workspace, "Flood", likelihood=2, impact=2, treatment=T.RETAIN)
    add(workspace, "Old risk", likelihood=1, impact=1, status=RiskStatus.CLOSED)
    add(workspace, "Unrated")
    return workspace  # fmt: skip


def _refs(workspace, risk_filter: RiskFilter, **sort: object) -> list[str]:
    ids = listing.query_ids(workspace, risk_filter, **sort)  # type: ignore[arg-type]
    rows = listing.fetch_rows(workspace, ids)
    return [rows[i].ref for i in ids]


def test_each_filter_narrows_the_register(register) -> None:
    method = listing.method_of(register)
    critical, low = method.find_level("critical"), method.find_level("Low")
    owners = {name: person_id for person_id, name in listing.owners(register)}
    (wms,) = [asset_id for asset_id, _ in listing.assets(register)]
    assert _refs(register, RiskFilter()) == ["R-001", "R-002", "R-003", "R-004", "R-005"]
    assert _refs(register, RiskFilter(text="phish")) == ["R-002"]
    assert _refs(register, RiskFilter(text="priya")) == ["R-002"]  # the owner's name
    assert _refs(register, RiskFilter(level=critical)) == ["R-001", "R-002"]
    assert _refs(register, RiskFilter(residual_level=method.find_level("Medium"))) == [
        "R-001", "R-002",
    ]  # fmt: skip
    assert _refs(register, RiskFilter(level=low)) == ["R-003", "R-004"]
    assert _refs(register, RiskFilter(owner_id=owners[PRIYA])) == ["R-002"]
    assert _refs(register, RiskFilter(treatment=T.RETAIN)) == ["R-003"]
    assert _refs(register, RiskFilter(status=RiskStatus.CLOSED)) == ["R-004"]
    assert "R-004" not in _refs(register, RiskFilter(include_closed=False))
    assert _refs(register, RiskFilter(asset_id=wms)) == ["R-001"]
    assert _refs(register, RiskFilter(control="A.8.13")) == ["R-001"]
    assert _refs(register, RiskFilter(control="A.6")) == ["R-002"]  # a theme finds its controls
    assert _refs(register, RiskFilter(cell=Cell(View.RESIDUAL, 2, 3))) == ["R-001", "R-002"]
    assert _refs(register, RiskFilter(cell=Cell(View.RESIDUAL, 2, 2))) == ["R-003"]
    assert _refs(register, RiskFilter(cell=Cell(View.INHERENT, 2, 2))) == ["R-003"]
    assert RiskFilter(level=critical, treatment=T.MODIFY).describe(method) == (
        "inherent Critical; treatment modify"
    )


def test_sorting_by_a_column_keeps_risks_in_id_order_within_ties(register) -> None:
    assert _refs(register, RiskFilter(), sort=Column.TITLE) == [
        "R-003", "R-004", "R-002", "R-001", "R-005",
    ]  # fmt: skip
    by_level = _refs(register, RiskFilter(), sort=Column.LEVEL, descending=True)
    assert by_level[:2] == ["R-001", "R-002"]
    assert _refs(register, RiskFilter(), sort=Column.OWNER)[-1] == "R-002"  # Priya after Jonas


def test_rows_carry_what_the_table_and_the_json_show(register) -> None:
    rows = listing.export_rows(register)
    method = listing.method_of(register)
    first = rows[0]
    assert (first.owner, first.level, first.residual_level) == (JONAS, 3, 1)
    assert listing.cell_text(first, Column.LEVEL, method) == "Critical"
    assert listing.cell_text(first, Column.RESIDUAL_LEVEL, method) == "Medium"
    data = listing.row_json(first, method)
    assert (data["id"], data["inherent_level"], data["residual_level"]) == (
        "R-001", "Critical", "Medium",
    )  # fmt: skip


def test_the_heat_map_counts_risks_per_cell_in_each_view(register) -> None:
    inherent = listing.heat_map(register, RiskFilter(), View.INHERENT)
    assert inherent.counts == {(4, 5): 2, (2, 2): 1, (1, 1): 1}
    assert inherent.per_level() == [2, 0, 0, 2]
    residual = listing.heat_map(register, RiskFilter(), View.RESIDUAL)
    # A risk with no residual rating stands at its inherent rating: nothing lowered it.
    assert residual.counts == {(2, 3): 2, (2, 2): 1, (1, 1): 1}
    # Other filters narrow it; a cell filter does not (the map shows where else to click).
    narrowed = listing.heat_map(
        register, RiskFilter(treatment=T.MODIFY, cell=Cell(View.INHERENT, 2, 2)), View.INHERENT
    )
    assert narrowed.counts == {(4, 5): 2} and narrowed.total == 2
