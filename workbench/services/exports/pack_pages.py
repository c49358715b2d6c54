"""The audit pack's own pages: ``index.html``, which links everything, and the planner table.

Both are self-contained pages in the style of an exported document (see
:func:`doc_export.page`); every value taken from the workspace is escaped, and every link is a
relative path to a file in the same zip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from urllib.parse import quote

from workbench import __version__
from workbench.models import ArtifactKind
from workbench.services.audit.verify import VerifyReport
from workbench.services.common.markup import escape
from workbench.services.exports.document_export import page, status_badge
from workbench.services.planner.drafts import KIND_LABELS
from workbench.services.planner.schedule import Occurrence

PACK_STYLE = """
body { max-width: 64em; }
.ok { border: 1px solid #7cc08f; background: #effaf2; padding: .5em .8em; }
.problems { border: 1px solid #d9534f; background: #fdf0ef; padding: .5em .8em; }
td.files a { margin-right: .6em; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
tr.year th { background: #dde3ea; font-size: 1.05em; }
"""
FILE_LABELS = {"pdf": "PDF", "docx": "Word", "html": "HTML", "md": "Markdown"}


@dataclass(frozen=True)
class PackedDocument:
    """One artifact version in the pack, and the files that render it."""

    artifact_id: int
    title: str
    kind: ArtifactKind
    version: int
    status: str
    draft: bool
    signatures: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Skipped:
    artifact_id: int
    title: str
    reason: str


@dataclass(frozen=True)
class PackFile:
    """A file of the pack that is not a document: the register, the planner, the trail."""

    path: str
    title: str
    description: str


@dataclass(frozen=True)
class IndexFacts:
    organisation: str
    workspace: str
    created_at: datetime
    actor: str
    include_drafts: bool
    report: VerifyReport
    published: Sequence[PackedDocument]
    drafts: Sequence[PackedDocument]
    soa: Sequence[PackedDocument]
    others: Sequence[PackFile]
    skipped: Sequence[Skipped]
    # The risk heat map image in the pack, shown on the page ("" when there are no risks).
    heat_map: str = ""
    # Further sections (already escaped HTML): the evidence files and the dashboard.
    sections: Sequence[str] = ()


def kind_label(kind: ArtifactKind) -> str:
    return "SoA" if kind is ArtifactKind.SOA else kind.value.replace("_", " ")


def link(path: str, label: str) -> str:
    return f"<a href='{escape(quote(path))}'>{escape(label)}</a>"


def _file_label(path: str) -> str:
    suffix = path.rsplit(".", 1)[-1].lower()
    return FILE_LABELS.get(suffix, suffix.upper())


def _documents_table(documents: Sequence[PackedDocument]) -> str:
    header = "".join(
        f"<th>{title}</th>"
        for title in ("ID", "Title", "Kind", "Version", "Status", "Signatures", "Files")
    )
    rows = []
    for document in documents:
        files = " ".join(link(path, _file_label(path)) for path in document.files)
        title = ("DRAFT: " if document.draft else "") + document.title
        rows.append(
            "<tr>"
            f"<td>{document.artifact_id}</td><td>{escape(title)}</td>"
            f"<td>{escape(kind_label(document.kind))}</td>"
            f"<td>{document.version}</td><td>{status_badge(document.status)}</td>"
            f"<td>{escape(document.signatures)}</td><td class='files'>{files}</td>"
            "</tr>"
        )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _verification(report: VerifyReport) -> str:
    if report.ok:
        return f"<p class='ok'>Verified at export time: {escape(report.summary())}.</p>"
    items = "".join(f"<li>{escape(str(problem))}</li>" for problem in report.problems)
    return (
        "<div class='problems'><p><strong>Verification found problems at export time: "
        f"{escape(report.summary())}.</strong></p><ul>{items}</ul></div>"
    )


def index_html(facts: IndexFacts) -> str:
    """The pack's front page: who made it when, the verification result, links to every file."""
    name = facts.organisation or facts.workspace
    parts = [
        "<header class='document'>",
        f"<h1>Audit pack: {escape(name)}</h1>",
        f"<p class='meta'>Made {escape(facts.created_at.strftime('%Y-%m-%d %H:%M UTC'))} by "
        f"{escape(facts.actor)} with GRC Workbench {escape(__version__)} from the workspace "
        f"{escape(facts.workspace)}</p>",
        "</header>",
        "<h2>Integrity</h2>",
        _verification(facts.report),
        f"<p>{link('manifest.json', 'manifest.json')} lists the SHA-256 and size of every other "
        "file in this pack, with the verification result above.</p>",
        "<h2>Statement of Applicability</h2>",
        _documents_table(facts.soa)
        if facts.soa
        else "<p>The register holds no Statement of Applicability.</p>",
        "<h2>Published documents</h2>",
        _documents_table(facts.published)
        if facts.published
        else "<p>No document has been published.</p>",
    ]
    if facts.include_drafts:
        parts.append("<h2>Drafts: not published</h2>")
        parts.append(
            "<p class='notice'>DRAFT: these documents are not published; their latest version "
            "is shown.</p>" + _documents_table(facts.drafts)
            if facts.drafts
            else "<p>Every live document is published.</p>"
        )
    if facts.heat_map:
        parts += [
            "<h2>Risks</h2>",
            f"<p><img src='{escape(quote(facts.heat_map))}' alt='Risk heat map: inherent and "
            "residual risk per likelihood and impact' style='max-width:100%'></p>",
        ]
    parts.extend(facts.sections)
    parts.append("<h2>Register, planner and audit trail</h2><ul>")
    parts.extend(
        f"<li>{link(other.path, other.title)}: {escape(other.description)}</li>"
        for other in facts.others
    )
    parts.append("</ul>")
    if facts.skipped:
        parts.append("<h2>Not included</h2><ul>")
        parts.extend(
            f"<li>{escape(s.title)}{f' (register id {s.artifact_id})' if s.artifact_id else ''}: "
            f"{escape(s.reason)}</li>"
            for s in facts.skipped
        )
        parts.append("</ul>")
    return page(f"Audit pack: {name}", "\n".join(parts), style=PACK_STYLE)


def _when(occurrence: Occurrence, zone: tzinfo) -> tuple[str, str]:
    first, last = occurrence.days(zone)
    day = first.isoformat() + (f" to {last.isoformat()}" if last > first else "")
    if occurrence.all_day:
        return day, "all day"
    start = occurrence.start.astimezone(zone)
    time = f"{start:%H:%M}"
    if occurrence.end is not None:
        time += f"–{occurrence.end.astimezone(zone):%H:%M}"
    return day, time


def planner_html(
    found: Sequence[Occurrence],
    *,
    first: date,
    last: date,
    zone: tzinfo,
    zone_name: str,
    organisation: str,
) -> str:
    """The planner from ``first`` to ``last`` as a table, one heading per year."""
    parts = [
        "<header class='document'>",
        f"<h1>Audits and reviews{': ' + escape(organisation) if organisation else ''}</h1>",
        f"<p class='meta'>{first.isoformat()} to {last.isoformat()} · times in "
        f"{escape(zone_name)} · {len(found)} entr{'y' if len(found) == 1 else 'ies'}</p>",
        "</header>",
    ]
    if not found:
        parts.append("<p>Nothing is planned in this period.</p>")
        return page("Audits and reviews", "\n".join(parts), style=PACK_STYLE)
    header = "".join(
        f"<th>{title}</th>" for title in ("Date", "Time", "Kind", "Title", "Status", "Location")
    )
    year: int | None = None
    rows: list[str] = []
    for occurrence in found:
        day, time = _when(occurrence, zone)
        if occurrence.days(zone)[0].year != year:
            year = occurrence.days(zone)[0].year
            rows.append(f"<tr class='year'><th colspan='6'>{year}</th></tr>")
        status = occurrence.status.value
        rows.append(
            f"<tr><td class='nowrap'>{escape(day)}</td><td class='nowrap'>{escape(time)}</td>"
            f"<td>{escape(KIND_LABELS[occurrence.kind])}</td><td>{escape(occurrence.title)}</td>"
            f"<td>{escape(status)}</td><td>{escape(occurrence.location)}</td></tr>"
        )
    parts.append(f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return page("Audits and reviews", "\n".join(parts), style=PACK_STYLE)
