"""The Comments dock: the review conversation, each thread a link to the place it is about.

Every change goes through ``core.comments`` with the user's name and role from the settings
(asked for once), and is saved with its audit events in one transaction. A refused change
is a message in the panel, never a traceback.

A new comment is on what the reviewer chose (``comment_on``: a chronology entry, a
recommendation, an equality item or a section, offered by the pages' "Comment on…" buttons
and menus), else on the page shown (the selected words of an answer, or its section).
Commenting works while the pages are read only: the lead comments on a submitted IMR.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from imr_app.core import comments
from imr_app.core.comments import AnchorKind, Thread
from imr_app.core.model import Comment, CommentAnchor, ImrDraft
from imr_app.core.workflow import Actor
from imr_app.gui.pages.question import QuestionPage
from imr_app.services.comment_locations import location_for
from imr_app.services.review import change_comments

if TYPE_CHECKING:
    from imr_app.gui.editor import DraftEditor
    from imr_app.services.session import DraftSession

_ROLE = Qt.ItemDataRole.UserRole
# Wide enough to read a thread, narrow enough to leave the editor its 1366 px layout.
PREFERRED_WIDTH = 360
ON_THE_PAGE = "On the page shown (select words in an answer to comment on them)"


def _when(comment: Comment) -> str:
    return f"{comment.created_at:%d/%m/%Y %H:%M}" if comment.created_at else ""


def _who(comment: Comment) -> str:
    role = f" ({comment.author_role})" if comment.author_role else ""
    return f"{comment.author_name}{role}"


def describe_thread(draft: ImrDraft, thread: Thread) -> str:
    """A thread as the list shows it: where, who, when, the text, then indented replies."""
    root = thread.comment
    status = " · resolved" if thread.resolved else ""
    lines = [
        f"{comments.describe_anchor(draft, root.anchor)}{status}",
        f"{_who(root)}, {_when(root)}: {root.text}",
    ]
    lines += [f"    ↳ {_who(r)}, {_when(r)}: {r.text}" for r in thread.replies]
    return "\n".join(lines)


class CommentsPanel(QWidget):
    """Threads, unresolved first; reply, resolve, go to the place, or comment on this page."""

    jump_requested = Signal(object)  # Location

    def __init__(self, actor: Callable[[], Actor | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actor = actor
        self.session: DraftSession | None = None
        self.editor: DraftEditor | None = None
        self.target: CommentAnchor | None = None  # chosen with comment_on; None: the page
        layout = QVBoxLayout(self)
        self.show_resolved = QCheckBox("Show resol&ved")
        self.show_resolved.toggled.connect(lambda _on: self.refresh())
        layout.addWidget(self.show_resolved)
        self.list = QListWidget()
        self.list.setAccessibleName("Comments")
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.list.itemDoubleClicked.connect(lambda _item: self.go_to())
        layout.addWidget(self.list, 1)
        about = QHBoxLayout()
        self.about = QLabel(ON_THE_PAGE)
        self.about.setWordWrap(True)
        self.about.setAccessibleName("The new comment is on")
        self.clear_target_button = QToolButton()
        self.clear_target_button.setText("✕")
        self.clear_target_button.setAccessibleName("Comment on the page shown instead")
        self.clear_target_button.setToolTip("Comment on the page shown instead")
        self.clear_target_button.clicked.connect(lambda: self.choose_target(None))
        about.addWidget(self.about, 1)
        about.addWidget(self.clear_target_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(about)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Comment or reply")
        self.text.setPlaceholderText("Type a comment or a reply here")
        self.text.setMaximumHeight(80)
        self.text.textChanged.connect(self._update_buttons)
        layout.addWidget(self.text)
        buttons = QGridLayout()  # two by two: the dock stays narrow beside the editor
        self.go_button = QPushButton("Go t&o")
        self.go_button.clicked.connect(self.go_to)
        self.reply_button = QPushButton("Re&ply")
        self.reply_button.clicked.connect(self.reply)
        self.resolve_button = QPushButton("Re&solve")
        self.resolve_button.clicked.connect(self.resolve)
        self.add_button = QPushButton("&Add comment")
        self.add_button.clicked.connect(self.add)
        for n, button in enumerate(
            (self.go_button, self.resolve_button, self.reply_button, self.add_button)
        ):
            buttons.addWidget(button, n // 2, n % 2)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Comments message")
        layout.addWidget(self.message)
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(PREFERRED_WIDTH, super().sizeHint().height())

    # ---- the open draft --------------------------------------------------------------
    def set_session(self, session: DraftSession | None, editor: DraftEditor | None) -> None:
        self.session, self.editor = session, editor
        self.text.clear()
        self.message.clear()
        self.choose_target(None)
        self.refresh()

    def refresh(self) -> None:
        """List the threads again, unresolved first, keeping the selection where it can."""
        selected = self.selected_id()
        self.list.clear()
        if self.session is not None:
            draft = self.session.draft
            found = comments.threads(draft, include_resolved=self.show_resolved.isChecked())
            for thread in sorted(found, key=lambda t: t.resolved):  # stable: oldest first
                text = describe_thread(draft, thread)
                item = QListWidgetItem(text)
                item.setData(_ROLE, thread.comment.id)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
                self.list.addItem(item)
                if thread.comment.id == selected:
                    self.list.setCurrentItem(item)
        self._update_buttons()
        if self.editor is not None:
            self.editor.refresh_statuses()  # the navigator counts unresolved comments

    def selected_id(self) -> str:
        item = self.list.currentItem()
        return str(item.data(_ROLE)) if item is not None else ""

    def _selected_thread(self) -> Thread | None:
        if self.session is None:
            return None
        wanted = self.selected_id()
        every = comments.threads(self.session.draft, include_resolved=True)
        return next((t for t in every if t.comment.id == wanted), None)

    def _update_buttons(self) -> None:
        open_ = self.session is not None
        thread = self._selected_thread()
        has_text = bool(self.text.toPlainText().strip())
        self.go_button.setEnabled(thread is not None)
        self.reply_button.setEnabled(thread is not None and has_text)
        self.resolve_button.setEnabled(thread is not None and not thread.resolved)
        self.add_button.setEnabled(open_ and has_text)
        self.text.setEnabled(open_)

    # ---- choosing what a new comment is on ------------------------------------------
    def comment_on(self, anchor: CommentAnchor) -> None:
        """Show the dock ready to comment on ``anchor``: what it is on, the cursor in the text."""
        if self.session is None:
            return
        self.choose_target(anchor)
        self._show_dock()
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def comment_on_selection(self) -> None:
        """The selected words of an answer, entry, recommendation or item; else the section."""
        if self.editor is None or self.session is None:
            return
        page = self.editor.current_page()
        if not isinstance(page, QuestionPage):
            self.comment_on(page.comment_anchor())
            return
        self.editor.save_now()  # the quote is found in the saved answer text
        try:
            anchor = page.selection_anchor()
        except comments.CommentError as exc:
            self._show_dock()
            self._say(str(exc))
            return
        self.comment_on(anchor)

    def comment_on_section(self) -> None:
        if self.editor is not None:
            self.comment_on(self.editor.current_page().section_anchor())

    def choose_target(self, anchor: CommentAnchor | None) -> None:
        self.target = anchor
        if anchor is None or self.session is None:
            self.target = None
            self.about.setText(ON_THE_PAGE)
        else:
            self.about.setText(f"On: {comments.describe_anchor(self.session.draft, anchor)}")
            self._say("")
        self.clear_target_button.setVisible(self.target is not None)

    def _show_dock(self) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QDockWidget):
            parent = parent.parentWidget()
        if parent is not None:
            self.refresh()
            parent.show()
            parent.raise_()

    # ---- actions -------------------------------------------------------------------
    def add(self) -> bool:
        """Add the typed comment on the chosen target, or else on the page shown."""
        if self.target is None:
            return self.add_on_page()
        if self.session is None:
            return False
        draft, anchor, text = self.session.draft, self.target, self.text.toPlainText()
        done = self._change(
            lambda actor: comments.add_comment(draft, anchor, text, actor),
            "Comment added.",
            clear=True,
        )
        if done:
            self.choose_target(None)
        return done

    def go_to(self) -> None:
        thread = self._selected_thread()
        if thread is None or self.session is None:
            return
        location = location_for(thread.comment.anchor)
        if location is None:
            where = comments.describe_anchor(self.session.draft, thread.comment.anchor)
            self._say(f"“{where}” cannot be shown in the editor.")
            return
        self.jump_requested.emit(location)
        words = comments.anchored_words(self.session.draft, thread.comment.anchor)
        page = self.editor.current_page() if self.editor is not None else None
        if words is not None and isinstance(page, QuestionPage):
            page.editor.select_words(*words)

    def add_on_page(self) -> bool:
        """Comment on the page shown: the selected words of an answer, or the whole section."""
        if self.session is None or self.editor is None:
            return False
        draft = self.session.draft
        page = self.editor.current_page()
        self.editor.save_now()  # the quote is found in the saved answer text
        make: Callable[[], CommentAnchor]
        if isinstance(page, QuestionPage):
            make = page.selection_anchor
        else:
            section = page.section
            make = lambda: CommentAnchor(AnchorKind.SECTION.value, section.value)  # noqa: E731
        text = self.text.toPlainText()
        return self._change(
            lambda actor: comments.add_comment(draft, make(), text, actor),
            "Comment added.",
            clear=True,
        )

    def reply(self) -> bool:
        thread = self._selected_thread()
        if thread is None or self.session is None:
            return False
        draft, text, parent = self.session.draft, self.text.toPlainText(), thread.comment.id
        return self._change(
            lambda actor: comments.reply(draft, parent, text, actor), "Reply added.", clear=True
        )

    def resolve(self) -> bool:
        thread = self._selected_thread()
        if thread is None or self.session is None:
            return False
        draft, root = self.session.draft, thread.comment.id
        return self._change(lambda actor: comments.resolve(draft, root, actor), "Thread resolved.")

    def _change(self, apply: Callable[[Actor], object], done: str, clear: bool = False) -> bool:
        """Apply a change to the draft and save it with its audit events, or put it back."""
        assert self.session is not None
        actor = self._actor()
        if actor is None:  # the user would not say who they are
            self._say("Comments need your name and role: Edit ▸ Your name and role…")
            return False
        try:
            change_comments(self.session.document, self.session.draft, lambda d: apply(actor))
        except comments.CommentError as exc:
            self._say(str(exc))
            return False
        except Exception as exc:  # change_comments put the draft back as the file holds it
            self._say(f"The change could not be saved, so nothing changed: {exc}")
            return False
        if clear:
            self.text.clear()
        self._say(done)
        self.refresh()
        return True

    def _say(self, text: str) -> None:
        self.message.setText(text)
