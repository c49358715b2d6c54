"""Risks as records: stable ids, levels computed from the method, links, treatment actions."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import col, select

from tests.helpers.risks import JONAS, add, with_owners
from workbench.models import ActionStatus, ArtifactKind, AssetType, AuditLogEntry, RiskStatus
from workbench.models import TreatmentOption as T
from workbench.services.common.errors import NotFoundError
from workbench.services.register import artifacts
from workbench.services.risks import assets, records
from workbench.services.risks.records import RiskDraft, RiskError


@pytest.fixture
def owned(workspace):
    with_owners(workspace)
    return workspace


def _last_entry(workspace) -> AuditLogEntry:
    with workspace.read() as session:
        entry = session.exec(select(AuditLogEntry).order_by(col(AuditLogEntry.id).desc())).first()
    assert entry is not None
    return entry


def test_ids_run_r001_upwards_and_survive_a_deletion(owned) -> None:
    first, second = add(owned, "First"), add(owned, "Second")
    assert (first, second) == ("R-001", "R-002")
    records.delete_risk(owned, actor="Mara", ref=second)
    assert add(owned, "Third") == "R-002"  # the highest id left decides
    for spelled in ("R-001", "r-1", "1", " R-0001 "):
        assert records.get_risk(owned, spelled).ref == "R-001"
    with pytest.raises(NotFoundError, match="no risk R-404"):
        records.get_risk(owned, "R-404")


def test_levels_are_computed_never_taken_from_the_caller(owned) -> None:
    ref = add(owned, likelihood=4, impact=5, residual_likelihood=2, residual_impact=3)
    risk = records.get_risk(owned, ref)
    assert (risk.level_name, risk.residual_level_name) == ("Critical", "Medium")
    assert risk.effective_level == risk.residual_level
    with pytest.raises(TypeError):
        RiskDraft(title="x", level=0)  # type: ignore[call-arg]
    entry = _last_entry(owned)
    summary = json.loads(entry.summary)
    assert (entry.action, entry.entity_id) == ("risk.add", ref)
    assert (summary["level"], summary["residual_level"], summary["method_version"]) == (
        "Critical", "Medium", 1,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "a risk needs a title"),
        ({"likelihood": 6, "impact": 1}, r"likelihood must be 1 to 5"),
        ({"likelihood": 2}, "rate both the likelihood and the impact"),
        ({"residual_impact": 2}, "rate both the residual likelihood"),
        ({"owner": "Nobody Known"}, "no person named 'Nobody Known'"),
        ({"controls": ("A.8.13", "A.99.1")}, r"not a control of the catalog: A\.99\.1"),
        ({"controls": ("6.1.2",)}, "not a control"),
        ({"assets": ("Unknown asset",)}, "no asset named 'Unknown asset'"),
        ({"documents": (999,)}, "no register artifact 999"),
    ],
)
def test_a_bad_draft_is_refused_and_nothing_written(owned, fields, message) -> None:
    draft = RiskDraft(**{"title": "A risk", "owner": JONAS, **fields})
    with pytest.raises(RiskError, match=message):
        records.add_risk(owned, actor="Mara", draft=draft)
    with owned.read() as session:
        assert records.find_risk(session, "R-001") is None


def test_controls_assets_and_documents_are_linked_and_found_back(owned) -> None:
    assets.add_asset(owned, actor="Mara", name="File server", type=AssetType.SYSTEM)
    _, policy = artifacts.create_artifact(
        owned, actor="Mara", kind=ArtifactKind.POLICY, title="Backup Policy", owner="Jonas"
    )
    ref = add(
        owned, controls=("A.8.13", "8.7", "ISO27001:2022/A.5.30"), assets=("file server",),
        documents=(policy,),
    )  # fmt: skip
    risk = records.get_risk(owned, ref)
    assert risk.draft.controls == (
        "ISO27001:2022/A.5.30", "ISO27001:2022/A.8.7", "ISO27001:2022/A.8.13",
    )  # fmt: skip
    assert risk.draft.assets == ("File server",)
    assert [(d.artifact_id, d.title) for d in risk.documents] == [(policy, "Backup Policy")]
    assert records.risks_for_control(owned, "A.8.13") == [(ref, risk.title)]
    assert records.risks_for_control(owned, "A.8.14") == []
    assert records.risks_for_artifact(owned, policy) == [(ref, risk.title)]


def test_an_update_changes_only_what_it_names_and_logs_before_and_after(owned) -> None:
    ref = add(owned, likelihood=4, impact=4, treatment=T.MODIFY, controls=("A.8.13",))
    records.update_risk(
        owned, actor="Mara", ref=ref,
        changes={"residual_likelihood": 2, "residual_impact": 3, "status": RiskStatus.IN_TREATMENT},
    )  # fmt: skip
    risk = records.get_risk(owned, ref)
    assert risk.draft.controls == ("ISO27001:2022/A.8.13",)
    assert risk.residual_level_name == "Medium"
    summary = json.loads(_last_entry(owned).summary)
    assert summary["before"] == {
        "residual_likelihood": None, "residual_impact": None, "status": "open",
    }  # fmt: skip
    assert summary["after"]["status"] == "in_treatment"
    with pytest.raises(RiskError, match="already says that"):
        records.update_risk(owned, actor="Mara", ref=ref, changes={"residual_impact": 3})
    with pytest.raises(RiskError, match="no field level"):
        records.update_risk(owned, actor="Mara", ref=ref, changes={"level": 0})


def test_treatment_actions_are_added_done_and_moved(owned) -> None:
    ref = add(owned)
    _, action = records.add_action(
        owned, actor="Mara", ref=ref, text="Offline backups", owner="Jonas", due=date(2027, 3, 1)
    )
    records.update_action(owned, actor="Mara", action_id=action, due=date(2027, 4, 1))
    records.complete_action(owned, actor="Mara", action_id=action, done_on=date(2027, 3, 20))
    (info,) = records.get_risk(owned, ref).actions
    assert (info.due, info.status, info.done_on) == (
        date(2027, 4, 1), ActionStatus.DONE, date(2027, 3, 20),
    )  # fmt: skip
    assert not info.overdue(date(2028, 1, 1))
    records.update_action(owned, actor="Mara", action_id=action, status=ActionStatus.OPEN)
    (info,) = records.get_risk(owned, ref).actions
    assert info.done_on is None and info.overdue(date(2027, 4, 2))
    with pytest.raises(RiskError, match="needs to say what"):
        records.add_action(owned, actor="Mara", ref=ref, text=" ")
    with pytest.raises(NotFoundError):
        records.update_action(owned, actor="Mara", action_id=999, text="x")


def test_a_risk_someone_signed_for_cannot_be_deleted(owned) -> None:
    from tests.helpers.risks import JONAS_PASS
    from workbench.services.risks import acceptance

    ref = add(owned, likelihood=2, impact=2)
    acceptance.sign(owned, ref=ref, signer=JONAS, passphrase=JONAS_PASS)
    with pytest.raises(RiskError, match="set its status to closed"):
        records.delete_risk(owned, actor="Mara", ref=ref)
    assert records.get_risk(owned, ref)


def test_assets_need_a_unique_name_and_ratings_of_one_to_three(owned) -> None:
    _, info = assets.add_asset(
        owned, actor="Mara", name=" Customer  data ", type=AssetType.INFORMATION,
        confidentiality=3, integrity=2,
    )  # fmt: skip
    assert info.name == "Customer data" and info.rating_text() == "C:high I:medium"
    with pytest.raises(assets.AssetError, match="already an asset"):
        assets.add_asset(owned, actor="Mara", name="customer data", type=AssetType.SERVICE)
    with pytest.raises(assets.AssetError, match="1 \\(low\\) to 3"):
        assets.add_asset(owned, actor="Mara", name="X", type=AssetType.SITE, availability=5)
    assert assets.parse_rating("High") == 3 and assets.parse_rating("") is None
    with pytest.raises(assets.AssetError):
        assets.parse_type("laptop")
    add(owned, assets=("Customer data",))
    assert [(a.name, a.risks) for a in assets.list_assets(owned)] == [("Customer data", 1)]
