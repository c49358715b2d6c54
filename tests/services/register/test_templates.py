from __future__ import annotations

from datetime import date

import pytest

from workbench.models import ArtifactKind, WorkspaceProfile
from workbench.services.catalog.standards import default_catalog
from workbench.services.register.templates import (
    Template,
    TemplateRenderError,
    load_templates,
    render,
    template_context,
)

PROFILE = WorkspaceProfile(
    organisation_name="Acme Logistics GmbH",
    isms_scope="Warehouse management platform and Hamburg depot",
    isms_owner="Jonas Weber",
)
REQUIRED_KEYS = {
    "isms-scope": "4.3",
    "context-interested-parties": "4.1",
    "information-security-policy": "5.2",
    "roles-responsibilities": "5.3",
    "risk-methodology": "6.1.2",
    "risk-register": "6.1.2",
    "risk-treatment-plan": "6.1.3",
    "statement-of-applicability": "6.1.3",
    "information-security-objectives": "6.2",
    "competence-awareness-plan": "7.2",
    "communication-plan": "7.4",
    "documented-information-procedure": "7.5",
    "internal-audit-programme": "9.2",
    "management-review-minutes": "9.3",
    "nonconformity-corrective-action-log": "10.2",
    "access-control-policy": "A.5.15",
    "supplier-security-policy": "A.5.19",
    "incident-management-policy": "A.5.24",
    "backup-policy": "A.8.13",
    "acceptable-use-policy": "A.5.10",
}


def context(profile: WorkspaceProfile = PROFILE) -> dict[str, object]:
    return template_context(
        profile, document_owner="Jonas Weber", review_interval_months=12, today=date(2026, 11, 28)
    )


def test_every_required_template_exists_with_its_clause() -> None:
    templates = load_templates()
    assert len(templates) >= 18
    for key, clause in REQUIRED_KEYS.items():
        assert f"ISO27001:2022/{clause}" in templates[key].refs, key
    catalog = default_catalog()
    for template in templates.values():
        assert not catalog.unknown(template.refs), template.key


@pytest.mark.parametrize("key", sorted(REQUIRED_KEYS))
def test_template_renders_real_text_with_the_profile(key: str) -> None:
    template = load_templates()[key]
    text = render(template, context())
    assert text.startswith("# ")
    assert "Acme Logistics GmbH" in text
    assert "Document control" in text or "document control" in text.lower()
    assert len(text.split()) > 400
    assert "{{" not in text and "{%" not in text
    # optional profile fields left empty still render
    empty_optional = context(PROFILE.model_copy(update={"locations": "", "industry": ""}))
    render(template, empty_optional)


def test_statement_of_applicability_lists_all_93_controls() -> None:
    text = render(load_templates()["statement-of-applicability"], context())
    for entry in default_catalog().entries_of("ISO27001:2022", kind="control"):
        assert f"| {entry.local_id} " in text or f"|{entry.local_id}|" in text, entry.local_id
    assert "A.8.34" in text


def test_missing_profile_field_is_named_in_words() -> None:
    blank = WorkspaceProfile(isms_scope="Everything", isms_owner="Jonas")
    with pytest.raises(TemplateRenderError) as error:
        render(load_templates()["isms-scope"], context(blank))
    assert str(error.value) == (
        "the template 'ISMS Scope Statement' needs the organisation name: "
        "set it in the workspace profile"
    )


def test_sandbox_refuses_unsafe_templates() -> None:
    hostile = Template(
        key="x", title="Hostile", kind=ArtifactKind.OTHER, refs=(), review_interval_months=12,
        core=False, order=1, description="",
        body="{{ ''.__class__.__mro__[1].__subclasses__() }}",
    )  # fmt: skip
    with pytest.raises(TemplateRenderError, match="Hostile"):
        render(hostile, context())


def test_unknown_variable_is_reported_by_name() -> None:
    typo = Template(
        key="t", title="Typo", kind=ArtifactKind.OTHER, refs=(), review_interval_months=12,
        core=False, order=1, description="", body="# {{ organisation_nmae }}",
    )  # fmt: skip
    with pytest.raises(TemplateRenderError, match="unknown field 'organisation_nmae'"):
        render(typo, context())
