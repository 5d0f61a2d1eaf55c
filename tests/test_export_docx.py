"""The exported IMR (.docx), read back with python-docx and checked part by part.

The golden file ``tests/golden/export-small-document.xml`` is ``word/document.xml`` of the
small draft below, pretty-printed. After an intended change to the export, regenerate it with

    IMR_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_export_docx.py -k golden

and read the diff before committing it.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from lxml import etree

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.core import interchange
from imr_app.core.chronology_dates import format_recorded
from imr_app.core.model import (
    ActionPlanRow,
    Agency,
    Answer,
    AnswerStatus,
    Author,
    ChronologyEntry,
    Consideration,
    DateCertainty,
    Equality,
    EqualityItem,
    ImrDraft,
    Lesson,
    PracticeFinding,
    PracticeKind,
    Question,
    QuestionSet,
    Recommendation,
    RecommendationScope,
    Review,
    SignOff,
    Sources,
    Subject,
    SubjectEquality,
    SubjectRole,
    WorkflowState,
)
from imr_app.core.model import Characteristic as C
from imr_app.core.question_sets import question_text
from imr_app.paths import resource_path
from imr_app.services.export_docx import (
    DEFAULT_TEMPLATE,
    DocxBuilder,
    ExportCancelled,
    ExportError,
    ExportOptions,
    Span,
    export,
    inline_spans,
    markdown_blocks,
)

EXAMPLE = resource_path("examples", "example-imr.json")
GOLDEN = Path(__file__).parent / "golden" / "export-small-document.xml"
EXPORT_DATE = date(2023, 2, 1)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ACTION_PLAN_HEADER = [
    "Recommendation",
    "Scope",
    "Action to take",
    "Lead",
    "Key milestones",
    "Target date",
    "Date completed and outcome",
]
CHRONOLOGY_HEADER = ["Date", "Time", "Source", "Subjects", "Event", "Action", "Outcome"]


# ---- drafts -------------------------------------------------------------------------------


def example_draft() -> ImrDraft:
    return interchange.loads(EXAMPLE.read_text(encoding="utf-8"))


def small_draft() -> ImrDraft:
    """A fixed, small but complete draft: every id is set so the output never varies."""
    victim = Subject("Amina", SubjectRole.VICTIM, real_name="Halima Osman", id="s1")
    perpetrator = Subject("Lee", SubjectRole.PERPETRATOR, real_name="Daniel Carver", id="s2")
    questions = QuestionSet(
        "test",
        "Test questions",
        "1.0",
        [
            Question("i", "Were practitioners sensitive to the needs of {victim}?"),
            Question("ii", "Was {perpetrator}'s history checked?"),
            Question("iii", "Were other agencies asked?"),
        ],
    )
    return ImrDraft(
        id="golden",
        question_set=questions,
        review=Review(
            name="DHR Amina",
            commissioning_partnership="Northshire Community Safety Partnership",
            period_start=date(2019, 3, 1),
            period_end=date(2022, 11, 14),
        ),
        agency=Agency(name="Northshire Police"),
        author=Author(
            name="Helen Marsh",
            role="Detective Sergeant",
            independence_declaration="I had *no* contact with the family.",
            records_secured_on=date(2022, 11, 18),
        ),
        sources=Sources(
            records_reviewed="Incident logs and case files.",
            staff_interviewed=["Safeguarding officer"],
            methodology="Records were read in full.",
        ),
        subjects=[victim, perpetrator],
        answers=[
            Answer(
                "i",
                "Officers were **mostly** sensitive, but *not* always.\n\n"
                "The key points were:\n\n- the first call;\n- the **arrest**.\n",
                AnswerStatus.COMPLETE,
            ),
            Answer("ii", "No: the history was not checked.", AnswerStatus.COMPLETE),
            Answer(
                "iii",
                status=AnswerStatus.NOT_APPLICABLE,
                not_applicable_reason="the panel asked no further questions",
            ),
        ],
        chronology=[
            ChronologyEntry(
                date(2019, 6, 14),
                "Incident log",
                time="23:05",
                end_time="23:50",
                subjects=["s1", "s2"],
                event="A neighbour called 999.",
                action="Officers attended.",
                outcome="No offences disclosed.",
                id="c2",
            ),
            ChronologyEntry(
                date(2016, 8, 1),
                "Crime record",
                date_as_recorded="08/2016",
                certainty=DateCertainty.MONTH,
                date_end=date(2016, 8, 31),
                subjects=["s2"],
                event="Lee was arrested.",
                id="c1",
            ),
            ChronologyEntry(
                date(2020, 5, 22),
                "MASH record",
                date_as_recorded="?22/05/2020",
                certainty=DateCertainty.APPROXIMATE,
                subjects=["s1"],
                event="A midwife referred Amina.",
                id="c3",
            ),
        ],
        equality=Equality(
            subjects=[
                SubjectEquality(
                    "s1",
                    [
                        EqualityItem(c, Consideration.RELEVANT, "Arabic was her first language.")
                        if c is C.RACE
                        else EqualityItem(c, Consideration.NOT_RELEVANT)
                        for c in C
                    ],
                )
            ]
        ),
        analysis="The force did not see the pattern.",
        practice=[
            PracticeFinding(PracticeKind.GOOD, "A safe place to speak.", ["i"], id="p1"),
            PracticeFinding(PracticeKind.POOR, "History not checked.", ["ii"], id="p2"),
        ],
        lessons=[Lesson("Check the history first.", id="l1")],
        recommendations=[
            Recommendation(
                "Check history before grading risk.",
                RecommendationScope.LOCAL,
                cites=["p2", "l1"],
                actions=[
                    ActionPlanRow(
                        "Amend the procedure.",
                        "Detective Chief Inspector",
                        "Draft; publish.",
                        date(2023, 6, 30),
                        id="a1",
                    ),
                    ActionPlanRow(
                        "Audit 50 cases.",
                        "Review Team",
                        "Audit report.",
                        date(2024, 1, 31),
                        completed_on=date(2024, 1, 15),
                        outcome="Audit done.",
                        id="a2",
                    ),
                ],
                id="r1",
            )
        ],
    )


def build(draft: ImrDraft, **options: object) -> tuple[docx.document.Document, DocxBuilder]:
    builder = DocxBuilder()
    settings = {"draft_copy": False, "export_date": EXPORT_DATE, **options}
    return builder.build(draft, ExportOptions(**settings)), builder  # type: ignore[arg-type]


def export_and_read(
    draft: ImrDraft, tmp_path: Path, **options: object
) -> tuple[docx.document.Document, Path]:
    out = tmp_path / "IMR.docx"
    settings = {"draft_copy": False, "export_date": EXPORT_DATE, **options}
    export(draft, out, ExportOptions(**settings))  # type: ignore[arg-type]
    return docx.Document(str(out)), out


def texts(doc: docx.document.Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def part_xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def find_table(doc: docx.document.Document, header: list[str]):
    for table in doc.tables:
        if [c.text for c in table.rows[0].cells] == header:
            return table
    raise AssertionError(f"no table headed {header}")


def section_after(tbl: etree._Element) -> etree._Element:
    """The w:sectPr that governs a body-level element: the next one in document order."""
    for following in tbl.itersiblings():
        sect = following.find(f"{{{W_NS}}}pPr/{{{W_NS}}}sectPr")
        if following.tag == qn("w:sectPr"):
            return following
        if sect is not None:
            return sect
    raise AssertionError("no section follows the table")


# ---- content -------------------------------------------------------------------------------


def test_every_question_in_full_and_every_answer(tmp_path: Path):
    draft = example_draft()
    doc, _ = export_and_read(draft, tmp_path)
    body = texts(doc)
    answers = {a.question_number: a for a in draft.answers}
    for question in draft.question_set.questions:
        assert f"Question {question.number}" in body
        full = question_text(question, draft.subjects)
        assert "{" not in full
        assert full in body
        answer = answers[question.number]
        if answer.status is AnswerStatus.NOT_APPLICABLE:
            assert f"Not applicable — {answer.not_applicable_reason}" in body
            continue
        for block in markdown_blocks(answer.text):
            plain = "".join(span.text for span in inline_spans(block.text))
            assert plain in body, plain[:60]


def test_question_text_comes_before_its_answer_in_the_question_style(tmp_path: Path):
    doc, _ = export_and_read(small_draft(), tmp_path)
    paragraphs = doc.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Were practitioners"))
    assert paragraphs[at].text == "Were practitioners sensitive to the needs of Amina?"
    assert paragraphs[at].style.name == "Question"
    assert paragraphs[at - 1].style.name == "Heading 2"
    assert paragraphs[at + 1].text == "Officers were mostly sensitive, but not always."
    assert "Was Lee's history checked?" in texts(doc)
    assert "Not applicable — the panel asked no further questions" in texts(doc)


def test_bold_and_italic_runs_are_reproduced(tmp_path: Path):
    doc, _ = export_and_read(small_draft(), tmp_path)
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("Officers were"))
    runs = [(r.text, bool(r.bold), bool(r.italic)) for r in paragraph.runs]
    assert runs == [
        ("Officers were ", False, False),
        ("mostly", True, False),
        (" sensitive, but ", False, False),
        ("not", False, True),
        (" always.", False, False),
    ]
    assert "*" not in "".join(texts(doc))


def test_bullets_use_the_list_bullet_style(tmp_path: Path):
    doc, _ = export_and_read(small_draft(), tmp_path)
    bullets = [p for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert "the first call;" in [p.text for p in bullets]
    arrest = next(p for p in bullets if p.text == "the arrest.")
    assert [(r.text, bool(r.bold)) for r in arrest.runs] == [
        ("the ", False),
        ("arrest", True),
        (".", False),
    ]


def test_every_chronology_row_in_date_order_with_certainty_marks(tmp_path: Path):
    draft = example_draft()
    doc, _ = export_and_read(draft, tmp_path)
    table = find_table(doc, CHRONOLOGY_HEADER)
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == len(draft.chronology)
    ordered = sorted(draft.chronology, key=lambda e: (e.date_start, e.time))
    assert [r[0] for r in rows] == [format_recorded(e) for e in ordered]
    assert [r[4] for r in rows] == [e.event for e in ordered]
    dates = [r[0] for r in rows]
    assert "08/2016" in dates  # month only
    assert "2020" in dates  # year only
    assert "?22/05/2020" in dates  # approximate
    first_incident = next(r for r in rows if r[0] == "14/06/2019")
    assert first_incident[1] == "23:05–23:50"
    assert first_incident[3] == "Amina, Lee"
    assert "Halima" not in " ".join(" ".join(r) for r in rows)


def test_the_action_plan_table(tmp_path: Path):
    doc, _ = export_and_read(small_draft(), tmp_path)
    table = find_table(doc, ACTION_PLAN_HEADER)
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows == [
        [
            "1. Check history before grading risk.",
            "Local",
            "Amend the procedure.",
            "Detective Chief Inspector",
            "Draft; publish.",
            "30/06/2023",
            "",
        ],
        [
            "1. Check history before grading risk.",  # merged with the cell above
            "Local",
            "Audit 50 cases.",
            "Review Team",
            "Audit report.",
            "31/01/2024",
            "15/01/2024 — Audit done.",
        ],
    ]
    merges = table._tbl.xpath(".//w:vMerge")
    assert [m.get(qn("w:val")) for m in merges] == ["restart", "restart", None, None]


def test_both_tables_sit_in_landscape_sections_with_repeated_header_rows(tmp_path: Path):
    doc, _ = export_and_read(example_draft(), tmp_path)
    orientations = [s.orientation for s in doc.sections]
    assert orientations == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    ]
    for section in doc.sections:
        landscape = section.orientation == WD_ORIENT.LANDSCAPE
        assert (section.page_width > section.page_height) == landscape
    for header in (ACTION_PLAN_HEADER, CHRONOLOGY_HEADER):
        tbl = find_table(doc, header)._tbl
        pg_sz = section_after(tbl).find(qn("w:pgSz"))
        assert pg_sz.get(qn("w:orient")) == "landscape"
        assert int(pg_sz.get(qn("w:w"))) > int(pg_sz.get(qn("w:h")))
        first, second = tbl.findall(qn("w:tr"))[:2]
        assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert second.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None


def test_marking_in_every_header_and_footer(tmp_path: Path):
    draft = example_draft()
    doc, path = export_and_read(draft, tmp_path)
    for section in doc.sections:
        assert not section.different_first_page_header_footer
        assert "OFFICIAL-SENSITIVE" in [p.text for p in section.header.paragraphs]
        footer = [p.text for p in section.footer.paragraphs]
        assert "OFFICIAL-SENSITIVE" in footer
        assert section.header.paragraphs[0].style.name == "Protective Marking"
    with zipfile.ZipFile(path) as z:
        headers = [n for n in z.namelist() if re.match(r"word/(header|footer)\d*\.xml", n)]
    assert len(headers) == 2  # one header and one footer, which every section inherits

    draft.review.protective_marking = "OFFICIAL"
    doc, _ = export_and_read(draft, tmp_path)
    assert doc.sections[-1].header.paragraphs[0].text == "OFFICIAL"


def test_footer_has_version_and_page_x_of_y_fields(tmp_path: Path):
    _, path = export_and_read(small_draft(), tmp_path, version="2.1")
    footer = part_xml(path, "word/footer1.xml")
    assert 'w:instr=" PAGE "' in footer
    assert 'w:instr=" NUMPAGES "' in footer
    assert "DRAFT · Version 2.1 · Page " in footer


def test_contents_is_a_real_toc_field_updated_on_open(tmp_path: Path):
    doc, path = export_and_read(small_draft(), tmp_path)
    document = part_xml(path, "word/document.xml")
    kinds = re.findall(r'w:fldCharType="(\w+)"', document)
    assert kinds == ["begin", "separate", "end"]
    assert '<w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText>' in document
    settings = etree.fromstring(part_xml(path, "word/settings.xml").encode())
    update = settings.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    # Schema order: updateFields comes before compat in w:settings.
    tags = [etree.QName(el).localname for el in settings]
    assert tags.index("updateFields") < tags.index("compat")
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Review and scope",
        "Author and independence declaration",
        "Agency context",
        "Sources and methodology",
        "Terms of reference",
        "Analysis",
        "Equality and diversity",
        "Good and poor practice",
        "Lessons",
        "Recommendations",
        "Action plan",
        "Chronology",
        "Sign-off",
    ]


def test_equality_per_subject_and_the_generated_statement(tmp_path: Path):
    draft = small_draft()
    doc, _ = export_and_read(draft, tmp_path)
    table = find_table(doc, ["Characteristic", "Consideration", "Analysis"])
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}
    assert len(rows) == 9
    assert rows["Race"] == ["Relevant", "Arabic was her first language."]
    assert rows["Age"] == ["Not relevant", ""]
    assert "The protected characteristics have not yet been considered for Lee." in texts(doc)

    for item in draft.equality.subjects[0].items:
        item.consideration = Consideration.NOT_RELEVANT
    draft.subjects.pop()  # only Amina: nothing relevant for anyone
    doc, _ = export_and_read(draft, tmp_path)
    statement = next(p.text for p in doc.paragraphs if "nine protected characteristics" in p.text)
    assert statement.startswith("Northshire Police has considered")
    assert "in relation to Amina" in statement


def test_cover_and_sign_off(tmp_path: Path):
    draft = small_draft()
    doc, _ = export_and_read(draft, tmp_path, version="0.4")
    body = texts(doc)
    assert body[0] == "DHR Amina"
    assert doc.paragraphs[0].style.name == "Title"
    for line in ("Agency: Northshire Police", "Author: Detective Sergeant", "Version: 0.4"):
        assert line in body
    assert "Date: 01/02/2023" in body
    assert "State: Draft" in body
    assert "DRAFT" in body
    assert "Not yet signed off." in body

    draft.workflow.state = WorkflowState.SIGNED_OFF
    draft.workflow.sign_off = SignOff(
        "Jo Bloggs", "Head of Public Protection", date(2023, 1, 30), "I approve this report."
    )
    doc, path = export_and_read(draft, tmp_path)
    body = texts(doc)
    assert "DRAFT" not in body
    assert "Signed off by: Jo Bloggs" in body
    assert "Date: 30/01/2023" in body
    assert "I approve this report." in body
    assert "DRAFT" not in part_xml(path, "word/footer1.xml")

    doc, _ = export_and_read(draft, tmp_path, draft_copy=True)  # a draft copy stays marked
    assert "DRAFT" in texts(doc)


# ---- what the file says about itself ---------------------------------------------------


def test_core_properties_carry_no_personal_data_or_paths(tmp_path: Path):
    draft = example_draft()
    doc, path = export_and_read(draft, tmp_path)
    props = doc.core_properties
    assert props.author == "Northshire Police"
    assert props.last_modified_by == "Northshire Police"
    assert props.title == "DHR Amina"
    assert props.comments == ""
    assert props.keywords == ""
    assert props.created.date() == EXPORT_DATE
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        metadata = b"".join(z.read(n) for n in names if n.startswith("docProps/"))
        everything = b"".join(z.read(n) for n in names)
    # Only our own machine-readable copy for the Chair, nothing a template brought.
    assert sorted(n for n in names if n.startswith("customXml/")) == [
        "customXml/_rels/item1.xml.rels",
        "customXml/item1.xml",
        "customXml/itemProps1.xml",
    ]
    assert not any(n.startswith(("docProps/custom", "docProps/thumbnail")) for n in names)
    for forbidden in (b"Helen Marsh", b"Halima", b"python-docx", b"Macintosh"):
        assert forbidden not in metadata
    assert str(tmp_path).encode() not in everything
    assert b"attachedTemplate" not in everything


def test_the_authors_draft_is_not_changed_by_exporting(tmp_path: Path):
    draft = example_draft()
    before = interchange.dumps(draft)
    export_and_read(draft, tmp_path)
    assert interchange.dumps(draft) == before


def test_control_characters_never_break_the_export(tmp_path: Path):
    draft = small_draft()
    draft.answer_for("ii").text = "Pasted\x0bfrom Word\x00 with a bell\x07 and a form feed\x0c."
    draft.chronology[0].event = "Event\x01 text\x1f"
    draft.review.name = "DHR\x08 Amina"
    doc, path = export_and_read(draft, tmp_path)
    assert any("Pastedfrom Word" not in t and "Pasted" in t for t in texts(doc))
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("Pasted"))
    assert paragraph.text == "Pasted\nfrom Word with a bell and a form feed\n."
    table = find_table(doc, CHRONOLOGY_HEADER)
    assert "Event text" in [c.text for c in table.rows[2].cells]
    assert doc.core_properties.title == "DHR Amina"
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", z.read(name)), name


# ---- templates ----------------------------------------------------------------------------


def _template_without(tmp_path: Path, *style_ids: str) -> Path:
    source = resource_path(*DEFAULT_TEMPLATE)
    out = tmp_path / "agency-template.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/styles.xml":
                root = etree.fromstring(data)
                for style in list(root):
                    if style.get(qn("w:styleId")) in style_ids:
                        root.remove(style)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, data)
    return out


def test_a_custom_template_missing_styles_exports_with_warnings(tmp_path: Path):
    template = _template_without(tmp_path, "Question", "ListBullet", "IMRTable")
    out = tmp_path / "IMR.docx"
    result = export(
        small_draft(),
        out,
        ExportOptions(draft_copy=False, template=template, export_date=EXPORT_DATE),
    )
    assert out.exists()
    joined = "\n".join(result.warnings)
    assert 'no "Question" style' in joined
    assert 'no "List Bullet" style' in joined
    assert '"Table Grid" is used instead' in joined
    assert len(result.warnings) == len(set(result.warnings))  # one warning per style
    doc = docx.Document(str(out))
    question = next(p for p in doc.paragraphs if p.text.startswith("Were practitioners"))
    assert question.style.name == "Normal"
    assert "• the first call;" in texts(doc)  # a bullet still reads as one


def test_a_plain_word_template_still_exports(tmp_path: Path):
    template = tmp_path / "plain.docx"
    docx.Document().save(str(template))
    doc, _ = export_and_read(small_draft(), tmp_path, template=template)
    assert "Were practitioners sensitive to the needs of Amina?" in texts(doc)
    assert "OFFICIAL-SENSITIVE" in [p.text for p in doc.sections[0].header.paragraphs]


def test_a_dotx_template_is_accepted(tmp_path: Path):
    template = tmp_path / "agency.dotx"
    with (
        zipfile.ZipFile(resource_path(*DEFAULT_TEMPLATE)) as src,
        zipfile.ZipFile(template, "w") as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            dst.writestr(info, data)
    doc, _ = export_and_read(small_draft(), tmp_path, template=template)
    assert "DHR Amina" in texts(doc)


def test_a_template_that_is_not_a_word_file_is_a_clear_error(tmp_path: Path):
    template = tmp_path / "letterhead.docx"
    template.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ExportError, match=r"letterhead\.docx cannot be used"):
        export(small_draft(), tmp_path / "IMR.docx", ExportOptions(False, template=template))
    with pytest.raises(ExportError, match="Cannot read the template"):
        export(small_draft(), tmp_path / "IMR.docx", ExportOptions(False, template=tmp_path / "x"))
    assert not (tmp_path / "IMR.docx").exists()


# ---- writing the file -----------------------------------------------------------------------


def test_progress_climbs_to_100(tmp_path: Path):
    seen: list[tuple[int, str]] = []
    export(
        small_draft(), tmp_path / "IMR.docx", ExportOptions(False), lambda p, m: seen.append((p, m))
    )
    percents = [p for p, _ in seen]
    assert percents == sorted(percents)
    assert percents[0] == 0 and percents[-1] == 100


@pytest.mark.parametrize("cancel_at", ["Writing the terms of reference", "Saving the document"])
def test_cancelling_leaves_no_file(tmp_path: Path, cancel_at: str):
    out = tmp_path / "IMR.docx"
    out.write_bytes(b"the previous export")
    flag = {"cancel": False}

    def progress(_percent: int, message: str) -> None:
        if message == cancel_at:
            flag["cancel"] = True

    with pytest.raises(ExportCancelled):
        export(small_draft(), out, ExportOptions(False), progress, lambda: flag["cancel"])
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["IMR.docx"]


def test_ten_thousand_chronology_rows_build_fast(tmp_path: Path):
    draft = example_draft()
    base = draft.chronology
    rows = []
    for n in range(10_000):
        entry = copy.deepcopy(base[n % len(base)])
        entry.date_start = date(2000, 1, 1) + timedelta(days=n)
        entry.date_as_recorded, entry.certainty, entry.date_end = "", DateCertainty.EXACT, None
        entry.event = f"Entry {n:05d}. {entry.event}"
        rows.append(entry)
    draft.chronology = rows
    started = time.perf_counter()
    doc, _ = build(draft)
    elapsed = time.perf_counter() - started
    table = find_table(doc, CHRONOLOGY_HEADER)
    assert len(table._tbl.findall(qn("w:tr"))) == 10_001
    last = table._tbl.findall(qn("w:tr"))[-1]
    assert "Entry 09999." in "".join(t.text for t in last.iter(qn("w:t")))
    assert elapsed < 3.0, f"{elapsed:.2f} s"


def test_golden_document_xml(tmp_path: Path):
    _, path = export_and_read(small_draft(), tmp_path)
    parser = etree.XMLParser(remove_blank_text=True)
    root = etree.fromstring(part_xml(path, "word/document.xml").encode(), parser)
    for element in root.iter():  # nothing here should vary, but rsids and ids would
        for name in list(element.attrib):
            if etree.QName(name).localname.startswith("rsid"):
                del element.attrib[name]
    actual = etree.tostring(root, pretty_print=True, encoding="unicode")
    if os.environ.get("IMR_REGENERATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8")


# ---- Markdown subset -------------------------------------------------------------------------


def test_markdown_blocks_join_wrapped_lines_and_find_bullets():
    text = (
        "A paragraph the editor wrapped\nat eighty columns.\n\n- one\n- two that\n  wraps\n"
        "  - nested\n\nAfter."
    )
    blocks = markdown_blocks(text)
    assert [(b.text, b.level) for b in blocks] == [
        ("A paragraph the editor wrapped at eighty columns.", None),
        ("one", 0),
        ("two that wraps", 0),
        ("nested", 1),
        ("After.", None),
    ]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("plain", [Span("plain")]),
        ("**b** and *i*", [Span("b", bold=True), Span(" and "), Span("i", italic=True)]),
        ("***both***", [Span("both", bold=True, italic=True)]),
        (
            "**bold *nested* x**",
            [Span("bold ", True), Span("nested", True, True), Span(" x", True)],
        ),
        ("__b__ _i_", [Span("b", bold=True), Span(" "), Span("i", italic=True)]),
        ("5 * 3 = 15 and snake_case_name", [Span("5 * 3 = 15 and snake_case_name")]),
        (r"\*not italic* and 1\. item", [Span("*not italic* and 1. item")]),
    ],
)
def test_inline_spans(text: str, spans: list[Span]):
    assert inline_spans(text) == spans


# ---- the command line -----------------------------------------------------------------------


def test_cli_final_export_is_blocked_by_hard_errors(
    created: Path, context: AppContext, tmp_path: Path, capsys
):
    out = tmp_path / "IMR.docx"
    assert main(["export", str(created), "--out", str(out)], context) == 1
    err = capsys.readouterr().err
    assert "error: Review and scope: The review period is not set." in err
    assert "use --draft" in err
    assert not out.exists()


def test_cli_draft_export_goes_ahead_marked_draft(
    created: Path, context: AppContext, tmp_path: Path, capsys
):
    out = tmp_path / "IMR.docx"
    assert main(["export", str(created), "--out", str(out), "--draft"], context) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert "DRAFT" in texts(docx.Document(str(out)))


def test_cli_exports_the_example_and_refuses_a_wrong_name(
    tmp_path: Path, context: AppContext, monkeypatch, capsys
):
    from tests.conftest import PASSPHRASE

    monkeypatch.setenv("IMR_PASS", PASSPHRASE)
    draft_file = tmp_path / "example.imr"
    assert (
        main(
            ["import", str(draft_file), "--from", str(EXAMPLE), "--passphrase-env", "IMR_PASS"],
            context,
        )
        == 0
    )
    out = tmp_path / "IMR.docx"
    assert (
        main(["export", str(draft_file), "--out", str(out), "--report-version", "0.3"], context)
        == 0
    )
    assert out.exists()
    assert main(["export", str(draft_file), "--out", str(tmp_path / "IMR.pdf")], context) == 2
    assert "must be a Word document" in capsys.readouterr().err


# ---- how it looks -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_renders_the_export(tmp_path: Path):
    _, path = export_and_read(small_draft(), tmp_path)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "IMR.pdf"
    assert pdf.exists()  # soffice exits 0 even when it cannot open a file
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "OFFICIAL-SENSITIVE" in text
        assert "Page 1 of" in text
        assert "Were practitioners sensitive to the needs of Amina?" in text
