"""Artifact templates: Jinja2 Markdown with front matter, rendered in a sandbox.

A template names the profile fields it uses; rendering with one missing says which field to
fill in, in words, instead of failing with a Jinja2 error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

import yaml
from sqlmodel import Session, col, select

from workbench.models import ArtifactKind, RiskMethodVersion, WorkspaceProfile
from workbench.services.catalog.standards import Catalog, default_catalog
from workbench.services.common.errors import ServiceError
from workbench.services.common.paths import resource

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

TEMPLATE_SUFFIX = ".md.j2"
# Profile fields a template may need, with the words a user knows them by.
REQUIRED_PROFILE_FIELDS = {
    "organisation_name": "organisation name",
    "isms_scope": "ISMS scope",
    "isms_owner": "ISMS owner",
}
OPTIONAL_PROFILE_FIELDS = ("certification_target", "locations", "industry")
INDUSTRY_EXAMPLES = "industry-examples.yaml"
DEFAULT_RISK_METHOD = ("risk-method", "default.yaml")
_UNDEFINED_NAME = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)' is undefined")


class TemplateRenderError(ServiceError):
    """A template cannot be rendered; the message says what to do, in one sentence."""


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    kind: ArtifactKind
    refs: tuple[str, ...]
    review_interval_months: int
    core: bool
    order: int
    description: str
    body: str


def _parse(source: Traversable) -> Template:
    text = source.read_text(encoding="utf-8")
    front, separator, body = text.partition("\n---\n")
    if not separator:
        raise ValueError(f"template {source.name} has no '---' line after its front matter")
    meta: Any = yaml.safe_load(front)
    return Template(
        key=str(meta["key"]),
        title=str(meta["title"]),
        kind=ArtifactKind(meta["kind"]),
        refs=tuple(meta.get("refs", ())),
        review_interval_months=int(meta.get("review_interval_months", 12)),
        core=bool(meta.get("core", False)),
        order=int(meta.get("order", 1000)),
        description=str(meta.get("description", "")),
        body=body,
    )


@cache
def load_templates() -> dict[str, Template]:
    """The shipped templates by key, in wizard order (read once per process)."""
    folder = resource("templates")
    templates = [_parse(item) for item in folder.iterdir() if item.name.endswith(TEMPLATE_SUFFIX)]
    return {t.key: t for t in sorted(templates, key=lambda t: (t.order, t.key))}


def get_template(key: str) -> Template:
    try:
        return load_templates()[key]
    except KeyError:
        known = ", ".join(load_templates())
        raise TemplateRenderError(f"there is no template '{key}' (known: {known})") from None


@cache
def _environment() -> SandboxedEnvironment:
    # Jinja2 is imported on first use, not when the app starts.
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False
    )


@cache
def _example_sets() -> tuple[dict[str, Any], tuple[dict[str, Any], ...]]:
    data: Any = yaml.safe_load(resource("templates", INDUSTRY_EXAMPLES).read_text("utf-8"))
    return data["default"], tuple(data["sectors"])


def industry_examples(industry: str) -> dict[str, Any]:
    """The example set for a free-text industry: the first sector with a keyword that starts a
    word of it, else the general set. Templates show every item marked as an example."""
    default, sectors = _example_sets()
    text = industry.casefold()
    for sector in sectors:
        if any(re.search(rf"\b{re.escape(word)}", text) for word in sector["keywords"]):
            return {**sector, "matched": True}
    return {**default, "key": "default", "matched": False}


def _documents_by_control(catalog: Catalog) -> dict[str, list[str]]:
    """Annex A control id -> titles of the shipped templates that address it (their refs)."""
    documents: dict[str, list[str]] = {}
    for template in load_templates().values():
        for ref in template.refs:
            entry = catalog.get(ref)
            if entry is not None and entry.is_control and entry.pack == "ISO27001:2022":
                documents.setdefault(entry.local_id, []).append(template.title)
    return documents


def _catalog_context(catalog: Catalog) -> dict[str, Any]:
    controls = [
        {"id": e.local_id, "ref": e.ref, "title": e.title, "theme": e.theme, "summary": e.summary}
        for e in catalog.entries_of("ISO27001:2022", kind="control")
    ]
    clauses = [
        {"id": e.local_id, "ref": e.ref, "title": e.title}
        for e in catalog.entries_of("ISO27001:2022", kind="clause")
        if not e.local_id.startswith("A.")
    ]
    return {
        "annex_a_controls": controls,
        "clauses": clauses,
        "control_documents": _documents_by_control(catalog),
    }


@cache
def _default_risk_method() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(resource(*DEFAULT_RISK_METHOD).read_text("utf-8"))
    return {**data, "version": 1}


def stored_risk_method(session: Session) -> dict[str, Any]:
    """The workspace's risk method in force as plain data, for the risk-methodology template
    to render its criteria from. The risks package owns and checks the method; here it is only
    read and handed to the template as it is stored."""
    row = session.exec(
        select(RiskMethodVersion).order_by(col(RiskMethodVersion.id).desc()).limit(1)
    ).first()
    if row is None:
        return _default_risk_method()
    data: dict[str, Any] = json.loads(row.data)
    return {**data, "version": row.id}


def template_context(
    profile: WorkspaceProfile,
    *,
    document_owner: str,
    review_interval_months: int,
    today: date,
    catalog: Catalog | None = None,
    risk_method: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The variables a template sees. Empty required profile fields are left out on purpose,
    so rendering names them. ``risk_method`` is the workspace's (see
    :func:`stored_risk_method`); without one the default a new workspace starts with."""
    context: dict[str, Any] = {
        name: getattr(profile, name)
        for name in REQUIRED_PROFILE_FIELDS
        if str(getattr(profile, name) or "").strip()
    }
    for name in OPTIONAL_PROFILE_FIELDS:
        value = getattr(profile, name)
        context[name] = value.isoformat() if isinstance(value, date) else (value or "")
    context.update(
        document_owner=document_owner or profile.isms_owner or "[TO COMPLETE: document owner]",
        review_interval_months=review_interval_months,
        effective_date=today.isoformat(),
        examples=industry_examples(profile.industry or ""),
        risk_method=dict(risk_method) if risk_method is not None else _default_risk_method(),
    )
    context.update(_catalog_context(catalog or default_catalog()))
    return context


def render(template: Template, context: Mapping[str, Any]) -> str:
    from jinja2 import TemplateError, UndefinedError

    try:
        return _environment().from_string(template.body).render(**context)
    except UndefinedError as error:
        match = _UNDEFINED_NAME.search(str(error))
        name = match.group(1) if match else ""
        if name in REQUIRED_PROFILE_FIELDS:
            label = REQUIRED_PROFILE_FIELDS[name]
            raise TemplateRenderError(
                f"the template '{template.title}' needs the {label}: "
                "set it in the workspace profile"
            ) from error
        raise TemplateRenderError(
            f"the template '{template.title}' uses an unknown field '{name or error}'"
        ) from error
    except TemplateError as error:
        raise TemplateRenderError(
            f"the template '{template.title}' is broken: {error.message or error}"
        ) from error
