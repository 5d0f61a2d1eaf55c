"""The lead comments on one chronology entry, recommendation or equality item from the real
window while the IMR is submitted (read only): saved, counted in the navigator, found again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QTreeWidgetItem

from imr_app.core.comments import unresolved
from imr_app.core.model import CommentAnchor, SectionId, WorkflowState
from imr_app.core.workflow import Actor
from imr_app.gui.main_window import MainWindow
from imr_app.gui.pages.chronology import ChronologyPage
from imr_app.gui.pages.equality import EqualityPage
from imr_app.gui.pages.recommendations import RecommendationsPage
from imr_app.services.checks import Location
from imr_app.services.review import submit_for_review, take_step
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore

LEAD = ("Rachel Okafor", "Safeguarding lead")


@pytest.fixture
def submitted(example_path: Path, keystore: KeyStore) -> Path:
    """The example as the author left it: submitted for review, so read only in the window."""
    document = ImrDocument.open(example_path, keystore).document
    assert document is not None
    draft = document.load()
    take_step(document, draft, lambda d: submit_for_review(d, Actor("Helen Marsh", "IMR author")))
    document.close()
    return example_path


@pytest.fixture
def window(submitted: Path, example_window) -> MainWindow:
    win = example_window(*LEAD)
    assert win.session.draft.workflow.state is WorkflowState.SUBMITTED
    assert win.editor.read_only
    return win


def _page(win: MainWindow, section: SectionId):
    win.editor.go_to(Location(section))
    return win.editor.current_page()


def _nav_item(win: MainWindow, section: SectionId) -> QTreeWidgetItem:
    nav = win.editor.navigator
    items = [nav.topLevelItem(i) for i in range(nav.topLevelItemCount())]
    return next(i for i in items if i.data(0, Qt.ItemDataRole.UserRole) == (section, ""))


def _spoken(win: MainWindow, section: SectionId) -> str:
    return str(_nav_item(win, section).data(1, Qt.ItemDataRole.AccessibleTextRole))


def _choose_from_menu(label: str) -> None:
    """Pick ``label`` from the context menu that has just popped up."""
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    action = next(a for a in menu.actions() if a.text() == label)
    menu.close()
    action.trigger()


def test_lead_comments_on_an_entry_and_a_recommendation_while_submitted(
    window: MainWindow, submitted: Path
) -> None:
    panel = window.comments
    draft = window.session.draft
    assert not window.comments_dock.isVisible()

    # Right-click the third entry of the (read-only) chronology table.
    chronology = _page(window, SectionId.CHRONOLOGY)
    assert isinstance(chronology, ChronologyPage)
    assert not chronology.add_button.isEnabled()  # the author's inputs are frozen
    index = chronology.proxy.index(2, 0)
    entry = draft.chronology[chronology.proxy.storage_row(index)]
    pos = chronology.view.visualRect(index).center()
    chronology.view.customContextMenuRequested.emit(pos)
    _choose_from_menu("Comment on this entry…")
    assert window.comments_dock.isVisible()
    assert panel.text.hasFocus()  # ready to type
    assert panel.about.text() == f"On: Chronology entry {entry.date_start:%d/%m/%Y} {entry.source}"
    panel.text.setPlainText("Who checked the history at this point?")
    panel.add_button.click()
    assert panel.message.text() == "Comment added.", panel.message.text()
    assert panel.about.text().startswith("On the page shown")  # the next one starts afresh
    assert "1 unresolved comment" in _spoken(window, SectionId.CHRONOLOGY)

    # The recommendation's own button, reachable by keyboard, stays enabled read only.
    recommendations = _page(window, SectionId.RECOMMENDATIONS)
    assert isinstance(recommendations, RecommendationsPage)
    recommendations.recs.select(1)
    second = draft.recommendations[1]
    assert recommendations.comment_button.isEnabled()
    assert not recommendations.recs.add_button.isEnabled()
    recommendations.comment_button.click()
    assert panel.about.text().startswith("On: Recommendation 2: ")
    panel.text.setPlainText("Give this a target date the panel can check.")
    assert panel.add()
    assert "1 unresolved comment" in _spoken(window, SectionId.RECOMMENDATIONS)

    threads = unresolved(draft)
    assert [(c.anchor.kind, c.anchor.ref) for c in threads] == [
        ("chronology", entry.id),
        ("recommendation", second.id),
    ]
    assert all(c.author_name == LEAD[0] for c in threads)
    assert draft.workflow.state is WorkflowState.SUBMITTED  # comments are no edit of the text

    # Saved in the file: closed and opened again, both threads are there and counted.
    assert window.close_draft()
    window.open_path(submitted)
    window.session.wait_for_chronology()
    draft = window.session.draft
    assert [(c.anchor.kind, c.anchor.ref) for c in unresolved(draft)] == [
        ("chronology", entry.id),
        ("recommendation", second.id),
    ]
    assert "1 unresolved comment" in _spoken(window, SectionId.CHRONOLOGY)
    counted = _nav_item(window, SectionId.CHRONOLOGY)
    assert counted.text(2) == "1" and not counted.icon(2).isNull()  # a balloon and the count

    # Go to from the entry's thread selects its row in the chronology table.
    _page(window, SectionId.REVIEW)
    window.show_comments()
    panel = window.comments
    panel.list.setCurrentRow(0)
    panel.go_button.click()
    chronology = window.editor.current_page()
    assert isinstance(chronology, ChronologyPage)
    assert chronology.current_entry().id == entry.id
    assert chronology.view.selectionModel().isRowSelected(chronology.view.currentIndex().row())

    # And from the recommendation's thread, its row, without opening a read-only cell editor.
    panel.list.setCurrentRow(1)
    panel.go_button.click()
    recommendations = window.editor.current_page()
    assert isinstance(recommendations, RecommendationsPage)
    assert recommendations.recs.current_item().id == second.id
    assert recommendations.recs.view.state() != recommendations.recs.view.State.EditingState

    # Resolving updates the count.
    panel.list.setCurrentRow(0)
    panel.resolve_button.click()
    assert "unresolved comment" not in _spoken(window, SectionId.CHRONOLOGY)
    assert _nav_item(window, SectionId.CHRONOLOGY).text(2) == ""
    assert "1 unresolved comment" in _spoken(window, SectionId.RECOMMENDATIONS)


def test_equality_items_and_sections_from_the_menus(window: MainWindow) -> None:
    panel = window.comments
    draft = window.session.draft
    equality = _page(window, SectionId.EQUALITY)
    assert isinstance(equality, EqualityPage)
    victim = draft.victim()
    button = next(
        b
        for b in equality.findChildren(type(panel.add_button))
        if b.accessibleName() == f"Comment on an equality item for {victim.pseudonym}"
    )
    assert button.isEnabled()  # read only, yet the lead can comment
    race = next(a for a in button.menu().actions() if a.text() == "Race")
    race.trigger()
    assert panel.about.text() == f"On: Equality: {victim.pseudonym}, race"
    panel.text.setPlainText("Was an interpreter offered?")
    assert panel.add()
    assert "1 unresolved comment" in _spoken(window, SectionId.EQUALITY)

    # Right-click a characteristic's caption: a comment on that item for that subject.
    [caption] = [
        label
        for label in equality.findChildren(QLabel)
        if label.buddy() is not None
        and label.buddy().accessibleName() == f"Age for {victim.pseudonym}"
    ]
    frame = caption.parentWidget()
    frame.customContextMenuRequested.emit(caption.mapTo(frame, caption.rect().center()))
    _choose_from_menu("Comment on age for this subject…")
    assert panel.about.text() == f"On: Equality: {victim.pseudonym}, age"
    panel.clear_target_button.click()

    # The Review menu: a comment on the whole section shown (here the Analysis page).
    _page(window, SectionId.ANALYSIS)
    window.comment_section_action.trigger()
    assert panel.about.text() == "On: Section: Analysis"
    # A change of mind: back to the page shown, then the section again.
    panel.clear_target_button.click()
    assert panel.target is None
    window.comment_section_action.trigger()
    panel.text.setPlainText("The analysis needs the 2016 history.")
    assert panel.add()
    kinds = [(c.anchor.kind, c.anchor.ref) for c in unresolved(draft)]
    assert kinds[-2:] == [
        ("equality", f"{victim.id}:race"),
        ("section", SectionId.ANALYSIS.value),
    ]

    # Go to an equality item: its characteristic is marked and scrolled to.
    _page(window, SectionId.REVIEW)
    window.show_comments()
    panel.list.setCurrentRow(panel.list.count() - 2)
    panel.go_button.click()
    equality = window.editor.current_page()
    assert isinstance(equality, EqualityPage)
    assert equality.shown_item == (victim.id, "race")


def test_ctrl_alt_m_comments_on_the_current_entry(window: MainWindow, qtbot) -> None:
    chronology = _page(window, SectionId.CHRONOLOGY)
    assert isinstance(chronology, ChronologyPage)
    chronology.view.setCurrentIndex(chronology.proxy.index(0, 0))
    entry = chronology.current_entry()
    chronology.view.setFocus()
    qtbot.keyClick(
        chronology.view,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    assert window.comments_dock.isVisible()
    assert window.comments.target == CommentAnchor("chronology", entry.id)


def test_the_window_stays_1366_wide_with_the_dock_open(window: MainWindow) -> None:
    window.resize(1366, 768)
    for section in (SectionId.CHRONOLOGY, SectionId.EQUALITY, SectionId.RECOMMENDATIONS):
        _page(window, section)
    window.editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, "ii", "answer"))
    window.show_comments()
    assert window.minimumSizeHint().width() <= 1366
    assert window.width() == 1366
    _page(window, SectionId.CHRONOLOGY)
    assert window.width() == 1366
    assert window.comments_dock.width() >= 200  # still readable beside the chronology


def test_lead_finds_filters_and_checks_a_submitted_chronology(qtbot, window: MainWindow) -> None:
    """Read only freezes the author's inputs, not the tools for reading the chronology."""
    chronology = _page(window, SectionId.CHRONOLOGY)
    assert isinstance(chronology, ChronologyPage)
    every = chronology.proxy.rowCount()
    qtbot.keyClicks(chronology.search, "MARAC")
    qtbot.waitUntil(lambda: 0 < chronology.proxy.rowCount() < every)
    assert chronology.search.text() == "MARAC"
    assert chronology.clear_button.isEnabled()
    chronology.clear_button.click()
    qtbot.waitUntil(lambda: chronology.proxy.rowCount() == every)
    assert chronology.flag_filter.isEnabled() and chronology.gap_days.isEnabled()
    chronology.run_checks()
    assert chronology.checks.list.count() > 0  # the example has entries worth a look
    practice = _page(window, SectionId.PRACTICE)
    assert practice.show_kind.isEnabled()
    assert not chronology.add_button.isEnabled()  # still no editing
