"""Equality and diversity: the rules behind the considered statement, and the page in use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton, QTextEdit, QWidget

from imr_app.core.drafts import new_draft
from imr_app.core.equality import (
    CHARACTERISTIC_LABELS,
    CONSIDERATION_LABELS,
    OTHER_FACTOR_LABELS,
    considered_statement,
    equality_for,
    nothing_relevant,
)
from imr_app.core.model import (
    Characteristic,
    Consideration,
    ImrDraft,
    OtherFactors,
    SectionId,
    Subject,
    SubjectRole,
)
from imr_app.core.question_sets import default_question_set
from imr_app.gui.pages.equality import EqualityPage
from imr_app.gui.widgets.rich_text import RichTextEdit
from imr_app.services.checks import Location
from imr_app.services.session import DraftSession
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore

VICTIM = "Connie Smith"
PERPETRATOR = "Ryan Davis"
REAL_NAMES = ("Constance Smythe", "Robert Davies")


@pytest.fixture
def draft() -> ImrDraft:
    """Overrides conftest's draft: the perpetrator is registered first, the victim second."""
    draft = new_draft(default_question_set(), "DHR Connie", agency="Northshire Police")
    draft.subjects = [
        Subject(PERPETRATOR, SubjectRole.PERPETRATOR, real_name=REAL_NAMES[1]),
        Subject(VICTIM, SubjectRole.VICTIM, real_name=REAL_NAMES[0]),
    ]
    return draft


def _open(path: Path, keystore: KeyStore) -> DraftSession:
    result = ImrDocument.open(path, keystore)
    assert result.document is not None
    return DraftSession(result.document)


@pytest.fixture
def session(created: Path, keystore: KeyStore) -> Iterator[DraftSession]:
    session = _open(created, keystore)
    yield session
    session.close()


@pytest.fixture
def calls() -> list[str]:
    return []


def _show(qtbot, session: DraftSession, calls: list[str]) -> EqualityPage:
    """The page as the editor wires it: each reported edit marks the part dirty for saving."""

    def changed(part: str) -> None:
        calls.append(part)
        session.touch(part)

    page = EqualityPage(session, changed)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def page(qtbot, session: DraftSession, calls: list[str]) -> EqualityPage:
    return _show(qtbot, session, calls)


def _named(page: QWidget, kind: type[QWidget], name: str) -> QWidget:
    matches = [w for w in page.findChildren(kind) if w.accessibleName() == name]
    assert len(matches) == 1, f"expected one {kind.__name__} named {name!r}"
    return matches[0]


def _choice(page: QWidget, characteristic: Characteristic, who: str) -> QComboBox:
    return _named(page, QComboBox, f"{CHARACTERISTIC_LABELS[characteristic]} for {who}")


def _choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick an option with the keyboard: Home, then Down until it is shown."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def _type(widget: QWidget, text: str) -> None:
    """Type any text: qtbot.keyClicks aborts the process on non-ASCII characters."""
    for ch in text:
        QApplication.sendEvent(
            widget,
            QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch),
        )


def _statement(page: QWidget) -> RichTextEdit:
    return _named(
        page, RichTextEdit, "Statement that the protected characteristics were considered"
    )


def _squash(text: str) -> str:
    return " ".join(text.split())


def _subject(draft: ImrDraft, pseudonym: str) -> Subject:
    return next(s for s in draft.subjects if s.pseudonym == pseudonym)


def _consideration(draft: ImrDraft, pseudonym: str, characteristic: Characteristic):
    entry = equality_for(draft, _subject(draft, pseudonym).id)
    return next(i for i in entry.items if i.characteristic is characteristic)


# ---- the rules (no Qt) -------------------------------------------------------------------


def test_labels_cover_every_value_in_british_english():
    assert set(CHARACTERISTIC_LABELS) == set(Characteristic)
    assert set(CONSIDERATION_LABELS) == set(Consideration)
    assert list(OTHER_FACTOR_LABELS) == list(vars(OtherFactors()))
    assert CHARACTERISTIC_LABELS[Characteristic.PREGNANCY_MATERNITY] == "Pregnancy and maternity"
    assert OTHER_FACTOR_LABELS["socio_economic"] == "Socio-economic position"


def test_equality_for_creates_one_entry_per_subject_in_register_order(draft: ImrDraft):
    victim, perpetrator = _subject(draft, VICTIM), _subject(draft, PERPETRATOR)
    created = equality_for(draft, victim.id)
    assert [i.characteristic for i in created.items] == list(Characteristic)
    assert {i.consideration for i in created.items} == {Consideration.NOT_CONSIDERED}
    equality_for(draft, perpetrator.id)
    assert equality_for(draft, victim.id) is created
    # The register lists the perpetrator first, so the entries follow it.
    assert [e.subject_id for e in draft.equality.subjects] == [perpetrator.id, victim.id]


def test_nothing_relevant_needs_every_characteristic_of_every_entry_not_relevant(
    draft: ImrDraft,
):
    assert not nothing_relevant(draft)  # nobody considered yet
    for subject in draft.subjects:
        for item in equality_for(draft, subject.id).items:
            item.consideration = Consideration.NOT_RELEVANT
    assert nothing_relevant(draft)
    _consideration(draft, PERPETRATOR, Characteristic.AGE).consideration = Consideration.NOT_KNOWN
    assert not nothing_relevant(draft)


def test_nothing_relevant_ignores_entries_of_subjects_since_removed(draft: ImrDraft):
    for subject in draft.subjects:
        for item in equality_for(draft, subject.id).items:
            item.consideration = Consideration.NOT_RELEVANT
    _consideration(draft, PERPETRATOR, Characteristic.RACE).consideration = Consideration.RELEVANT
    draft.subjects = [_subject(draft, VICTIM)]
    assert nothing_relevant(draft)


def test_considered_statement_names_pseudonyms_never_real_names(draft: ImrDraft):
    draft.subjects.append(Subject("Child B", SubjectRole.CHILD, real_name="Bella Smythe"))
    for subject in draft.subjects:
        equality_for(draft, subject.id)
    text = considered_statement(draft, "Northshire Police")
    assert text.startswith("Northshire Police has considered the nine protected characteristics")
    assert f"in relation to {PERPETRATOR}, {VICTIM} and Child B." in text
    assert "pregnancy and maternity, race, religion or belief, sex and sexual orientation" in text
    assert not any(name in text for name in (*REAL_NAMES, "Bella Smythe"))


# ---- the page ------------------------------------------------------------------------------


def test_victim_is_shown_first(page: EqualityPage):
    headings = [w.accessibleName() for w in page.findChildren(QLabel)]
    subjects = [h for h in headings if h.endswith(("victim", "perpetrator"))]
    assert subjects == [f"{VICTIM}, victim", f"{PERPETRATOR}, perpetrator"]


def test_all_not_relevant_drafts_the_statement_and_it_is_saved(
    qtbot, created: Path, keystore: KeyStore
):
    session = _open(created, keystore)
    page = _show(qtbot, session, [])
    statement = _statement(page)
    for who in (VICTIM, PERPETRATOR):
        for characteristic in Characteristic:
            assert statement.toPlainText() == ""  # not until the last one is decided
            _choose(qtbot, _choice(page, characteristic, who), "Not relevant")
    shown = _squash(statement.toPlainText())
    assert shown.startswith("Northshire Police has considered the nine protected characteristics")
    assert f"in relation to {PERPETRATOR} and {VICTIM}." in shown
    assert not any(name in shown for name in REAL_NAMES)

    page.flush()
    session.save()
    session.close()
    reopened = _open(created, keystore)
    try:
        stored = reopened.draft.equality
        assert _squash(stored.statement) == shown
        assert {i.consideration for e in stored.subjects for i in e.items} == {
            Consideration.NOT_RELEVANT
        }
    finally:
        reopened.close()


def test_mark_all_not_relevant_keeps_decisions_already_made(
    qtbot, page: EqualityPage, session: DraftSession, calls: list[str]
):
    _choose(qtbot, _choice(page, Characteristic.RACE, VICTIM), "Relevant")
    calls.clear()
    qtbot.mouseClick(
        _named(page, QPushButton, f"Mark all not relevant for {VICTIM}"), Qt.MouseButton.LeftButton
    )
    assert calls == ["equality"]
    assert _choice(page, Characteristic.RACE, VICTIM).currentText() == "Relevant"
    assert _choice(page, Characteristic.AGE, VICTIM).currentText() == "Not relevant"
    draft = session.draft
    assert (
        _consideration(draft, VICTIM, Characteristic.RACE).consideration is Consideration.RELEVANT
    )
    assert _consideration(draft, VICTIM, Characteristic.SEX).consideration is (
        Consideration.NOT_RELEVANT
    )
    assert _consideration(draft, PERPETRATOR, Characteristic.SEX).consideration is (
        Consideration.NOT_CONSIDERED
    )
    assert _statement(page).toPlainText() == ""  # race is relevant: no "none was relevant"


def test_relevant_opens_the_impact_field_and_typing_reaches_the_draft_on_flush(
    qtbot, page: EqualityPage, session: DraftSession, calls: list[str]
):
    impact = _named(
        page,
        RichTextEdit,
        f"Impact of race for {VICTIM} on risk, access to services and the agency's response",
    )
    assert not impact.isVisible()
    _choose(qtbot, _choice(page, Characteristic.RACE, VICTIM), "Relevant")
    assert impact.isVisible()
    assert calls == ["equality"]

    impact.setFocus()
    analysis = (
        "Connie spoke Tigrinya; no interpreter was booked — her café job was her only outlet."
    )
    _type(impact, analysis)
    item = _consideration(session.draft, VICTIM, Characteristic.RACE)
    assert item.analysis == ""  # prose is written only on flush
    assert set(calls) == {"equality"}
    page.flush()
    assert _squash(item.analysis) == analysis

    # A long analysis: the field grows with it, so the page's is the only scroll bar.
    short_height = impact.height()
    impact.append("\n\n".join([analysis] * 12))
    qtbot.waitUntil(lambda: impact.height() > short_height)
    assert impact.verticalScrollBar().maximum() == 0  # nothing hidden inside the field

    _choose(qtbot, _choice(page, Characteristic.RACE, VICTIM), "Not known")
    assert not impact.isVisible()
    assert _squash(item.analysis) == analysis  # hidden, not thrown away


def test_context_fields_report_each_edit(
    qtbot, page: EqualityPage, session: DraftSession, calls: list[str]
):
    language = _named(page, QTextEdit, f"Language for {VICTIM}")
    language.setFocus()
    _type(language, "Arabic; English as a second language")
    entry = equality_for(session.draft, _subject(session.draft, VICTIM).id)
    assert entry.other_factors.language == "Arabic; English as a second language"
    short_height = language.height()
    language.append("\n".join(["No interpreter was booked for the call."] * 8))
    qtbot.waitUntil(lambda: language.height() > short_height)  # grows, nothing hidden
    assert language.verticalScrollBar().maximum() == 0
    intersectionality = _named(
        page, RichTextEdit, f"Intersectionality and unconscious bias for {VICTIM}"
    )
    intersectionality.setFocus()
    _type(intersectionality, "Her faith and her fear of losing her child combined.")
    page.flush()
    assert (
        _squash(entry.intersectionality) == "Her faith and her fear of losing her child combined."
    )
    assert calls and set(calls) == {"equality"}


def test_untouched_statement_is_withdrawn_when_a_characteristic_becomes_relevant(
    qtbot, page: EqualityPage, session: DraftSession
):
    for who in (VICTIM, PERPETRATOR):
        qtbot.mouseClick(
            _named(page, QPushButton, f"Mark all not relevant for {who}"), Qt.MouseButton.LeftButton
        )
    assert "None was found to be relevant" in _statement(page).toPlainText()
    _choose(qtbot, _choice(page, Characteristic.DISABILITY, PERPETRATOR), "Relevant")
    assert _statement(page).toPlainText() == ""
    assert session.draft.equality.statement == ""


def test_regenerate_replaces_an_edited_statement_and_ctrl_z_restores_it(
    qtbot, page: EqualityPage, session: DraftSession
):
    for who in (VICTIM, PERPETRATOR):
        qtbot.mouseClick(
            _named(page, QPushButton, f"Mark all not relevant for {who}"), Qt.MouseButton.LeftButton
        )
    statement = _statement(page)
    statement.setFocus()
    statement.selectAll()
    _type(statement, "Our own wording, agreed with the panel.")
    qtbot.mouseClick(_named(page, QPushButton, "Regenerate statement"), Qt.MouseButton.LeftButton)
    assert "None was found to be relevant" in statement.toPlainText()
    assert statement.hasFocus()
    qtbot.keyClick(statement, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert statement.toPlainText() == "Our own wording, agreed with the panel."
    page.flush()
    assert _squash(session.draft.equality.statement) == "Our own wording, agreed with the panel."


def test_focus_location_jumps_to_the_characteristic_and_scrolls_to_it(
    qtbot, page: EqualityPage, session: DraftSession
):
    combo = _choice(page, Characteristic.SEXUAL_ORIENTATION, PERPETRATOR)
    assert combo.visibleRegion().isEmpty()  # below the fold at 1366x768
    perpetrator = _subject(session.draft, PERPETRATOR)
    page.focus_location(
        Location(SectionId.EQUALITY, perpetrator.id, Characteristic.SEXUAL_ORIENTATION.value)
    )
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo)
    assert not combo.visibleRegion().isEmpty()


def test_tab_moves_through_the_choices_without_stopping_at_hidden_fields(qtbot, page: EqualityPage):
    age = _choice(page, Characteristic.AGE, VICTIM)
    age.setFocus()
    qtbot.keyClick(age, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is _choice(page, Characteristic.DISABILITY, VICTIM)


def test_without_subjects_the_page_points_to_the_subjects_section(qtbot, session: DraftSession):
    session.draft.subjects = []
    page = EqualityPage(session, lambda part: None)
    qtbot.addWidget(page)
    texts = [label.text() for label in page.findChildren(QLabel)]
    assert any("Subjects and pseudonyms section" in t for t in texts)
    assert [c.accessibleName() for c in page.findChildren(QComboBox)] == ["Section status"]


def test_refresh_shows_a_subject_added_since(qtbot, page: EqualityPage, session: DraftSession):
    session.draft.subjects.append(Subject("Child B", SubjectRole.CHILD))
    page.refresh()
    assert _choice(page, Characteristic.AGE, "Child B").currentText() == "Not yet considered"


def test_typing_on_at_the_end_of_a_long_field_keeps_the_cursor_in_view(qtbot, page: EqualityPage):
    """The fields grow rather than scroll, so the page follows the cursor down."""
    language = _named(page, QTextEdit, f"Language for {VICTIM}")
    area = page._scroll
    language.setFocus()
    for _ in range(40):
        qtbot.keyClicks(language, "No interpreter was booked.")
        qtbot.keyClick(language, Qt.Key.Key_Return)
    qtbot.wait(50)  # the page scrolls once the field has grown
    cursor = language.viewport().mapTo(area.viewport(), language.cursorRect().center())
    assert area.verticalScrollBar().value() > 0
    assert area.viewport().rect().contains(cursor)


def test_a_rebuilt_page_has_spelling_in_every_prose_field_and_no_dead_ones(
    qtbot, session: DraftSession
):
    """Subjects change, the page rebuilds: the new fields are checked like the old ones."""
    from imr_app.core.model import SectionId
    from imr_app.gui.editor import DraftEditor
    from imr_app.gui.spelling import SpellingService, spelling_controller

    editor = DraftEditor(session, SpellingService(None))  # not loaded: fields wait for it
    qtbot.addWidget(editor)
    editor.go_to(Location(SectionId.EQUALITY))
    page = editor.current_page()
    assert isinstance(page, EqualityPage)
    count = len(page.prose_fields)
    page.refresh()
    assert len(page.prose_fields) == count  # the old fields went with the old page body
    assert all(spelling_controller(edit) is not None for edit in page.prose_fields)
