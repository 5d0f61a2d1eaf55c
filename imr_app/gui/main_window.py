"""The main window: the start screen, the editor of the open draft, and the idle lock."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from imr_app.context import AppContext
from imr_app.core.workflow import Actor
from imr_app.gui.editor import DraftEditor
from imr_app.gui.idle import IdleWatcher
from imr_app.gui.review_actions import ReviewActions
from imr_app.gui.spelling import SpellingService
from imr_app.settings import SettingsStore

if TYPE_CHECKING:
    from imr_app.gui.comments_panel import CommentsPanel
    from imr_app.gui.find_dialog import FindDialog
    from imr_app.gui.problems import ProblemsPanel
    from imr_app.gui.start_screen import StartScreen
    from imr_app.services.checks import Location
    from imr_app.services.session import DraftSession
    from imr_app.storage.document import ImrDocument

APP_TITLE = "IMR Author"
SPELLING_DELAY_MS = 800


class LockedScreen(QWidget):
    """What shows while the app is locked: no case content, one way back in."""

    def __init__(self, unlock: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Locked")
        layout.addWidget(self.message)
        self.button = QPushButton("Unlock…")
        self.button.setAccessibleName("Unlock the draft")
        self.button.clicked.connect(unlock)  # type: ignore[arg-type]
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)


class MainWindow(QMainWindow):
    # Emitted from the loading thread; Qt queues it to the window's thread.
    chronology_loaded = Signal()

    def __init__(self, context: AppContext, *, opening: Path | None = None) -> None:
        """``opening``: a draft about to open, named on screen in place of the start screen."""
        super().__init__()
        self.context = context
        self.store = SettingsStore(context.paths.config_dir)
        self.settings = self.store.load()
        self.session: DraftSession | None = None
        self.editor: DraftEditor | None = None
        self._locked_path: Path | None = None
        self._find: FindDialog | None = None
        self.setWindowTitle(APP_TITLE)
        self.resize(1366, 768)

        self.stack = QStackedWidget()
        self._start: StartScreen | None = None  # built when first shown
        self._opening: QLabel | None = None  # names a draft given at start while it opens
        if opening is not None:
            self._opening = QLabel(f"Opening {opening.name}…")
            self._opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.stack.addWidget(self._opening)
        self.locked = LockedScreen(self.unlock)
        self.stack.addWidget(self.locked)
        self.setCentralWidget(self.stack)

        self._problems: ProblemsPanel | None = None  # built when first needed, as Comments
        self.problems_dock = QDockWidget("Check for errors", self)
        self.problems_dock.setObjectName("problems")
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        self.problems_dock.hide()

        self._comments: CommentsPanel | None = None  # built when first needed
        self.comments_dock = QDockWidget("Comments", self)
        self.comments_dock.setObjectName("comments")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.comments_dock)
        self.comments_dock.hide()

        self.save_label = QLabel()
        self.save_label.setAccessibleName("Save status")
        self.progress_label = QLabel()
        self.progress_label.setAccessibleName("Progress")
        self.statusBar().addWidget(self.progress_label, 1)
        self.statusBar().addPermanentWidget(self.save_label)

        # British English spelling for every prose field; loads on a thread after start-up.
        self.spelling = SpellingService(context.paths.config_dir, parent=self)
        self.spelling.ready.connect(lambda _checker: self._teach_pseudonyms())
        self.idle = IdleWatcher(self.settings.idle_lock_minutes, self)
        self.idle.idle.connect(lambda: self.lock(after_idle=True))
        self.chronology_loaded.connect(self._on_chronology_loaded)
        self._build_menus()
        if opening is None:
            self._refresh_start()
        self._update_actions()

    @property
    def start(self) -> StartScreen:
        """The start screen, built the first time it is needed."""
        if self._start is None:
            from imr_app.gui.start_screen import StartScreen

            self._start = StartScreen()
            self._start.new_requested.connect(self.new_draft)
            self._start.browse_requested.connect(self.browse)
            self._start.open_requested.connect(self.open_path)
            self._start.remove_requested.connect(self._forget_recent)
            self.stack.addWidget(self._start)
        return self._start

    # ---- menus ---------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)  # type: ignore[arg-type]
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addAction(self._action("&New draft…", self.new_draft, QKeySequence.StandardKey.New))
        file.addAction(self._action("&Open…", self.browse, QKeySequence.StandardKey.Open))
        self.close_action = self._action("&Close draft", lambda: self.close_draft(), "Ctrl+W")
        file.addAction(self.close_action)
        file.addSeparator()
        self.export_action = self._action("&Export to Word…", self.export_to_word, "Ctrl+E")
        file.addAction(self.export_action)
        file.addSeparator()
        self.passphrase_action = self._action("Change &passphrase…", self.change_passphrase)
        file.addAction(self.passphrase_action)
        self.forget_action = self._action("&Forget this draft on this computer", self.forget)
        file.addAction(self.forget_action)
        self.lock_action = self._action("&Lock now", self.lock, "Ctrl+L")
        file.addAction(self.lock_action)
        file.addSeparator()
        file.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        edit = bar.addMenu("&Edit")
        edit.addAction(self._action("Your &name and role…", self.edit_identity))
        self.find_action = self._action(
            "&Find in the draft…", self.find, QKeySequence.StandardKey.Find
        )
        edit.addAction(self.find_action)

        go = bar.addMenu("&Go")
        self.next_action = self._action("&Next section", lambda: self._step(1), "Ctrl+PgDown")
        self.previous_action = self._action(
            "&Previous section", lambda: self._step(-1), "Ctrl+PgUp"
        )
        go.addAction(self.next_action)
        go.addAction(self.previous_action)

        review = bar.addMenu("&Review")
        self.check_action = self._action("&Check for errors", self.check_for_errors, "F8")
        review.addAction(self.check_action)
        self.comments_action = self._action("Co&mments", self.show_comments, "Ctrl+Shift+M")
        review.addAction(self.comments_action)
        # Comment on what is selected (Ctrl+Alt+M, as in Word) or on the section shown.
        self.comment_selection_action = self._action(
            "Comment on the se&lection…", lambda: self.comments.comment_on_selection(), "Ctrl+Alt+M"
        )
        review.addAction(self.comment_selection_action)
        self.comment_section_action = self._action(
            "Comment on this sec&tion…", lambda: self.comments.comment_on_section()
        )
        review.addAction(self.comment_section_action)
        self.history_action = self._action("&History…", self.show_history, "Ctrl+H")
        review.addAction(self.history_action)
        self.audit_action = self._action("&Audit log…", self.show_audit_log)
        review.addAction(self.audit_action)
        review.addSeparator()
        self.review_actions = ReviewActions(self)
        for action in self.review_actions.actions():
            self.addAction(action)
            review.addAction(action)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.addAction(self.check_action)
        toolbar.addAction(self.previous_action)
        toolbar.addAction(self.next_action)

    def _update_actions(self) -> None:
        open_ = self.editor is not None
        for action in (
            self.close_action,
            self.export_action,
            self.passphrase_action,
            self.forget_action,
            self.lock_action,
            self.next_action,
            self.previous_action,
            self.check_action,
            self.find_action,
            self.comments_action,
            self.comment_selection_action,
            self.comment_section_action,
            self.history_action,
            self.audit_action,
        ):
            action.setEnabled(open_)
        self.review_actions.update()

    # ---- opening and creating --------------------------------------------------------
    def new_draft(self) -> None:
        if not self.close_draft():
            return
        from imr_app.gui.new_draft_wizard import NewDraftWizard

        request = NewDraftWizard.ask(self, self.context)
        if request is None:
            return
        from imr_app.storage.document import ImrDocument

        try:
            document, warnings = ImrDocument.create(
                request.path,
                request.passphrase,
                request.draft,
                self.context.keystore,
                remember=request.remember,
                user=self.settings.user_name,
            )
        except OSError as exc:
            QMessageBox.warning(self, APP_TITLE, f"The draft could not be created: {exc}")
            return
        self._start_session(document, warnings)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a draft", str(self.context.paths.drafts_dir), "IMR drafts (*.imr)"
        )
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> None:
        if not self.close_draft():
            return
        opened = _open_draft(self, Path(path), self.context)
        if opened is not None:
            self._start_session(*opened)
        elif self.stack.currentWidget() is self._opening:
            self._refresh_start()  # the draft given at start did not open
        if self._opening is not None:
            self.stack.removeWidget(self._opening)
            self._opening.deleteLater()
            self._opening = None

    def _start_session(self, document: ImrDocument, warnings: list[str]) -> None:
        from imr_app.services.session import DraftSession

        self.session = DraftSession(
            document, background_chronology=True, on_chronology_loaded=self.chronology_loaded.emit
        )
        # Let the window and the chronology settle before the dictionary competes for the GIL.
        QTimer.singleShot(SPELLING_DELAY_MS, self.spelling.start)
        self._teach_pseudonyms()
        self.editor = DraftEditor(self.session, self.spelling)
        self.editor.save_state_changed.connect(self.save_label.setText)
        self.editor.progress_changed.connect(self.progress_label.setText)
        self.editor.problems_changed.connect(lambda found: self.problems.show_problems(found))
        self.editor.comment_requested.connect(lambda anchor: self.comments.comment_on(anchor))
        if self._comments is not None:
            self._comments.set_session(self.session, self.editor)
        self.editor.refresh_statuses()
        self.save_label.setText("Saved")
        self.stack.addWidget(self.editor)
        self.stack.setCurrentWidget(self.editor)
        draft = self.session.draft
        self.setWindowTitle(f"{draft.review.name or document.path.stem} — {APP_TITLE}")
        try:
            self.store.remember_recent(document.path, draft)
        except OSError as exc:  # the recent list is a convenience; the draft is open
            warnings = [*warnings, f"The recent drafts list could not be saved: {exc}"]
        self.idle.start()
        self._update_actions()
        # The editor is on screen: now the chronology may load without slowing it down.
        QTimer.singleShot(0, self.session.start_loading_chronology)
        for warning in warnings:
            self.statusBar().showMessage(warning, 10_000)

    def close_draft(self, locking: bool = False) -> bool:
        """Save and close the open draft; False when the user chose to keep it open.

        Typing that cannot be kept (a date that is no date) is pointed out first, unless the
        app is locking itself: nobody is there to answer, and the lock must not wait.
        """
        if self.editor is None or self.session is None:
            return True
        problems = [] if locking else self.editor.not_kept()
        if problems:
            answer = QMessageBox.warning(
                self,
                APP_TITLE,
                "\n".join(problems) + "\n\nWhat is typed there cannot be kept. Close anyway?",
                QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Close:
                return False
        if not self.editor.save_now():
            answer = QMessageBox.warning(
                self,
                APP_TITLE,
                f"Your latest changes could not be saved ({self.editor.last_save_error}).\n\n"
                "Close anyway and lose them?",
                QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Close:
                return False
        with contextlib.suppress(Exception):
            self.store.remember_recent(self.session.path, self.session.draft)
        with contextlib.suppress(Exception):  # the copy seen last, to check the next one opened
            self.store.remember_copy(self.session.path, self.session.document.lineage())
        self.session.close(save=False)  # saved above, or the user chose to discard
        self._drop_editor()
        self._refresh_start()
        return True

    def _drop_editor(self) -> None:
        if self.editor is not None:
            self.stack.removeWidget(self.editor)
            self.editor.deleteLater()
        self.editor = None
        self.session = None
        self.idle.stop()
        if self._problems is not None:
            self._problems.show_problems([])
        self.problems_dock.hide()
        if self._comments is not None:
            self._comments.set_session(None, None)
        self.comments_dock.hide()
        self.save_label.clear()
        self.progress_label.clear()
        self.setWindowTitle(APP_TITLE)
        self._update_actions()

    def _teach_pseudonyms(self) -> None:
        """Pseudonyms are words of this draft, not misspellings (real names stay flagged)."""
        if self.session is None or self.spelling.checker is None:
            return
        for subject in self.session.draft.subjects:
            for word in subject.pseudonym.split():
                self.spelling.ignore(word)

    def _on_chronology_loaded(self) -> None:
        error = self.session.load_error if self.session is not None else None
        if error is not None and self.session is not None and self.editor is not None:
            self._close_damaged(str(error))
            return
        if self.editor is not None:
            self.editor.refresh_statuses()
            self.editor.apply_workflow()  # the sign-off check needed the whole chronology

    def _close_damaged(self, message: str) -> None:
        """A damaged draft: try once to keep what was typed, close it whatever happens, and
        forget it as the latest copy, so the backup the message points to opens quietly."""
        assert self.session is not None and self.editor is not None
        self.editor.save_now()  # best effort: a failure is in the message below anyway
        draft_id = self.session.draft.id
        self.session.close(save=False)
        with contextlib.suppress(OSError):
            self.store.forget_copy(draft_id)
        self._drop_editor()
        self._refresh_start()
        QMessageBox.warning(self, APP_TITLE, message)

    def _forget_recent(self, path: Path) -> None:
        try:
            self.store.forget_recent(path)
        except OSError as exc:
            QMessageBox.warning(
                self, APP_TITLE, f"The recent drafts list could not be saved: {exc}"
            )
        self._refresh_start()

    def _refresh_start(self) -> None:
        self.settings = self.store.load()
        self.start.set_recent(self.settings.recent)
        self.stack.setCurrentWidget(self.start)

    # ---- idle lock -------------------------------------------------------------------
    def lock(self, after_idle: bool = False) -> None:
        """Save, close the draft and drop its key; only the passphrase or keyring reopens it."""
        if self.session is None:
            return
        path = self.session.path
        if not self.close_draft(locking=True):
            return
        self._locked_path = path
        why = " after a period without use" if after_idle else ""
        self.locked.message.setText(
            f"IMR Author is locked.\n\n{path.name} was saved and closed{why}. Unlock to carry "
            "on where you left off."
        )
        self.stack.setCurrentWidget(self.locked)

    def unlock(self) -> None:
        if self._locked_path is None:
            return
        opened = _open_draft(self, self._locked_path, self.context)
        if opened is not None:
            self._locked_path = None
            self._start_session(*opened)

    # ---- who is using the app -------------------------------------------------------
    def actor(self) -> Actor | None:
        """Who is taking a step or commenting: asked once, then kept in the settings."""
        if not self.settings.user_name.strip() and not self.edit_identity():
            return None
        return Actor(self.settings.user_name, self.settings.user_role)

    def edit_identity(self) -> bool:
        """Edit ▸ Your name and role…: True when saved."""
        from imr_app.gui.identity_dialog import ask_identity

        saved = ask_identity(self, self.store, self.settings)
        if saved is not None:
            self.settings = saved
            if self.session is not None:  # the open draft's writing session is theirs now
                self.session.document.set_user(saved.user_name)
        return saved is not None

    # ---- other actions -----------------------------------------------------------
    def _step(self, delta: int) -> None:
        if self.editor is not None:
            self.editor.step(delta)

    def check_for_errors(self) -> None:
        if self.editor is None:
            return
        self.editor.check_for_errors()
        self.problems_dock.show()
        self.resizeDocks([self.problems_dock], [200], Qt.Orientation.Vertical)
        self.problems.list.setFocus()

    @property
    def problems(self) -> ProblemsPanel:
        """The Check for errors list, built the first time it is needed: it costs start-up."""
        if self._problems is None:
            from imr_app.gui.problems import ProblemsPanel

            self._problems = ProblemsPanel()
            self._problems.jump_requested.connect(self._go_to)
            self.problems_dock.setWidget(self._problems)
        return self._problems

    @property
    def comments(self) -> CommentsPanel:
        """The Comments dock's panel, built the first time it is needed: it costs start-up."""
        if self._comments is None:
            from imr_app.gui.comments_panel import CommentsPanel

            self._comments = CommentsPanel(self.actor)
            self._comments.jump_requested.connect(self._go_to)
            self._comments.set_session(self.session, self.editor)
            self.comments_dock.setWidget(self._comments)
        return self._comments

    def _go_to(self, location: Location) -> None:
        if self.editor is not None:
            self.editor.go_to(location)

    def show_comments(self) -> None:
        """Show the review conversation beside the editor."""
        if self.editor is None:
            return
        self.comments.refresh()
        self.comments_dock.show()
        self.comments_dock.raise_()
        self.comments.list.setFocus()

    def show_history(self) -> None:
        """The revisions and what changed; one window per open draft, closed with it."""
        if self.editor is None:
            return
        from imr_app.gui.history_dialog import HistoryDialog

        dialog = self.findChild(HistoryDialog)
        if dialog is None or dialog.editor is not self.editor:
            dialog = HistoryDialog(self.editor, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        else:
            dialog.reload()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.focus_start()

    def show_audit_log(self) -> None:
        """The audit trail, read only in every state; the idle lock closes it with the draft."""
        if self.session is None:
            return
        from imr_app.gui.audit_dialog import AuditLogDialog

        AuditLogDialog.ask(self, self.session, self.actor, close_on=self.idle.idle)

    def export_to_word(self) -> None:
        """Save first, so the file and its audit trail match what is exported."""
        if self.session is None or self.editor is None:
            return
        if not self.editor.save_now():
            QMessageBox.warning(
                self,
                APP_TITLE,
                f"Your latest changes could not be saved ({self.editor.last_save_error}), so "
                "the IMR was not exported.",
            )
            return
        from imr_app.gui.export_dialog import ExportDialog

        you = Actor(self.settings.user_name, self.settings.user_role)
        result = ExportDialog.ask(self, self.session, you)
        if result is not None:
            self.statusBar().showMessage(f"Exported to {result.path}", 10_000)

    def find(self) -> None:
        if self.editor is None:
            return
        if self._find is None or self._find.editor is not self.editor:
            from imr_app.gui.find_dialog import FindDialog

            self._find = FindDialog(self.editor, self)
        self._find.show()
        self._find.raise_()
        self._find.query.setFocus()

    def change_passphrase(self) -> None:
        if self.session is None or self.editor is None or not self.editor.save_now():
            return
        from imr_app.core.errors import WeakPassphraseError
        from imr_app.core.passphrase import check_new_passphrase

        echo = QLineEdit.EchoMode.Password
        first, ok = QInputDialog.getText(self, APP_TITLE, "New passphrase:", echo)
        if not ok:
            return
        second, ok = QInputDialog.getText(self, APP_TITLE, "Type it again:", echo)
        if not ok:
            return
        try:
            check_new_passphrase(first, second)
            self.session.document.change_passphrase(first, self.context.keystore)
        except (WeakPassphraseError, OSError) as exc:
            QMessageBox.warning(self, APP_TITLE, str(exc))
            return
        self.statusBar().showMessage("The passphrase has been changed.", 10_000)

    def forget(self) -> None:
        if self.session is None:
            return
        from imr_app.storage.keystore import KeyringUnavailable

        try:
            forgotten = self.session.document.forget_key(self.context.keystore)
        except KeyringUnavailable as exc:
            QMessageBox.warning(self, APP_TITLE, str(exc))
            return
        self.statusBar().showMessage(
            "This computer no longer remembers the draft's key; the passphrase will be asked."
            if forgotten
            else "This draft's key was not remembered on this computer.",
            10_000,
        )

    # ---- window events ---------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if (
            event.type() == QEvent.Type.ActivationChange
            and not self.isActiveWindow()
            and self.editor is not None
        ):
            self.editor.save_now()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.close_draft():
            event.accept()
        else:
            event.ignore()


def _open_draft(
    parent: QWidget, path: Path, context: AppContext
) -> tuple[ImrDocument, list[str]] | None:
    """Storage is imported on first use, so the window shows before SQLCipher loads."""
    from imr_app.gui.unlock_dialog import open_draft

    return open_draft(parent, path, context)
