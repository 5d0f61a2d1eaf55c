"""What every section page shares: binding fields to the draft, flushing, jumping to a field.

A page edits ``session.draft`` and reports each edit with ``changed(part)``, so the
editor can mark the part dirty and restart the autosave timer. Cheap fields write
to the draft at once; long prose fields write only on ``flush()`` (just before a
save), so typing into a 50 KB answer never converts it to Markdown per keystroke.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.comments import AnchorKind
from imr_app.core.model import CommentAnchor, SectionId, SectionState, SectionStatus
from imr_app.core.sections import STATUS_LABELS, TITLES
from imr_app.gui.widgets.choice import ChoiceCombo
from imr_app.gui.widgets.date_edit import UkDateEdit
from imr_app.gui.widgets.rich_text import RichTextEdit
from imr_app.services.checks import Location

if TYPE_CHECKING:
    from imr_app.core.model import ImrDraft
    from imr_app.services.session import DraftSession

Changed = Callable[[str], None]
# A widget with this property set stays usable while the pages are read only: the lead
# comments while the IMR is submitted (see ``editor.set_inputs_read_only``).
KEEP_ENABLED = "imr_keep_enabled"


def keep_enabled(widget: QWidget) -> QWidget:
    """Mark a control that changes nothing (a "Comment on…" button, a search or a filter) to
    stay usable on read-only pages: the lead reads, finds and comments on a submitted IMR."""
    widget.setProperty(KEEP_ENABLED, True)
    return widget


class SectionPage(QWidget):
    """A page of the editor. Subclasses build their widgets and bind them to the draft."""

    section: SectionId
    # The reviewer asked to comment on this CommentAnchor; the editor passes it to the dock.
    comment_requested = Signal(object)
    # A field holds typing that cannot be kept (a date that is no date): see ``not_kept``.
    not_kept_changed = Signal()

    def __init__(self, session: DraftSession, changed: Changed, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._changed = changed
        self._fields: dict[str, QWidget] = {}
        self._flushers: dict[str, Callable[[], None]] = {}
        self._pending: set[str] = set()
        self.not_kept: dict[str, str] = {}  # field label -> why what is typed there is not kept
        self.prose_fields: list[RichTextEdit] = []
        # What the editor does to every prose field, built now or in a rebuild (the spelling).
        self.prepare_prose: Callable[[RichTextEdit], None] | None = None

    @property
    def draft(self) -> ImrDraft:
        return self.session.draft

    def changed(self, part: str) -> None:
        self._changed(part)

    def flush(self) -> None:
        """Write pending prose into the draft; the editor calls this before every save."""
        for key in sorted(self._pending):
            self._flushers[key]()
        self._pending.clear()

    def refresh(self) -> None:
        """Reload widgets from the draft (after the draft was replaced or reloaded)."""

    def register_field(self, name: str, widget: QWidget) -> None:
        self._fields[name] = widget

    def field_widget(self, name: str) -> QWidget | None:
        """The widget registered as ``name``, if the page has one."""
        return self._fields.get(name)

    def focus_location(self, location: Location) -> None:
        """Put the cursor in the field a problem points at (or the first field)."""
        widget = self._fields.get(location.field) or next(iter(self._fields.values()), None)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            _ensure_visible(widget)

    # ---- review comments -----------------------------------------------------------
    def section_anchor(self) -> CommentAnchor:
        return CommentAnchor(AnchorKind.SECTION.value, self.section.value)

    def comment_anchor(self) -> CommentAnchor:
        """What a comment made now is about: the page's selected item, else its section."""
        return self.section_anchor()

    def comment_menu(self, item: tuple[str, CommentAnchor] | None = None) -> QMenu:
        """A context menu offering a comment on ``item`` (label, anchor) or on the section."""
        menu = QMenu(self)
        for label, anchor in ([item] if item else []) + [
            ("Comment on this section…", self.section_anchor())
        ]:
            action = menu.addAction(label)
            action.triggered.connect(lambda _=False, a=anchor: self.comment_requested.emit(a))
        return menu

    def show_comment_menu(
        self, widget: QWidget, pos: QPoint, item: tuple[str, CommentAnchor] | None
    ) -> None:
        menu = self.comment_menu(item)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(widget.mapToGlobal(pos))

    # ---- binding helpers ---------------------------------------------------------
    def bind_line(
        self, name: str, target: Callable[[], Any], attr: str, part: str, label: str
    ) -> QLineEdit:
        edit = QLineEdit(getattr(target(), attr))
        edit.setAccessibleName(label)

        def on_edit(text: str) -> None:
            setattr(target(), attr, text)
            self.changed(part)

        edit.textEdited.connect(on_edit)
        self.register_field(name, edit)
        return edit

    def bind_date(
        self, name: str, target: Callable[[], Any], attr: str, part: str, label: str
    ) -> UkDateEdit:
        edit = UkDateEdit()
        edit.set_date(getattr(target(), attr))
        edit.setAccessibleName(label)

        def on_date(value: date | None) -> None:
            setattr(target(), attr, value)
            self.changed(part)

        def on_error(message: str) -> None:
            if message:
                self.not_kept[label] = message
            else:
                self.not_kept.pop(label, None)
            self.not_kept_changed.emit()

        edit.date_changed.connect(on_date)
        edit.error_changed.connect(on_error)
        self.register_field(name, edit)
        return edit

    def bind_prose(
        self, name: str, target: Callable[[], Any], attr: str, part: str, label: str
    ) -> RichTextEdit:
        edit = RichTextEdit()
        self.prose_fields.append(edit)
        if self.prepare_prose is not None:
            self.prepare_prose(edit)
        edit.set_markdown(getattr(target(), attr))
        edit.setAccessibleName(label)
        key = f"{part}.{name}"  # field names are unique on a page; attributes may repeat

        def flush() -> None:
            setattr(target(), attr, edit.markdown())

        def on_edit() -> None:
            self._pending.add(key)
            self.changed(part)

        self._flushers[key] = flush
        edit.edited.connect(on_edit)
        self.register_field(name, edit)
        return edit

    def bind_lines(
        self, name: str, target: Callable[[], Any], attr: str, part: str, label: str
    ) -> QPlainTextEdit:
        """A list of short strings (e.g. staff roles), one per line."""
        edit = QPlainTextEdit("\n".join(getattr(target(), attr)))
        edit.setAccessibleName(label)
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(110)

        def on_edit() -> None:
            lines = [line.strip() for line in edit.toPlainText().splitlines()]
            setattr(target(), attr, [line for line in lines if line])
            self.changed(part)

        edit.textChanged.connect(on_edit)
        self.register_field(name, edit)
        return edit

    def bind_choice(
        self,
        name: str,
        target: Callable[[], Any],
        attr: str,
        part: str,
        label: str,
        choices: list[tuple[str, Any]],
    ) -> ChoiceCombo:
        combo = ChoiceCombo(choices)
        combo.setAccessibleName(label)
        combo.set_value(getattr(target(), attr))

        def on_choice(index: int) -> None:
            setattr(target(), attr, combo.value_at(index))
            self.changed(part)

        combo.activated.connect(on_choice)
        self.register_field(name, combo)
        return combo


class FormPage(SectionPage):
    """A scrollable form with a heading, an introduction and the section's own status."""

    intro = ""
    has_status = True

    def __init__(self, session: DraftSession, changed: Changed, parent: QWidget | None = None):
        super().__init__(session, changed, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(24, 16, 24, 16)
        heading = QLabel(f"<h2>{TITLES[self.section]}</h2>")
        heading.setAccessibleName(TITLES[self.section])
        self.body.addWidget(heading)
        if self.intro:
            intro = QLabel(self.intro)
            intro.setWordWrap(True)
            intro.setTextFormat(Qt.TextFormat.PlainText)
            self.body.addWidget(intro)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.body.addLayout(self.form)
        self.build()
        if self.has_status:
            self.body.addWidget(SectionStatusControl(self))
        self.body.addStretch(1)

    def build(self) -> None:
        """Add the section's fields to ``self.form``."""

    def add_row(self, label: str, widget: QWidget) -> None:
        caption = QLabel(label)
        caption.setBuddy(widget)
        caption.setWordWrap(True)
        self.form.addRow(caption, widget)


class SectionStatusControl(QWidget):
    """In progress / complete / not applicable (with a reason) for one section."""

    def __init__(self, page: SectionPage) -> None:
        super().__init__(page)
        self.page = page
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 16, 0, 0)
        statuses = (SectionStatus.IN_PROGRESS, SectionStatus.COMPLETE, SectionStatus.NOT_APPLICABLE)
        self.combo = ChoiceCombo([(STATUS_LABELS[s], s) for s in statuses])
        self.combo.setAccessibleName("Section status")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Why this section does not apply")
        self.reason.setPlaceholderText("Why this section does not apply (required)")
        layout.addRow("Section status", self.combo)
        layout.addRow("Reason", self.reason)
        page.register_field("not_applicable_reason", self.reason)
        self._load()
        self.combo.activated.connect(self._on_change)
        self.reason.textEdited.connect(self._on_change)

    def _load(self) -> None:
        state = self.page.draft.section_state(self.page.section)
        status = state.status if state else SectionStatus.IN_PROGRESS
        self.combo.set_value(status)
        self.reason.setText(state.reason if state else "")
        self._show_reason()

    def _show_reason(self) -> None:
        visible = self.combo.value() is SectionStatus.NOT_APPLICABLE
        self.reason.setVisible(visible)
        label = self.layout().labelForField(self.reason)  # type: ignore[attr-defined]
        if label is not None:
            label.setVisible(visible)

    def _on_change(self, *_: object) -> None:
        status = self.combo.value()
        draft = self.page.draft
        if status is SectionStatus.IN_PROGRESS:
            draft.sections = [s for s in draft.sections if s.section is not self.page.section]
        else:
            draft.set_section_state(SectionState(self.page.section, status, self.reason.text()))
        self._show_reason()
        self.page.changed("sections")


def _ensure_visible(widget: QWidget) -> None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if isinstance(parent, QScrollArea):
        parent.ensureWidgetVisible(widget)
