"""Take the README's screenshots offscreen at 1366x768: `.venv/bin/python scripts/screenshots.py`.

It imports the shipped example draft into a temporary folder, opens it in the real
window and saves PNGs under docs/screenshots/. Rerun it after changing a screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imr_app.gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
# An offscreen screen the size of the laptops the app is written for (Qt's default is 800×800),
# so dialogs sized to fit the screen come out as users see them.
SCREEN = ROOT / "scripts" / "offscreen-1366x768.json"
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={SCREEN}")
sys.path.insert(0, str(ROOT))
PASSPHRASE = "screenshot example passphrase"


def main() -> int:
    from keyring.backends import fail
    from PySide6.QtWidgets import QApplication

    from imr_app.context import AppContext
    from imr_app.core import interchange
    from imr_app.core.model import SectionId
    from imr_app.gui.main_window import MainWindow
    from imr_app.paths import UserPaths, resource_path
    from imr_app.services.checks import Location
    from imr_app.storage.document import ImrDocument
    from imr_app.storage.keystore import KeyStore

    app = QApplication.instance() or QApplication([])
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)

    def shoot(window: MainWindow, name: str) -> None:
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out / name))

    with tempfile.TemporaryDirectory() as tmp:
        context = AppContext(UserPaths(Path(tmp), Path(tmp) / "config"), KeyStore(fail.Keyring()))
        example = resource_path("examples", "example-imr.json").read_text(encoding="utf-8")
        path = Path(tmp) / "dhr-amina.imr"
        document, _ = ImrDocument.create(path, PASSPHRASE, interchange.loads(example))
        window = MainWindow(context)
        window.store.remember_recent(path, document.load())
        document.close()
        window._refresh_start()
        window.resize(1366, 768)
        window.show()
        shoot(window, "start-screen.png")

        result = ImrDocument.open(path, passphrase=PASSPHRASE, remember=False)
        assert result.document is not None, result.message
        window._start_session(result.document, [])
        editor = window.editor
        assert editor is not None
        window.spelling.wait(30)
        # One slip, so the picture shows the spelling underline.
        vi = editor.session.draft.answer_for("vi")
        vi.text = vi.text.replace("were not explored", "were not explroed")
        editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, "vi", "answer"))
        shoot(window, "question-page.png")
        editor.go_to(Location(SectionId.EQUALITY))
        shoot(window, "equality-page.png")
        editor.go_to(Location(SectionId.CHRONOLOGY))
        chronology = editor.current_page()
        chronology.run_checks()  # type: ignore[attr-defined]
        chronology.splitter.setSizes([330, 130, 200])  # type: ignore[attr-defined]
        shoot(window, "chronology.png")
        editor.session.draft.answer_for("iv").text = ""
        editor.session.draft.recommendations[0].actions[0].lead = ""
        editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, "iv", "answer"))
        window.check_for_errors()
        shoot(window, "check-for-errors.png")
        # The review panel: the safeguarding lead's comments on a chronology entry and on a
        # span of question ii, counted in the navigator; the window stays 1366 px wide.
        window.problems_dock.hide()
        window.settings.user_name = "Rachel Okafor"
        window.settings.user_role = "Safeguarding lead"
        editor.go_to(Location(SectionId.CHRONOLOGY, editor.session.draft.chronology[1].id))
        window.comments.comment_on_selection()
        window.comments.text.setPlainText("Was a DASH risk assessment done after this call?")
        window.comments.add()
        editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, "ii", "answer"))
        answer = editor.current_page().editor  # type: ignore[attr-defined]
        found = answer.find("graded")
        window.show_comments()
        if found:
            window.comments.text.setPlainText(
                "Please say why standard rather than medium, given the 2016 history."
            )
            window.comments.add_on_page()
        window.comments.show_resolved.setChecked(True)
        shoot(window, "review-comments.png")
        window.close_draft()
        history_shot(window, path, out / "history-diff.png")
        audit_shot(window, path, out / "audit-log.png")
        window.close()
    print(f"screenshots written to {out}")
    return 0


def history_shot(window: MainWindow, path: Path, png: Path) -> None:
    """Submitted, returned, revised and resubmitted; History shows what the author changed."""
    from datetime import date

    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QColor, QPainter
    from PySide6.QtWidgets import QApplication

    from imr_app.core.model import ChronologyEntry
    from imr_app.core.workflow import Actor, return_for_changes
    from imr_app.gui.history_dialog import HistoryDialog
    from imr_app.services.review import submit_for_review, take_step
    from imr_app.storage.document import ImrDocument

    author, lead = Actor("Helen Marsh", "IMR author"), Actor("Priya Shah", "Safeguarding Lead")
    result = ImrDocument.open(path, passphrase=PASSPHRASE, remember=False)
    assert result.document is not None, result.message
    window._start_session(result.document, [])
    session, editor = window.session, window.editor
    assert session is not None and editor is not None
    session.wait_for_chronology()
    draft = session.draft
    take_step(session.document, draft, lambda d: submit_for_review(d, author))
    take_step(
        session.document,
        draft,
        lambda d: return_for_changes(d, lead, "Question ii: say why standard, not medium."),
    )
    ii = draft.answer_for("ii")
    ii.text = ii.text.replace(
        "was graded **standard** without checking Lee's history, which would have raised the "
        "grading.",
        "was graded **standard** by an officer who did not check Lee's history of violence "
        "towards a former partner; with it, the grading would have been medium.",
    )
    session.touch_answer("ii")
    entry = draft.chronology[3]
    entry.outcome = "No further action. The log was closed without a supervisor's review."
    session.touch_entry(entry.id)
    added = ChronologyEntry(
        date(2022, 10, 30),
        "Command and control log",
        event="Call from Farah reporting that Amina had not answered her phone for two days.",
    )
    draft.chronology.append(added)
    session.touch_entry(added.id)
    editor.save_now()
    take_step(session.document, draft, lambda d: submit_for_review(d, author))
    # Returned once more, so the author may copy or restore an answer from revision 1.
    take_step(
        session.document,
        draft,
        lambda d: return_for_changes(d, lead, "Question i: the 2019 call needs the same care."),
    )
    editor.apply_workflow()
    window.show_history()
    dialog = window.findChild(HistoryDialog)
    assert dialog is not None
    dialog.resize(1180, 690)
    dialog.compare(*dialog._chosen())  # laid out at its final size
    for _ in range(5):
        QApplication.processEvents()
    # Offscreen windows have no frame: paint the dialog over the window, with an edge.
    canvas = window.grab()
    top_left = QPoint((canvas.width() - dialog.width()) // 2, 48)
    painter = QPainter(canvas)
    painter.fillRect(canvas.rect(), QColor(0, 0, 0, 60))
    painter.setPen(QColor(120, 120, 120))
    painter.fillRect(dialog.rect().translated(top_left + QPoint(4, 4)), QColor(0, 0, 0, 50))
    painter.drawPixmap(top_left, dialog.grab())
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(dialog.rect().translated(top_left).adjusted(0, 0, -1, -1))
    painter.end()
    canvas.save(str(png))
    window.close_draft()


def audit_shot(window: MainWindow, path: Path, png: Path) -> None:
    """Review → Audit log…: the steps so far, an accepted leak-scan hit and an export."""
    from PySide6.QtWidgets import QApplication

    from imr_app.core.audit import EXPORTED
    from imr_app.core.drafts import now
    from imr_app.core.model import AuditEvent
    from imr_app.core.workflow import Actor
    from imr_app.gui.audit_dialog import AuditLogDialog
    from imr_app.services.leak_acceptance import acceptance
    from imr_app.storage.document import ImrDocument

    author = Actor("Helen Marsh", "IMR author")
    result = ImrDocument.open(path, passphrase=PASSPHRASE, remember=False)
    assert result.document is not None, result.message
    window._start_session(result.document, [])
    assert window.session is not None
    reason = "The number is the GP practice's public switchboard, not the victim's."
    detail = "DHR Amina IMR v0.9.docx, draft copy, password-protected"  # as the export writes it
    for event in (
        acceptance("phone:5d41402abc4b2a76b9719d91", reason, author.name, author.role),
        AuditEvent(now(), EXPORTED, author.name, author.role, detail),
    ):
        window.session.document.repo.add_audit(event)
    dialog = AuditLogDialog(window.session, author, window)
    dialog.show()
    for _ in range(5):
        QApplication.processEvents()
    dialog.grab().save(str(png))
    dialog.close()
    window.close_draft()


if __name__ == "__main__":
    raise SystemExit(main())
