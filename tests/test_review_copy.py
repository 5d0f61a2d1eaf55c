"""The review copy: unresolved comments as real Word comments, read back from the .docx.

Each test exports a real document and reads it as Word would: ``word/comments.xml`` for
what the comment says and who made it, ``word/document.xml`` for the text between the
comment's range marks, which is what Word highlights.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from PySide6.QtCore import Qt

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.core import comments, interchange
from imr_app.core.chronology_dates import format_recorded
from imr_app.core.model import Characteristic, ImrDraft
from imr_app.core.workflow import Actor
from imr_app.gui.export_dialog import ExportDialog
from imr_app.paths import resource_path
from imr_app.services.export_docx import REVIEW_COPY_BANNER, ExportOptions, LeaksFound, export
from imr_app.services.review_copy import initials, review_copy_name
from imr_app.services.session import DraftSession
from imr_app.storage.document import ImrDocument
from tests.conftest import PASSPHRASE

EXAMPLE = resource_path("examples", "example-imr.json")
LEAD = Actor("Priya Shah", "Head of Safeguarding")
AUTHOR = Actor("Helen Marsh", "IMR author")
CALL_ID = "f87746d7804041d79a9dd736ed4c4d64"  # the 999 call of 14/06/2019
W = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


@dataclass(frozen=True)
class WordComment:
    author: str
    initials: str
    paragraphs: list[str]
    anchored: str  # the text Word highlights for it


def example() -> ImrDraft:
    return interchange.loads(EXAMPLE.read_text(encoding="utf-8"))


def comment_on(draft: ImrDraft, spec: str, text: str, quote: str = "") -> comments.Comment:
    anchor = comments.parse_anchor(spec)
    if quote:
        anchor = comments.anchor_answer(draft, anchor.ref, quote)
    return comments.add_comment(draft, anchor, text, LEAD)


def export_to(
    draft: ImrDraft, path: Path, review_copy: bool = True, draft_copy: bool = True
) -> Path:
    options = ExportOptions(
        draft_copy=draft_copy, export_date=date(2023, 3, 6), review_copy=review_copy
    )
    return export(draft, path, options).path


def read_comments(path: Path) -> list[WordComment]:
    """Every Word comment in the document, in the order they were added."""
    with zipfile.ZipFile(path) as package:
        if "word/comments.xml" not in package.namelist():
            return []
        notes = etree.fromstring(package.read("word/comments.xml"))
        body = etree.fromstring(package.read("word/document.xml"))
    found = []
    for note in notes.iterfind("w:comment", W):
        number = note.get(qn("w:id"))
        found.append(
            WordComment(
                author=note.get(qn("w:author")),
                initials=note.get(qn("w:initials")),
                paragraphs=["".join(p.itertext()) for p in note.iterfind("w:p", W)],
                anchored=anchored_text(body, number),
            )
        )
    return found


def anchored_text(body: etree._Element, number: str) -> str:
    """The text between commentRangeStart and commentRangeEnd; paragraphs end in a newline."""
    inside = False
    text: list[str] = []
    for element in body.iter():
        if element.tag == qn("w:commentRangeStart") and element.get(qn("w:id")) == number:
            inside = True
        elif element.tag == qn("w:commentRangeEnd") and element.get(qn("w:id")) == number:
            break
        elif inside and element.tag == qn("w:t"):
            text.append(element.text or "")
        elif inside and element.tag == qn("w:br"):
            text.append("\n")
        elif inside and element.tag == qn("w:p") and text:
            text.append("\n")  # a new paragraph starts inside the range
    return "".join(text)


def the_one_saying(found: list[WordComment], words: str) -> WordComment:
    matches = [c for c in found if words in c.paragraphs[0]]
    assert len(matches) == 1, [c.paragraphs for c in found]
    return matches[0]


def package_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return "".join(
            package.read(name).decode("utf-8", "replace")
            for name in package.namelist()
            if name.endswith(".xml")
        )


# ---- where the comments go -------------------------------------------------------------


def test_an_answer_comment_covers_exactly_the_quoted_words(tmp_path: Path):
    draft = example()
    # The quote runs from plain text into bold: the runs are split at both edges.
    comment_on(draft, "answer:ii", "Why not medium?", quote="was graded **standard**")
    comment_on(draft, "answer:ii", "Which checklist?", quote="DASH risk checklist")
    path = export_to(draft, tmp_path / "review.docx")

    found = read_comments(path)
    graded = the_one_saying(found, "Why not medium?")
    assert graded.anchored == "was graded standard"
    assert (graded.author, graded.initials) == ("Priya Shah", "PS")
    assert the_one_saying(found, "Which checklist?").anchored == "DASH risk checklist"
    # Splitting runs changed no words and kept the bold on "standard" alone.
    paragraph = next(p for p in docx.Document(str(path)).paragraphs if "graded standard" in p.text)
    assert paragraph.text.startswith("Northshire Police had a domestic abuse policy")
    assert [r.text for r in paragraph.runs if r.bold] == ["standard"]


def test_a_quote_over_two_paragraphs_covers_both(tmp_path: Path):
    draft = example()
    text = draft.answer_for("ii").text
    end_of_first = text.index("\n\n")
    quote = text[end_of_first - len("the grading.") : end_of_first + len("\n\nAmina was")]
    comment_on(draft, "answer:ii", "Split this up.", quote=quote)
    found = read_comments(export_to(draft, tmp_path / "review.docx"))
    assert the_one_saying(found, "Split this up.").anchored == "the grading.\nAmina was"


def test_replies_follow_the_comment_as_paragraphs_with_name_role_and_date(tmp_path: Path):
    draft = example()
    root = comment_on(draft, "answer:ii", "Why not medium?", quote="graded **standard**")
    reply = comments.reply(draft, root.id, "The checklist scored 9.", AUTHOR)
    day = reply.created_at.astimezone().strftime("%d/%m/%Y")
    found = read_comments(export_to(draft, tmp_path / "review.docx"))
    assert len(found) == 1  # one Word comment per thread, not one per reply
    assert found[0].paragraphs == [
        "Why not medium?",
        f"Reply — Helen Marsh, IMR author, {day}: The checklist scored 9.",
    ]


def test_a_chronology_comment_is_on_the_first_cell_of_that_entry_row(tmp_path: Path):
    draft = example()
    comment_on(draft, f"chronology:{CALL_ID}", "Add the call handler's notes.")
    path = export_to(draft, tmp_path / "review.docx")
    entry = next(e for e in draft.chronology if e.id == CALL_ID)
    assert the_one_saying(read_comments(path), "call handler").anchored == format_recorded(entry)

    with zipfile.ZipFile(path) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    start = body.find(".//w:commentRangeStart", W)
    row = start.getparent().getparent().getparent()  # p / tc / tr
    assert row.tag == qn("w:tr")
    cells = ["".join(tc.itertext()) for tc in row.iterfind("w:tc", W)]
    assert cells[0] == format_recorded(entry)
    assert entry.event in "".join(cells)
    first_cell = row.find("w:tc", W)
    assert first_cell.find(".//w:commentRangeEnd", W) is not None


def test_section_equality_and_recommendation_comments_are_on_their_own_text(tmp_path: Path):
    draft = example()
    victim = draft.victim()
    recommendation = draft.recommendations[0]
    comment_on(draft, "section:analysis", "Tighten this section.")
    comment_on(draft, f"equality:{victim.id}:{Characteristic.AGE.value}", "Is age relevant?")
    comment_on(draft, f"recommendation:{recommendation.id}", "Is this SMART?")
    path = export_to(draft, tmp_path / "review.docx")
    found = read_comments(path)
    assert the_one_saying(found, "Tighten").anchored == "Analysis"
    assert the_one_saying(found, "age relevant").anchored == "Age"
    assert the_one_saying(found, "SMART").anchored == recommendation.text
    headings = [p for p in docx.Document(str(path)).paragraphs if p.style.name == "Heading 1"]
    assert any(p.text == "Analysis" for p in headings)


def test_only_unresolved_threads_are_exported(tmp_path: Path):
    draft = example()
    resolved = [c for c in draft.comments if c.resolved]
    assert resolved  # the example's own thread on question v is resolved
    comment_on(draft, "section:lessons", "Open question.")
    found = read_comments(export_to(draft, tmp_path / "review.docx"))
    assert [c.paragraphs[0] for c in found] == ["Open question."]
    text = package_text(tmp_path / "review.docx")
    assert resolved[0].text not in text and resolved[0].author_name not in text


def test_a_comment_whose_target_has_gone_is_kept_on_its_section_with_a_note(tmp_path: Path):
    draft = example()
    comment_on(draft, f"chronology:{CALL_ID}", "Add the call handler's notes.")
    comment_on(draft, "answer:ii", "Why not medium?", quote="graded **standard**")
    draft.chronology = [e for e in draft.chronology if e.id != CALL_ID]
    draft.answer_for("ii").text = "Rewritten much shorter."
    found = read_comments(export_to(draft, tmp_path / "review.docx"))
    on_entry = the_one_saying(found, "Made on: A chronology entry since deleted — not in")
    assert on_entry.anchored == "Chronology"
    assert on_entry.paragraphs[1] == "Add the call handler's notes."
    on_answer = the_one_saying(found, "Made on words in this answer that have since changed")
    assert on_answer.anchored == "Rewritten much shorter."


def test_a_quote_over_bullets_leaves_the_list_as_it_was(tmp_path: Path):
    draft = example()
    draft.answer_for("iii").text = "Two gaps:\n\n- no MASH referral\n- no **IDVA** contact"
    comment_on(draft, "answer:iii", "Why?", quote="MASH referral\n- no **IDVA**")
    path = export_to(draft, tmp_path / "review.docx")
    assert read_comments(path)[0].anchored == "MASH referral\nno IDVA"
    bullets = [p for p in docx.Document(str(path)).paragraphs if p.style.name == "List Bullet"]
    texts = [p.text for p in bullets]
    assert texts[texts.index("no MASH referral") + 1] == "no IDVA contact"


# ---- pseudonyms and the leak scan --------------------------------------------------------


def test_comment_text_and_quoted_words_carry_pseudonyms_not_real_names(tmp_path: Path):
    draft = example()
    answer = draft.answer_for("iii")
    answer.text = "Halima Osman told the officer she was frightened of Daniel Carver at home."
    comment_on(draft, "answer:iii", "Did Halima Osman say this to anyone else?", "of Daniel Carver")
    path = export_to(draft, tmp_path / "review.docx", draft_copy=False)
    found = read_comments(path)
    assert found[0].paragraphs == ["Did Amina say this to anyone else?"]
    assert found[0].anchored == "of Lee"  # the span moved with the shorter pseudonyms
    text = package_text(path)
    for real in ("Halima", "Daniel Carver"):
        assert real not in text


def test_a_quote_starting_inside_a_real_name_covers_the_whole_pseudonym(tmp_path: Path):
    draft = example()
    draft.answer_for("iii").text = "She was frightened of Daniel Carver at home."
    comment_on(draft, "answer:iii", "Say when.", "arver at home")
    path = export_to(draft, tmp_path / "review.docx", draft_copy=False)
    assert read_comments(path)[0].anchored == "Lee at home"


def test_a_real_name_left_in_a_comment_is_caught_by_the_leak_scan(tmp_path: Path):
    draft = example()
    # Two subjects share the surname, so it cannot be replaced: the scan must find it.
    comment_on(draft, "section:analysis", "Did Mrs Osman know about the threats?")
    with pytest.raises(LeaksFound) as caught:
        export_to(draft, tmp_path / "review.docx", draft_copy=False)
    assert any(
        leak.part == "word/comments.xml" and "Osman" in leak.text for leak in caught.value.leaks
    )
    assert not (tmp_path / "review.docx").exists()


# ---- unmistakable, and never in a final export ------------------------------------------


def test_a_review_copy_says_so_on_every_page_and_on_the_cover(tmp_path: Path):
    draft = example()
    comment_on(draft, "section:analysis", "Tighten this section.")
    document = docx.Document(str(export_to(draft, tmp_path / "review.docx")))
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert REVIEW_COPY_BANNER in header
    assert all(s.header.is_linked_to_previous for s in document.sections[1:])
    cover = [p.text for p in document.paragraphs[:12]]
    assert REVIEW_COPY_BANNER in cover
    assert document.core_properties.content_status == "Review copy"


def test_a_final_export_has_no_comments_at_all(tmp_path: Path):
    draft = example()
    comment_on(draft, "answer:ii", "Why not medium?", quote="graded **standard**")
    comment_on(draft, f"chronology:{CALL_ID}", "Add the call handler's notes.")
    path = export_to(draft, tmp_path / "final.docx", review_copy=False, draft_copy=False)
    with zipfile.ZipFile(path) as package:
        assert not [n for n in package.namelist() if "comment" in n.lower()]
    text = package_text(path)
    for mark in ("commentRangeStart", "commentReference", "w:comment ", "Why not medium?"):
        assert mark not in text
    assert "REVIEW COPY" not in text


def test_names_and_initials():
    assert review_copy_name("DHR Amina IMR v1.0.docx") == "DHR Amina IMR v1.0-review-copy.docx"
    assert review_copy_name("x-review-copy.docx") == "x-review-copy.docx"
    assert initials("Priya  Shah") == "PS"
    assert initials("Mary-Jane O'Neil") == "MO"


# ---- the command line ----------------------------------------------------------------------


def test_the_cli_review_copy_flag(
    example_path: Path, context: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture
):
    file = str(example_path)
    lead = ["--name", LEAD.name, "--role", LEAD.role]
    on = ["--on", "answer:ii", "--quote", "graded **standard**"]
    assert main(["comment", file, *on, "--text", "Why not medium?", *lead], context) == 0
    review, final = tmp_path / "review.docx", tmp_path / "final.docx"
    capsys.readouterr()

    assert main(["export", file, "--out", str(review), "--review-copy"], context) == 0
    assert "review copy with 1 comment: not for the Chair" in capsys.readouterr().err
    found = read_comments(review)
    assert [(c.author, c.paragraphs, c.anchored) for c in found] == [
        ("Priya Shah", ["Why not medium?"], "graded standard")
    ]

    assert main(["export", file, "--out", str(final)], context) == 0
    assert read_comments(final) == []
    with ImrDocument.open(example_path, context.keystore).document as document:
        exported = [e.detail for e in document.load().audit if e.action == "exported"]
    assert exported[-2] == "review.docx, final, review copy with 1 comment, not password-protected"
    assert exported[-1] == "final.docx, final, not password-protected"


# ---- the dialog ----------------------------------------------------------------------------


@pytest.fixture
def dialog_for(tmp_path: Path, keystore, qtbot) -> Iterator[Callable[[ImrDraft], ExportDialog]]:
    opened: list[tuple[DraftSession, ExportDialog]] = []

    def make(draft: ImrDraft) -> ExportDialog:
        path = tmp_path / f"draft{len(opened)}.imr"
        ImrDocument.create(path, PASSPHRASE, draft, keystore)[0].close()
        result = ImrDocument.open(path, keystore)
        assert result.document is not None
        session = DraftSession(result.document)
        dialog = ExportDialog(session)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.protect_check.setChecked(False)
        opened.append((session, dialog))
        return dialog

    yield make
    for session, dialog in opened:
        dialog.cancel_export()
        dialog.wait_for_export()
        session.close(save=False)


def test_the_checkbox_is_offered_only_with_unresolved_comments(dialog_for):
    dialog = dialog_for(example())  # its only thread is resolved
    check = dialog.review_copy_check
    assert not check.isEnabled()
    assert "no unresolved comments" in check.toolTip()
    assert check.accessibleName() == "Review copy with comments"


def test_the_checkbox_names_the_file_and_exports_a_review_copy(dialog_for, qtbot):
    draft = example()
    comment_on(draft, "answer:ii", "Why not medium?", quote="graded **standard**")
    dialog = dialog_for(draft)
    check = dialog.review_copy_check
    assert check.isEnabled() and not check.isChecked()
    assert "never send it to the Chair" in check.toolTip()
    final_name = Path(dialog.location_edit.text()).name
    assert final_name.endswith(" IMR v1.0.docx")

    check.click()
    assert Path(dialog.location_edit.text()).name.endswith(" IMR v1.0-review-copy.docx")
    dialog.version_edit.selectAll()
    dialog.version_edit.insert("1.1")  # the suggested name follows the version and the box
    assert Path(dialog.location_edit.text()).name.endswith(" IMR v1.1-review-copy.docx")

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.done_page, timeout=30_000)
    result = dialog.outcome
    assert result is not None and result.path.name.endswith("-review-copy.docx")
    assert "review copy with 1 comment: not for the Chair" in dialog.done_label.text()
    assert [c.anchored for c in read_comments(result.path)] == ["graded standard"]

    # Unticked, the name loses its suffix again and the export has no comments.
    dialog.pages.setCurrentWidget(dialog.options_page)
    check.click()
    assert Path(dialog.location_edit.text()).name.endswith(" IMR v1.1.docx")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not result and dialog.outcome is not None)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.done_page, timeout=30_000)
    assert read_comments(dialog.outcome.path) == []
