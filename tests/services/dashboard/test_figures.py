"""The dashboard's figures on a workspace whose state is known, and their SVG and PDF."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta

import pypdf
import pytest

from tests.helpers.approvals import approved_by_both, with_people
from tests.helpers.controls import add_file
from tests.helpers.planner import create_event
from tests.helpers.risks import JONAS, JONAS_PASS, with_owners
from tests.helpers.risks import add as add_risk
from workbench.models import ArtifactKind
from workbench.services.controls import records
from workbench.services.dashboard import charts, figures
from workbench.services.dashboard.figures import Link
from workbench.services.dashboard.placeholders import count_placeholders
from workbench.services.exports.dashboard_pdf import write_dashboard_pdf
from workbench.services.planner import findings
from workbench.services.planner.findings import FindingDraft
from workbench.services.register import artifacts
from workbench.services.risks import acceptance
from workbench.services.risks import records as risk_records

TODAY = date(2026, 12, 1)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def known(workspace, tmp_path):
    """5 of 7 applicable people controls implemented (1 excluded), 2 organizational ones;
    a policy approved (clause 5), a scope in draft with placeholders and its review overdue
    (clause 4), an open finding, one expired and one expiring piece of evidence."""
    for local_id in ("A.6.1", "A.6.2", "A.6.3", "A.6.4", "A.6.5", "A.5.1", "A.5.2"):
        records.update_control(workspace, local_id, actor="Mara", status="implemented")
    records.update_control(workspace, "A.6.6", actor="Mara", status="partial")
    records.update_control(workspace, "A.6.8", actor="Mara", applicable=False, justification="x")
    records.update_control(workspace, "A.8.1", actor="Mara", target_date=date(2026, 11, 1))
    with_people(workspace)
    _, policy = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Information Security Policy",
        refs=["ISO27001:2022/5.2"],
    )  # fmt: skip
    approved_by_both(workspace, policy)
    artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.SCOPE, title="ISMS Scope Statement",
        refs=["ISO27001:2022/4.3"], today=date(2025, 6, 1),
        content="# Scope\n\n[TO COMPLETE: sites]\n\n> **Guidance:** name every site.\n",
    )  # fmt: skip
    audit = create_event(workspace)
    finding = FindingDraft(text="No restore test", due=date(2027, 1, 31))
    findings.add_finding(workspace, audit, finding, actor="Mara")
    add_file(workspace, tmp_path, "old.pdf", to="A.8.13", expires=date(2026, 11, 15))
    add_file(workspace, tmp_path, "soon.pdf", to="A.8.13", expires=date(2026, 12, 15))
    return workspace


def test_the_figures_of_a_known_workspace(known) -> None:
    readiness = figures.readiness(known, today=TODAY)
    people = next(theme for theme in readiness.themes if theme.key == "people")
    assert (people.controls, people.applicable, people.implemented, people.partial) == (8, 7, 5, 1)
    assert people.percent == 71
    organizational = readiness.themes[0]
    assert (organizational.applicable, organizational.implemented, organizational.percent) == (
        37, 2, 5,
    )  # fmt: skip
    assert (readiness.overall.applicable, readiness.overall.implemented) == (92, 7)
    assert readiness.overall.percent == 8
    clauses = {clause.clause: clause for clause in readiness.clauses}
    assert list(clauses) == ["4", "5", "6", "7", "8", "9", "10"]
    assert [(d.title, d.state, d.placeholders) for d in clauses["4"].documents] == [
        ("ISMS Scope Statement", "draft", 2),
    ]  # fmt: skip
    assert (clauses["5"].count("approved"), clauses["6"].documents) == (1, ())
    counts = {item.key: item.count for item in readiness.attention}
    assert counts == {
        "overdue_reviews": 1, "open_findings": 1, "controls_overdue": 1, "evidence_expired": 1,
        "evidence_expiring": 1, "documents_with_placeholders": 1,
    }  # fmt: skip
    overdue = readiness.attention_item("overdue_reviews")
    assert overdue is not None and overdue.link == Link("register", "review_overdue")
    assert [label for label, _ in overdue.items] == ["ISMS Scope Statement"]
    assert readiness.attention_item("controls_overdue").items == (  # type: ignore[union-attr]
        ("A.8.1", Link("controls", "A.8.1")),
    )


def test_json_carries_the_same_figures(known) -> None:
    data = json.loads(json.dumps(figures.readiness(known, today=TODAY).to_json()))
    assert data["as_of"] == "2026-12-01"
    assert data["controls"]["overall"]["percent"] == 8
    assert [t["percent"] for t in data["controls"]["themes"]] == [5, 71, 0, 0]
    assert data["clauses"][1] == {
        "clause": "5", "title": "Leadership", "approved": 1, "in_review": 0, "draft": 0,
        "documents": [{"id": 1, "title": "Information Security Policy", "state": "approved",
                       "placeholders": 0}],
    }  # fmt: skip
    assert data["attention"]["evidence_expired"]["count"] == 1
    assert data["heat_maps"] == []


def test_the_svg_is_well_formed_and_shows_the_figures(known) -> None:
    chart = charts.layout(figures.readiness(known, today=TODAY))
    root = ElementTree.fromstring(charts.to_svg(chart, title="Readiness <Acme>"))
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "71%  (5 of 7 applicable)" in texts
    assert "1 of 1 approved" in texts and "no document" in texts
    assert root.find(f"{SVG}title").text == "Readiness <Acme>"  # type: ignore[union-attr]
    widths = [float(r.get("width", 0)) for r in root.iter(f"{SVG}rect")]
    assert all(width >= 0 for width in widths)


def test_the_readiness_pdf_is_one_page(known, tmp_path) -> None:
    target = tmp_path / "readiness.pdf"
    write_dashboard_pdf(figures.readiness(known, today=TODAY), target)
    reader = pypdf.PdfReader(target)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Audit readiness of the ISMS" in text and "71% (5 of 7 applicable)" in text
    assert "Document reviews overdue" in text


def test_heat_maps_from_the_risk_register_are_drawn() -> None:
    readiness = figures.Readiness(
        as_of=TODAY, organisation="", themes=(), overall=figures.ThemeProgress(
            "annex_a", "All Annex A controls", "A", 0, 0, 0, 0, 0),
        clauses=(), attention=(),
        heat_maps=(figures.HeatMap("Before treatment", ("High", "Low"), ("Minor", "Severe"),
                                   ((0, 3), (1, 0)), (("#fc0", "#d00"), ("#6c6", "#fc0"))),),
    )  # fmt: skip
    texts = [
        shape.text for shape in charts.layout(readiness).shapes if isinstance(shape, charts.Text)
    ]
    assert "Risks before and after treatment" in texts and "Before treatment" in texts
    assert "3" in texts and "1" in texts


def test_placeholders_are_counted() -> None:
    text = "# T\n\n[TO COMPLETE: a] and [TO COMPLETE]\n\n> **Guidance:** x\n\nGuidance: not one\n"
    assert count_placeholders(text) == 3
    assert count_placeholders("# Finished\n") == 0


def test_the_risk_register_adds_its_deadlines_and_heat_maps(workspace) -> None:
    today = date.today()
    with_owners(workspace)
    high = add_risk(workspace, "Ransomware", likelihood=4, impact=5, residual_likelihood=2,
                    residual_impact=3)  # fmt: skip
    add_risk(workspace, "Phishing", likelihood=4, impact=5)
    add_risk(workspace, "Not rated yet")
    risk_records.add_action(workspace, actor="Mara", ref=high, text="Offline backups",
                            due=today - timedelta(days=3))  # fmt: skip
    risk_records.add_action(workspace, actor="Mara", ref=high, text="Restore test",
                            due=today + timedelta(days=3))  # fmt: skip
    acceptance.sign(workspace, ref=high, signer=JONAS, passphrase=JONAS_PASS,
                    expires=today + timedelta(days=10))  # fmt: skip
    readiness = figures.readiness(workspace, today=today)
    actions = readiness.attention_item("risk_actions_overdue")
    assert actions is not None and actions.count == 1
    overdue_day = (today - timedelta(days=3)).isoformat()
    label = f"Risk action due: Offline backups ({high}) ({overdue_day})"
    assert actions.items == ((label, Link("risks", high)),)
    expiring = readiness.attention_item("risk_acceptances_expiring")
    assert expiring is not None and expiring.count == 1
    assert expiring.items[0][1] == Link("risks", high)
    inherent, residual = readiness.heat_maps
    assert (inherent.title, residual.title) == ("Inherent risk", "Residual risk")
    # Likelihood rows from the highest down, impact columns from the lowest up (5x5 default).
    assert len(inherent.likelihoods) == 5 and inherent.likelihoods[0].startswith("5 ")
    assert inherent.counts[5 - 4][5 - 1] == 2
    assert sum(map(sum, inherent.counts)) == 2  # the unrated risk is on neither map
    assert residual.counts[5 - 2][3 - 1] == 1 and residual.counts[5 - 4][5 - 1] == 1
    assert all(colour.startswith("#") for row in inherent.colours for colour in row)
    data = json.loads(json.dumps(readiness.to_json()))
    assert len(data["heat_maps"]) == 2
    assert data["attention"]["risk_actions_overdue"]["count"] == 1


def test_a_workspace_without_risks_has_no_risk_figures(workspace) -> None:
    readiness = figures.readiness(workspace, today=TODAY)
    assert readiness.heat_maps == ()
    assert readiness.attention_item("risk_actions_overdue") is None
