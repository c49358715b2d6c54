"""Word and PDF as an auditor gets them, read back with python-docx (and the raw XML) and with
pypdf: tables that repeat their header and never split a row, columns sized by content, wide
tables on landscape pages, headings kept with what follows, real list numbering, embedded
fonts, honest properties, and the same bytes each time a version is rendered."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date
from pathlib import Path

import docx
import pypdf
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.table import Table

from tests.helpers.approvals import JONAS_PASS, with_people
from workbench.models import ArtifactKind
from workbench.services.approvals import decisions, reviews
from workbench.services.exports import document_export, publishing
from workbench.services.register import artifacts, versioning

HEADER = (
    "| Control | Title | Applicable | Justification for inclusion / exclusion "
    "| Implementation status | Reference / evidence |\n|---|---|---|---|---|---|\n"
)
ROWS = "".join(
    f"| A.5.{n} | Control title number {n} of the organisational theme | Yes "
    f"| RowT{n:03d} treats risks R-{n:02d} and R-{n + 1:02d} found in the assessment, and the "
    f"contract with the largest customer asks for it explicitly | Implemented "
    f"| Policy section {n}, ticket queue and the quarterly review records EndT{n:03d} |\n"
    for n in range(1, 61)
)
SOA = (
    "# Statement of Applicability\n\nIntroduction of the “SoA” – what it covers… A ≠ B.\n\n"
    "## 4. Annex A controls\n\n### 4.1 Organizational controls\n\n"
    f"{HEADER}{ROWS}\n## 7. Review\n\nReviewed yearly.\n"
)
SECTIONS = "\n\n".join(
    f"## HeadingQ{n:02d}\n\nBodyQ{n:02d} " + "words of the section that fill a line. " * 12
    for n in range(1, 31)
)
LISTS = (
    "# Procedure\n\n1. one\n2. two\n\nBetween.\n\n1. again\n2. more\n\n- a bullet\n- another\n\n"
    "Rules go on from an earlier section:\n\n7. seven\n8. eight\n"
)


def _approved(workspace, kind: ArtifactKind, title: str, text: str) -> int:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=kind, title=title, owner="Jonas Weber", content=text,
        today=date(2026, 1, 10),
    )  # fmt: skip
    reviews.request_review(workspace, actor="Mara", artifact_id=artifact_id,
                           approvers=["Jonas Weber"])  # fmt: skip
    decisions.approve(workspace, artifact_id=artifact_id, version=1, signer="Jonas Weber",
                      passphrase=JONAS_PASS, today=date(2026, 11, 28))  # fmt: skip
    return artifact_id


@pytest.fixture
def soa(workspace) -> int:
    with_people(workspace)
    return _approved(workspace, ArtifactKind.SOA, "Statement of Applicability", SOA)


def render(workspace, artifact_id: int, fmt: str, tmp_path: Path, **options) -> Path:
    target = tmp_path / f"out.{fmt}"
    document_export.export_document(workspace, artifact_id, fmt=fmt, target=target, **options)
    return target


# --- Word -----------------------------------------------------------------------------------


def _tables_by_section(word: docx.document.Document) -> list[tuple[WD_ORIENT, list[Table]]]:
    return [
        (section.orientation, [b for b in section.iter_inner_content() if isinstance(b, Table)])
        for section in word.sections
    ]


def test_word_tables_repeat_headers_never_split_and_fit_their_content(
    workspace, soa: int, tmp_path: Path
) -> None:
    word = docx.Document(str(render(workspace, soa, "docx", tmp_path)))
    controls = next(t for t in word.tables if t.rows[0].cells[0].text == "Control")
    rows = controls._tbl.tr_lst
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(row.trPr.find(qn("w:tblHeader")) is None for row in rows[1:])
    assert all(row.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    grid = [int(col.get(qn("w:w"))) for col in controls._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(set(grid)) > 1
    control, title, applicable, justification, status, evidence = grid
    assert control < title < justification and applicable < justification
    assert control < status < evidence
    properties = controls._tbl.tblPr
    (layout,) = properties.findall(qn("w:tblLayout"))
    assert layout.get(qn("w:type")) == "fixed"
    # in the schema's order, or Word reports the file as damaged
    order = [child.tag.split("}")[1] for child in properties]
    assert order == ["tblStyle", "tblW", "jc", "tblLayout", "tblLook"]
    assert properties.find(qn("w:tblW")).get(qn("w:w")) == str(sum(grid))
    # the cells carry the widths too, as Word and LibreOffice read them
    first = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in rows[1].tc_lst]
    assert first == grid


def test_word_wide_tables_get_a_landscape_section(workspace, soa: int, tmp_path: Path) -> None:
    word = docx.Document(str(render(workspace, soa, "docx", tmp_path)))
    sections = _tables_by_section(word)
    assert [orientation for orientation, _ in sections] == [
        WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT,
    ]  # fmt: skip
    (landscape,) = [s for s in word.sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert landscape.page_width > landscape.page_height
    # the control table, with the headings above it, is on the landscape pages
    assert [t.rows[0].cells[0].text for t in sections[1][1]] == ["Control"]
    texts = [b.text for b in landscape.iter_inner_content() if not isinstance(b, Table)]
    assert "4.1 Organizational controls" in texts and "7. Review" not in texts
    # the approval block's tables stay on the first, portrait page
    assert len(sections[0][1]) == 2
    # every section shows the same header and footer
    assert all(s.header.is_linked_to_previous for s in word.sections[1:])


def test_word_title_first_headings_kept_and_one_footer_size(
    workspace, soa: int, tmp_path: Path
) -> None:
    word = docx.Document(str(render(workspace, soa, "docx", tmp_path)))
    paragraphs = [p for p in word.paragraphs if p.text]
    assert (paragraphs[0].style.name, paragraphs[0].text) == (
        "Heading 1", "Statement of Applicability",
    )  # fmt: skip
    assert paragraphs[1].text == "Document approval"
    headings = [p for p in paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) >= 4
    assert all(p.paragraph_format.keep_with_next for p in headings)
    footer = word.sections[0].footer
    assert footer.paragraphs[0].style.font.size.pt == 8
    sizes = {run.font.size.pt for run in footer.paragraphs[0].runs if run.font.size is not None}
    assert sizes == {8}  # the page number field takes the footer style's size too
    assert "PAGE" in footer.paragraphs[0]._p.xml and "NUMPAGES" in footer.paragraphs[0]._p.xml


def test_word_lists_are_real_numbering(workspace, tmp_path: Path) -> None:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.PROCEDURE, title="Procedure", content=LISTS
    )
    target = render(workspace, artifact_id, "docx", tmp_path)
    word = docx.Document(str(target))
    listed = [p for p in word.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert [p.text for p in listed] == [
        "one", "two", "again", "more", "a bullet", "another", "seven", "eight",
    ]  # fmt: skip
    assert not any(re.match(r"\d+\.\t", p.text) for p in word.paragraphs)  # no typed numbers
    ids = [p._p.pPr.numPr.numId.val for p in listed]
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]  # a new list restarts
    numbering = word.part.numbering_part.element
    formats = {}
    for num in numbering.num_lst:
        abstract = num.abstractNumId.val
        definition = next(
            a for a in numbering.findall(qn("w:abstractNum"))
            if int(a.get(qn("w:abstractNumId"))) == abstract
        )  # fmt: skip
        level = definition.find(qn("w:lvl"))
        formats[num.numId] = (
            level.find(qn("w:numFmt")).get(qn("w:val")),
            level.find(qn("w:lvlText")).get(qn("w:val")),
        )
        if num.numId in ids:
            override = num.find(qn("w:lvlOverride")).find(qn("w:startOverride"))
            assert override.get(qn("w:val")) == ("7" if num.numId == ids[6] else "1")
    assert formats[ids[0]] == formats[ids[2]] == formats[ids[6]] == ("decimal", "%1.")
    assert formats[ids[4]] == ("bullet", "•")
    pages = _pages(render(workspace, artifact_id, "pdf", tmp_path))
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert "1. one 2. two" in text and "1. again 2. more" in text and "7. seven 8. eight" in text


def test_word_properties_are_honest(workspace, soa: int, tmp_path: Path) -> None:
    target = render(workspace, soa, "docx", tmp_path)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        application = archive.read("docProps/app.xml").decode()
        types = archive.read("[Content_Types].xml").decode()
        relations = archive.read("_rels/.rels").decode()
        dates = {info.date_time for info in archive.infolist()}
    assert "<Application>GRC Workbench</Application>" in application
    assert "Microsoft" not in application and "python-docx" not in application
    assert "docProps/thumbnail.jpeg" not in names
    assert "thumbnail" not in types and "thumbnail" not in relations
    properties = docx.Document(str(target)).core_properties
    info = versioning.get_version(workspace, soa, 1).info
    signed = document_export.prepare(workspace, soa).approved_at
    assert properties.author == properties.last_modified_by == "Mara"
    assert properties.created == info.created_at.astimezone(UTC).replace(microsecond=0)
    assert properties.modified == signed.astimezone(UTC).replace(microsecond=0)
    stamp = signed.astimezone(UTC).timetuple()[:6]
    # every entry carries the approval time (zip keeps seconds in steps of two)
    assert dates == {(*stamp[:5], stamp[5] // 2 * 2)}


# --- PDF ------------------------------------------------------------------------------------


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def _page_of(pages: list[str], token: str) -> int:
    found = [number for number, text in enumerate(pages) if token in text]
    assert len(found) == 1, (token, found)
    return found[0]


def test_pdf_rows_never_split_and_headers_repeat(workspace, soa: int, tmp_path: Path) -> None:
    pages = _pages(render(workspace, soa, "pdf", tmp_path))
    for n in range(1, 61):
        assert _page_of(pages, f"RowT{n:03d}") == _page_of(pages, f"EndT{n:03d}")
    with_rows = [text for text in pages if "RowT" in text]
    assert len(with_rows) > 2
    for text in with_rows:  # the header row on every page of the table, words whole
        assert "Justification for inclusion" in text
        assert "Implementation" in text and not re.search(r"Implementatio\s+n\b", text)


def test_pdf_wide_tables_are_landscape(workspace, soa: int, tmp_path: Path) -> None:
    target = render(workspace, soa, "pdf", tmp_path)
    reader = pypdf.PdfReader(target)
    shapes = []
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        shapes.append("landscape" if width > height else "portrait")
        assert sorted((round(width), round(height))) == [595, 842]  # A4 either way
    pages = _pages(target)
    table_pages = {n for n, text in enumerate(pages) if "RowT" in text}
    assert {shapes[n] for n in table_pages} == {"landscape"}
    assert shapes[0] == "portrait" and shapes[-1] == "portrait"
    assert "7. Review" in pages[-1]
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
        assert "Statement of Applicability · version 1 · approved" in text


def test_pdf_headings_stay_with_what_follows(workspace, tmp_path: Path) -> None:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.PROCEDURE, title="Long procedure",
        content=f"# Long procedure\n\n{SECTIONS}\n",
    )  # fmt: skip
    pages = _pages(render(workspace, artifact_id, "pdf", tmp_path, page_size="Letter"))
    assert len(pages) > 3
    for n in range(1, 31):
        assert _page_of(pages, f"HeadingQ{n:02d}") == _page_of(pages, f"BodyQ{n:02d}")


def test_pdf_embeds_fonts_that_cover_the_text(workspace, soa: int, tmp_path: Path) -> None:
    target = render(workspace, soa, "pdf", tmp_path)
    reader = pypdf.PdfReader(target)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts and all(name.split("+")[-1].startswith("DejaVuSans") for name in fonts)
    for font in fonts.values():
        assert "/FontFile2" in font["/FontDescriptor"].get_object()  # embedded TrueType
    text = " ".join(_pages(target))
    assert "Introduction of the “SoA” – what it covers… A ≠ B." in re.sub(r"\s+", " ", text)


def test_pdf_metadata(workspace, soa: int, tmp_path: Path) -> None:
    reader = pypdf.PdfReader(render(workspace, soa, "pdf", tmp_path))
    metadata = reader.metadata
    assert metadata.title == "Statement of Applicability"
    assert metadata.author == "Mara"
    assert metadata.creator.startswith("GRC Workbench")
    signed = document_export.prepare(workspace, soa).approved_at
    assert metadata.creation_date.astimezone(UTC) == signed.astimezone(UTC).replace(microsecond=0)


# --- one rendering of a version -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_rendering_twice_gives_the_same_bytes(workspace, soa: int, tmp_path: Path, fmt) -> None:
    first = render(workspace, soa, fmt, tmp_path / "a").read_bytes()
    second = render(workspace, soa, fmt, tmp_path / "b").read_bytes()
    assert first == second


def test_publish_and_pack_give_the_same_files(workspace, soa: int, tmp_path: Path) -> None:
    from workbench.services.exports import audit_pack

    _, result = publishing.publish(
        workspace, actor="Mara", artifact_id=soa, out_dir=tmp_path / "published",
        allow_placeholders=True,
    )  # fmt: skip
    audit_pack.build_pack(workspace, tmp_path / "pack.zip", actor="Priya")
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        for path in result.files:
            packed = archive.read(f"documents/001-Statement-of-Applicability-v1{path.suffix}")
            assert packed == path.read_bytes(), path.name
    pdf = pypdf.PdfReader(io.BytesIO(result.files[1].read_bytes()))
    assert "Statement of Applicability · version 1 · published" in pdf.pages[0].extract_text()
    word = docx.Document(str(result.files[0]))
    assert word.core_properties.content_status == "published"
