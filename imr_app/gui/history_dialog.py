"""Review → History: the revisions kept at each submission and sign-off, and what changed.

The diff is HTML built from ``RevisionDiff`` (every text escaped): changed answers word by
word, inserted words green and underlined, deleted words red and struck through; list
entries added, removed and changed with their date and summary; other fields before and
after. Long lists show their first rows with a link to the rest, so a chronology of
10,000 entries with a few changes renders a few rows.

An earlier text (an answer, the analysis, the equality statement) can be copied to the
clipboard or restored into the draft while it can be edited. A restore is one step in the
field's undo history (Ctrl+Z brings back what it replaced, until the draft is closed), and is
saved at once like any edit.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.errors import ImrError
from imr_app.core.model import SectionId
from imr_app.core.revision_diff import (
    ANSWER_KEY,
    EntryChange,
    FieldChange,
    RevisionDiff,
    Segment,
    SegmentKind,
    TextDiff,
    elide,
    word_diff,
)
from imr_app.core.revisions import RevisionInfo
from imr_app.core.text import capitalised
from imr_app.core.workflow import STATE_LABELS, can_edit
from imr_app.gui.pages.equality import STATEMENT
from imr_app.gui.widgets.rich_text import RichTextEdit
from imr_app.gui.widgets.screen_fit import resize_within_screen
from imr_app.services.checks import Location
from imr_app.services.history import (
    DraftHistory,
    can_restore,
    current_text,
    prose_name,
    restorable,
    restore_text,
    revision_label,
    who,
)

if TYPE_CHECKING:
    from imr_app.gui.editor import DraftEditor

TITLE = "IMR Author"
LIST_ROWS = 50  # rows of each added / removed / changed list shown before "Show all"
_EQUAL_OVER, _EQUAL_KEEP = 600, 220  # unchanged prose longer than this shows its ends
_VALUE_CHARS = 300  # a changed field's old and new values are cut to this
_STYLE = """
h2 { font-size: 12pt; margin-bottom: 2px; }
h3 { font-size: 11pt; margin-top: 14px; margin-bottom: 2px; }
.meta { color: #555555; }
.ins { background-color: #d7f5dd; color: #0b5a1e; text-decoration: underline; }
.del { background-color: #fbe1e1; color: #9c1c1c; text-decoration: line-through; }
.prose { margin-left: 8px; }
.empty { color: #555555; font-size: 11pt; }
td { padding: 2px 8px 2px 0px; vertical-align: top; }
th { text-align: left; padding: 2px 8px 2px 0px; color: #555555; }
"""
_NO_REVISIONS = (
    "<p class='empty'><b>No revisions yet.</b></p>"
    "<p class='empty'>A revision — a snapshot of the whole IMR — is kept each time it is "
    "submitted for review, resubmitted and signed off. Once the IMR has been submitted "
    "(Review → Submit for review…), its history starts here and you can see what changed "
    "between any two revisions, or since the last one.</p>"
)
# A single line break that is not a blank line and does not start a list item.
_SOFT_BREAK = re.compile(r"(?<!\n)\n(?!\n|[ \t]*(?:[-*+]|\d+[.)])[ \t])")
Point = RevisionInfo | None  # None: the current draft
# Where the prose outside the answers is edited (``PROSE_LABELS`` keys): page and field.
_PROSE_FIELDS = {
    "analysis": Location(SectionId.ANALYSIS, "", "analysis"),
    "equality.statement": Location(SectionId.EQUALITY, "", STATEMENT),
}


# ---- the diff as HTML (no widgets, so it is quick to test) ---------------------------------
def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _prose(text: str) -> str:
    """Markdown's line breaks inside a paragraph are spaces; blank lines and list items break."""
    return _e(_SOFT_BREAK.sub(" ", text)).replace("\n", "<br>")


def segments_html(segments: list[Segment], over: int = _EQUAL_OVER, keep: int = _EQUAL_KEEP) -> str:
    """Inserted words green and underlined, deleted words red and struck through."""
    out: list[str] = []
    last = len(segments) - 1
    for i, seg in enumerate(segments):
        if seg.kind is not SegmentKind.EQUAL and seg.text.isspace():
            # Spacing alone: a paragraph split or joined shows as ¶, a line end not at all.
            mark = "ins" if seg.kind is SegmentKind.INSERTED else "del"
            out.append(f"<span class='{mark}'>¶</span>" if "\n\n" in seg.text else " ")
            continue
        if seg.kind is SegmentKind.INSERTED:
            if i and segments[i - 1].kind is SegmentKind.DELETED:
                out.append(" ")  # "old new", not "oldnew", where words were replaced
            out.append(f"<span class='ins'>{_prose(seg.text)}</span>")
        elif seg.kind is SegmentKind.DELETED:
            out.append(f"<span class='del'>{_prose(seg.text)}</span>")
        else:
            out.append(_prose(elide(seg.text, i == 0, i == last, over, keep)))
    return "".join(out)


def _field_name(name: str) -> str:
    """ "review.period_start" → "Review › period start"; "answer ii status" stays readable."""
    parts = [p.replace("_", " ") for p in name.split(".")]
    return " › ".join([capitalised(parts[0]), *parts[1:]])


def _cut(value: str) -> str:
    return value if len(value) <= _VALUE_CHARS else value[: _VALUE_CHARS - 1].rstrip() + "…"


def _change_html(change: FieldChange) -> str:
    """A changed value, word by word when both sides have words, else before → after."""
    old, new = _cut(change.old), _cut(change.new)
    if old and new:
        return segments_html(word_diff(change.field, old, new).segments, over=120, keep=40)
    shown_old = f"<span class='del'>{_e(old)}</span>" if old else "<i>(empty)</i>"
    shown_new = f"<span class='ins'>{_e(new)}</span>" if new else "<i>(empty)</i>"
    return f"{shown_old} → {shown_new}"


class DiffPage:
    """The HTML of one comparison; ``expanded`` lists ("Chronology:added" …) show every row."""

    def __init__(
        self, result: RevisionDiff, old: Point, new: Point, restorable: bool = False
    ) -> None:
        self.result = result
        self.old, self.new = old, new
        self.restorable = restorable  # whether the draft can take a text back now
        self.expanded: set[str] = set()

    def html(self) -> str:
        r = self.result
        out = [f"<style>{_STYLE}</style>", self._heading()]
        if r.is_empty:
            out.append("<p class='empty'>No changes to the content between these two.</p>")
            return "".join(out)
        out.append(f"<p><b>{_e(self._summary())}</b></p>")
        for text in r.texts:
            out.append(self._text_html(text))
        if r.fields:
            out.append("<h3>Other changes</h3><table>")
            out += [
                f"<tr><td>{_e(_field_name(c.field))}</td><td>{_change_html(c)}</td></tr>"
                for c in r.fields
            ]
            out.append("</table>")
        for part in _parts(r):
            out.append(self._part_html(part))
        return "".join(out)

    def _heading(self) -> str:
        def detail(point: Point) -> str:
            if point is None:
                return "the draft as it stands now"
            when = f"{point.created_at:%d/%m/%Y %H:%M}"
            return f"{when}, {who(point)}, {STATE_LABELS[point.state].lower()}"

        old, new = revision_label(self.old), revision_label(self.new)
        return (
            f"<h2>Changes from {_e(old.lower())} to {_e(new.lower())}</h2>"
            f"<p class='meta'>{_e(old)}: {_e(detail(self.old))}<br>"
            f"{_e(new)}: {_e(detail(self.new))}</p>"
        )

    def _summary(self) -> str:
        r = self.result
        bits = []
        if r.texts:
            bits.append(_count(len(r.texts), "text", "texts") + " changed")
        for part in _parts(r):
            counts = [
                f"{sum(e.part == part for e in entries):,} {kind}"
                for kind, entries in (
                    ("added", r.added),
                    ("removed", r.removed),
                    ("changed", r.changed),
                )
                if any(e.part == part for e in entries)
            ]
            bits.append(f"{part}: {', '.join(counts)}")
        if r.fields:
            bits.append(_count(len(r.fields), "other change", "other changes"))
        return " · ".join(bits)

    def _text_html(self, text: TextDiff) -> str:
        links = ""
        if self.old is not None and text.key:
            label = revision_label(self.old).lower()
            links = f" &nbsp;<a href='copy:{_e(text.key)}'>Copy from {label}</a>"
            if restorable(text.key) and self.restorable:
                links += f" · <a href='restore:{_e(text.key)}'>Restore from {label}…</a>"
        return (
            f"<h3>{_e(text.label)}<span style='font-weight:normal; font-size:9pt'>{links}"
            f"</span></h3><p class='prose'>{segments_html(text.segments)}</p>"
        )

    def _part_html(self, part: str) -> str:
        r = self.result
        out = [f"<h3>{_e(part)}</h3>"]
        for kind, entries in (("added", r.added), ("removed", r.removed), ("changed", r.changed)):
            rows = [e for e in entries if e.part == part]
            if not rows:
                continue
            key = f"{part}:{kind}"
            shown = rows if key in self.expanded else rows[:LIST_ROWS]
            out.append(f"<p><b>{_count(len(rows), 'entry', 'entries')} {kind}</b></p><table>")
            out += [_entry_row(kind, e) for e in shown]
            out.append("</table>")
            if len(shown) < len(rows):
                more = len(rows) - len(shown)
                out.append(f"<p><a href='more:{_e(key)}'>Show the other {more:,} {kind}</a></p>")
        return "".join(out)


def _parts(result: RevisionDiff) -> list[str]:
    """List headings with changes, in the order the diff found them (chronology first)."""
    seen: dict[str, None] = {}
    for entry in (*result.added, *result.removed, *result.changed):
        seen.setdefault(entry.part)
    order = {"Chronology": 0}
    return sorted(seen, key=lambda p: order.get(p, 1))


def _entry_row(kind: str, entry: EntryChange) -> str:
    mark = {"added": "ins", "removed": "del"}.get(kind)
    label = f"<span class='{mark}'>{_e(entry.label)}</span>" if mark else _e(entry.label)
    detail = _e(entry.summary)
    if entry.changes:
        detail += "".join(
            f"<br><span class='meta'>{_e(_field_name(c.field))}:</span> {_change_html(c)}"
            for c in entry.changes
        )
    return f"<tr><td style='white-space:nowrap'>{label}</td><td>{detail}</td></tr>"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


# ---- the window ------------------------------------------------------------------------
class HistoryDialog(QDialog):
    """Non-modal: the author can keep it beside the draft. It closes with the draft."""

    def __init__(self, editor: DraftEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.session = editor.session
        self.history = DraftHistory(self.session)
        self.page: DiffPage | None = None
        self._revisions: list[RevisionInfo] = []
        self.last_error = ""
        self.setWindowTitle(f"History — {TITLE}")
        resize_within_screen(self, 1200, 700)
        editor.destroyed.connect(self.close)  # closing or locking the draft closes its history

        intro = QLabel(
            "A revision is kept at each submission and sign-off. Choose one and press Enter "
            "to see what it changed, or compare any two below."
        )
        intro.setWordWrap(True)
        self.revision_list = QTreeWidget()
        self.revision_list.setAccessibleName("Revisions")
        self.revision_list.setHeaderLabels(["No.", "When", "Who", "State", "Why"])
        self.revision_list.setRootIsDecorated(False)
        self.revision_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.revision_list.header()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.revision_list.itemActivated.connect(self._compare_with_previous)

        self.from_combo = QComboBox()
        self.from_combo.setAccessibleName("Compare from")
        self.to_combo = QComboBox()
        self.to_combo.setAccessibleName("Compare to")
        for combo in (self.from_combo, self.to_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.activated.connect(self._show_chosen)
        pickers = QHBoxLayout()
        from_label = QLabel("&From")
        from_label.setBuddy(self.from_combo)
        to_label = QLabel("&to")
        to_label.setBuddy(self.to_combo)
        pickers.addWidget(from_label)
        pickers.addWidget(self.from_combo)
        pickers.addWidget(to_label)
        pickers.addWidget(self.to_combo)
        pickers.addStretch(1)

        self.browser = QTextBrowser()
        self.browser.setAccessibleName("What changed")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)

        self.text_combo = QComboBox()
        self.text_combo.setAccessibleName("Changed text")
        self.text_combo.setMinimumContentsLength(18)
        self.text_combo.currentIndexChanged.connect(self._update_buttons)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setAccessibleName("Copy the text from the earlier revision")
        self.copy_button.clicked.connect(lambda: self.copy_text(self._chosen_key()))
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setAccessibleName("Restore the text from the earlier revision")
        self.restore_button.clicked.connect(lambda: self.restore(self._chosen_key()))
        refresh = QPushButton("Re&fresh")
        refresh.setAccessibleName("Compare again with the draft as it stands")
        refresh.clicked.connect(self.reload)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)
        self.feedback = QLabel()
        self.feedback.setAccessibleName("History status")
        self.feedback.setWordWrap(True)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        actions = QHBoxLayout()
        self.text_label = QLabel("Te&xt")
        self.text_label.setBuddy(self.text_combo)
        actions.addWidget(self.text_label)
        actions.addWidget(self.text_combo)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.restore_button)
        actions.addWidget(self.feedback, 1)
        actions.addWidget(refresh)
        actions.addWidget(close)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(pickers)
        lower_layout.addWidget(self.browser, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.revision_list)
        splitter.addWidget(lower)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([110, 590])
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        self.reload()

    # ---- loading -----------------------------------------------------------------------
    def reload(self) -> None:
        """Read the revisions again and compare the chosen pair (the draft may have moved)."""
        old, new = self._chosen() if self._revisions else (None, None)
        self.editor.save_now()  # the current draft is what is on screen, flushed
        self.history.refresh()
        self._revisions = self.history.revisions()
        self.revision_list.clear()
        for r in self._revisions:
            item = QTreeWidgetItem(
                [
                    str(r.number),
                    f"{r.created_at:%d/%m/%Y %H:%M}",
                    who(r),
                    STATE_LABELS[r.state],
                    r.reason,
                ]
            )
            item.setToolTip(4, r.reason)
            self.revision_list.addTopLevelItem(item)
        for combo in (self.from_combo, self.to_combo):
            with QSignalBlocker(combo):
                combo.clear()
                for r in self._revisions:
                    combo.addItem(
                        f"{revision_label(r)} — {r.created_at:%d/%m/%Y %H:%M}, {r.actor}", r.id
                    )
                combo.addItem(revision_label(None), "")
        has = bool(self._revisions)
        for widget in (self.from_combo, self.to_combo, self.revision_list):
            widget.setEnabled(has)
        if not has:
            self.page = None
            self.browser.setHtml(f"<style>{_STYLE}</style>{_NO_REVISIONS}")
            self._fill_texts()
            return
        if old is None and new is None:
            pair = self.history.default_pair()
            assert pair is not None
            old, new = pair
        self._compare(old, new)

    def focus_start(self) -> None:
        """The list of revisions, or the explanation when there are none yet."""
        start = self.revision_list if self._revisions else self.browser
        start.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _chosen(self) -> tuple[Point, Point]:
        return self._point(self.from_combo.currentData()), self._point(self.to_combo.currentData())

    def _point(self, revision_id: str | None) -> Point:
        return next((r for r in self._revisions if r.id == revision_id), None)

    def _select(self, combo: QComboBox, point: Point) -> None:
        with QSignalBlocker(combo):
            combo.setCurrentIndex(combo.findData(point.id if point is not None else ""))

    # ---- comparing ---------------------------------------------------------------------
    def compare(self, old: Point, new: Point) -> None:
        """Show what changed from ``old`` to ``new`` (``None`` is the draft as it is now)."""
        self.editor.save_now()
        self.history.refresh()
        self._compare(old, new)

    def _compare(self, old: Point, new: Point) -> None:
        self._select(self.from_combo, old)
        self._select(self.to_combo, new)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = self.history.compare(old, new)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.page = DiffPage(result, old, new, can_edit(self.session.draft))
        self._render()
        self._fill_texts()

    def _show_chosen(self) -> None:
        self.compare(*self._chosen())

    def _compare_with_previous(self, item: QTreeWidgetItem) -> None:
        """Revision N against N−1; the first revision against the draft as it stands."""
        index = self.revision_list.indexOfTopLevelItem(item)
        if index > 0:
            self.compare(self._revisions[index - 1], self._revisions[index])
        else:
            self.compare(self._revisions[0], None)

    def _render(self) -> None:
        if self.page is None:
            return
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(self.page.html())
        self.browser.verticalScrollBar().setValue(scroll)

    def _on_link(self, url: QUrl) -> None:
        action, _, key = url.toString().partition(":")
        if action == "copy":
            self.copy_text(key)
        elif action == "restore":
            self.restore(key)
        elif action == "more" and self.page is not None:
            self.page.expanded.add(key)
            self._render()

    # ---- copying back ------------------------------------------------------------------
    def _fill_texts(self) -> None:
        """The changed texts that can be copied from the earlier side of the comparison."""
        with QSignalBlocker(self.text_combo):
            self.text_combo.clear()
            if self.page is not None and self.page.old is not None:
                for text in self.page.result.texts:
                    if text.key:
                        self.text_combo.addItem(text.label, text.key)
        self._update_buttons()

    def _chosen_key(self) -> str:
        return str(self.text_combo.currentData() or "")

    def _update_buttons(self) -> None:
        key = self._chosen_key()
        source = self.page.old if self.page is not None else None
        label = revision_label(source).lower()
        self.copy_button.setText(f"&Copy from {label}" if key else "&Copy")
        self.restore_button.setText(f"&Restore from {label}…" if key else "&Restore…")
        self.copy_button.setEnabled(bool(key))
        self.restore_button.setEnabled(bool(key) and can_restore(self.session, key))
        self.text_combo.setEnabled(bool(key))
        self.text_label.setEnabled(bool(key))

    def _source_text(self, key: str) -> tuple[RevisionInfo, str] | None:
        source = self.page.old if self.page is not None else None
        if source is None or not key:
            return None
        return source, self.history.text(source, key)

    def copy_text(self, key: str) -> None:
        """Put the text as the earlier revision had it on the clipboard."""
        found = self._source_text(key)
        if found is None:
            return
        source, text = found
        QGuiApplication.clipboard().setText(text)
        texts = self.page.result.texts if self.page is not None else []
        label = next((t.label for t in texts if t.key == key), key)
        self._say(f"{label} as in {revision_label(source).lower()} is on the clipboard.")

    def restore(self, key: str) -> bool:
        """Replace a text in the draft with its text from the earlier revision, if confirmed."""
        found = self._source_text(key)
        location = _location_of(key)
        if found is None or location is None:
            return False
        source, text = found
        name = prose_name(key)
        label = revision_label(source).lower()
        if not can_restore(self.session, key):
            return self._refuse(
                "The IMR cannot be changed while it is submitted or signed off, so nothing "
                "was restored."
            )
        if not self.editor.save_now():
            return self._refuse(
                f"Your latest changes could not be saved ({self.editor.last_save_error}), so "
                "nothing was restored."
            )
        try:
            current = current_text(self.session, key)
        except ImrError as exc:
            return self._refuse(str(exc))
        if current.strip() == text.strip():  # the editor ends text with a line break
            self._say(f"{capitalised(name)} is already as in {label}.")
            return False
        if not self._confirm(name, source, current):
            return False
        self.editor.go_to(location)
        try:
            restore_text(self.session, key, text)
        except ImrError as exc:
            return self._refuse(str(exc))
        field = self.editor.current_page().field_widget(location.field)
        if isinstance(field, RichTextEdit):  # shown, and one Ctrl+Z away from the old text
            field.replace_all(text)
        self.editor.save_now()
        self.reload()
        self._say(
            f"{capitalised(name)} was restored from {label}. "
            f"Ctrl+Z in {name} brings back the text it replaced."
        )
        return True

    def _confirm(self, name: str, source: RevisionInfo, current: str) -> bool:
        words = len(current.split())
        excerpt = " ".join(current.split()[:60]) + (" …" if words > 60 else "")
        shown = f"It now reads ({words:,} words):\n\n“{excerpt}”" if words else "It is now empty."
        answer = QMessageBox.question(
            self,
            TITLE,
            f"Replace {name} with its text from "
            f"{revision_label(source).lower()} ({source.created_at:%d/%m/%Y %H:%M})?\n\n{shown}\n\n"
            f"That text will be replaced. Ctrl+Z in {name} brings it back until you close "
            "the draft; after that it is kept only if a later revision holds it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _refuse(self, text: str) -> bool:
        self.last_error = text
        QMessageBox.warning(self, TITLE, text)
        return False

    def _say(self, text: str) -> None:
        self.last_error = ""
        self.feedback.setText(text)


def _location_of(key: str) -> Location | None:
    """The page and field where the text at ``key`` is edited; None for text that is not."""
    if key.startswith(ANSWER_KEY):
        return Location(SectionId.TERMS_OF_REFERENCE, key.removeprefix(ANSWER_KEY), "answer")
    return _PROSE_FIELDS.get(key)
