"""Spell checking in prose fields: red wavy underlines and a suggestions menu.

The checker (``imr_app.services.spelling``) takes about half a second to load, so
``SpellingService`` loads it on a background thread and announces it with
``ready``; fields set up before then are checked as soon as it arrives. There is
one service per ``AppContext`` (built in ``main()``, passed down), never a module
global, so each test builds its own.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, QSignalBlocker, Qt, Signal, SignalInstance
from PySide6.QtGui import (
    QAction,
    QColor,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QMenu, QMessageBox, QTextEdit

from imr_app.services.spelling import DictionaryError, SpellChecker, tokens

log = logging.getLogger(__name__)

SPELLING_RED = QColor(220, 30, 30)
ADD_TO_DICTIONARY = "Add to dictionary"
IGNORE = "Ignore"
NO_SUGGESTIONS = "No suggestions"

CheckerLoader = Callable[[Path | None, Path | None], SpellChecker]


class SpellingService(QObject):
    """Loads the checker off the GUI thread and tells every field when words change.

    ``ready(checker)`` fires once, on the GUI thread. ``failed(message)`` fires
    instead when the dictionary cannot be loaded: the app keeps working, without
    underlines. ``words_changed`` fires after "Add to dictionary" or "Ignore" so
    every field re-checks, not only the one that was right-clicked.
    """

    ready = Signal(object)
    failed = Signal(str)
    words_changed = Signal()
    _loaded = Signal(object)
    _load_failed = Signal(str)

    def __init__(
        self,
        config_dir: Path | None,
        dictionary_dir: Path | None = None,
        parent: QObject | None = None,
        loader: CheckerLoader = SpellChecker.load,
    ) -> None:
        super().__init__(parent)
        self._config_dir = config_dir
        self._dictionary_dir = dictionary_dir
        self._loader = loader
        self._checker: SpellChecker | None = None
        self._error: str | None = None
        self._thread: threading.Thread | None = None
        # Queued: the worker thread emits, the slots run on this object's (GUI) thread.
        self._loaded.connect(self._on_loaded, Qt.ConnectionType.QueuedConnection)
        self._load_failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)

    @property
    def checker(self) -> SpellChecker | None:
        return self._checker

    @property
    def error(self) -> str | None:
        return self._error

    def start(self) -> None:
        """Begin loading, once; later calls do nothing."""
        if self._thread is not None or self._checker is not None:
            return
        self._thread = threading.Thread(target=self._load, name="spelling-load", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Join the loading thread (at shutdown and in tests); True when it has finished."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def add_to_personal(self, word: str) -> None:
        """Remember a word in the personal list; raises ``OSError`` if it cannot be saved."""
        if self._checker is None:
            return
        try:
            self._checker.add_to_personal(word)
        finally:  # known for this session even when the file could not be written
            self.words_changed.emit()

    def ignore(self, word: str) -> None:
        if self._checker is not None:
            self._checker.ignore(word)
            self.words_changed.emit()

    def _load(self) -> None:
        try:
            checker = self._loader(self._config_dir, self._dictionary_dir)
        except (DictionaryError, OSError, UnicodeError, ValueError) as error:
            log.warning("Spelling dictionary not loaded: %s", error)
            self._emit_safely(self._load_failed, str(error))
        else:
            self._emit_safely(self._loaded, checker)

    @staticmethod
    def _emit_safely(signal: SignalInstance, value: object) -> None:
        # RuntimeError: the service was deleted while loading, so there is nobody to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)

    def _on_loaded(self, checker: SpellChecker) -> None:
        self._checker = checker
        self.ready.emit(checker)

    def _on_failed(self, message: str) -> None:
        self._error = message
        self.failed.emit(message)


class SpellHighlighter(QSyntaxHighlighter):
    """Underlines misspelt words with a red wavy line, block by block as Qt asks.

    The word being typed is left alone until the author moves on, as in Word:
    a half-typed word is not yet a mistake.
    """

    def __init__(
        self,
        document: QTextDocument,
        checker: SpellChecker | None = None,
        editor: QTextEdit | None = None,
    ) -> None:
        # No parent yet: given a QTextEdit, Qt would attach to its document at once,
        # before our own contentsChange slot below could be connected first.
        super().__init__(None)
        self._checker = checker
        self._editor = editor
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self._format.setUnderlineColor(SPELLING_RED)
        self._typing_at: int | None = None  # document position just after a typed character
        self._deferred_block = -1
        # Connected before setDocument so this runs before Qt re-highlights the change.
        document.contentsChange.connect(self._on_contents_change)
        self.setDocument(document)
        if editor is not None:
            self.setParent(editor)

    @property
    def checker(self) -> SpellChecker | None:
        return self._checker

    # Underlining changes only the layout, but Qt reports it as a change to the text;
    # silence the editor meanwhile so autosave does not take it for the author's edit.
    def rehighlight(self) -> None:
        with QSignalBlocker(self._editor):
            super().rehighlight()

    def rehighlightBlock(self, block: QTextBlock) -> None:
        with QSignalBlocker(self._editor):
            super().rehighlightBlock(block)

    def set_checker(self, checker: SpellChecker | None) -> None:
        self._checker = checker
        self.rehighlight()

    def misspelt_word_at(self, block: QTextBlock, position: int) -> tuple[int, int, str] | None:
        """The misspelt word around ``position``: ``(start, end, word)``, in Qt positions."""
        if self._checker is None:
            return None
        text = block.text()
        to_qt = _utf16_converter(text)
        for start, end, word in tokens(text):
            qt_start, qt_end = to_qt(start), to_qt(end)
            if qt_start <= position <= qt_end and not self._checker.is_correct(word):
                return qt_start, qt_end, word
        return None

    def cursor_moved(self, position: int) -> None:
        """Called with the cursor's document position: leaving a typed word checks it."""
        if self._typing_at is not None and position != self._typing_at:
            self.finish_typing()

    def finish_typing(self) -> None:
        """The author has left the word they were typing: check it now."""
        self._typing_at = None
        if self._deferred_block >= 0:
            block = self.document().findBlockByNumber(self._deferred_block)
            self._deferred_block = -1
            if block.isValid():
                self.rehighlightBlock(block)

    def highlightBlock(self, text: str) -> None:
        if self._checker is None:
            return
        block = self.currentBlock()
        typing = None
        if self._typing_at is not None and block.contains(self._typing_at):
            typing = self._typing_at - block.position()
        to_qt = _utf16_converter(text)
        for start, end, _word in self._checker.misspellings(text):
            qt_start, qt_end = to_qt(start), to_qt(end)
            if typing == qt_end:
                self._deferred_block = block.blockNumber()
                continue
            self.setFormat(qt_start, qt_end - qt_start, self._format)

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        # One or two characters added is typing; a paste or a load is checked at once.
        focused = self._editor is not None and self._editor.hasFocus()
        self._typing_at = position + added if focused and 0 < added <= 2 else None


class SpellingController(QObject):
    """Ties one prose field to the checker: its highlighter and its right-click menu."""

    def __init__(self, edit: QTextEdit, source: SpellingService | SpellChecker) -> None:
        super().__init__(edit)
        self._edit = edit
        self._service = source if isinstance(source, SpellingService) else None
        checker = source if isinstance(source, SpellChecker) else source.checker
        self.highlighter = SpellHighlighter(edit.document(), checker, editor=edit)
        if self._service is not None:
            self._service.ready.connect(self.highlighter.set_checker)
            self._service.words_changed.connect(self.highlighter.rehighlight)
            self._service.start()
        edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        edit.customContextMenuRequested.connect(self._show_menu)
        edit.cursorPositionChanged.connect(self._on_cursor_moved)
        edit.installEventFilter(self)

    def context_menu(self, position: QPoint) -> QMenu:
        """Qt's own menu for the field, headed by spelling actions when over a misspelt word.

        ``position`` is in viewport coordinates, as ``customContextMenuRequested`` gives it.
        """
        edit = self._edit
        scroll = QPoint(edit.horizontalScrollBar().value(), edit.verticalScrollBar().value())
        menu = edit.createStandardContextMenu(position + scroll)  # wants document coordinates
        cursor = edit.cursorForPosition(position)
        block = cursor.block()
        found = self.highlighter.misspelt_word_at(block, cursor.positionInBlock())
        checker = self.highlighter.checker
        if found is None or checker is None:
            return menu
        start, end, word = found
        actions: list[QAction] = []
        suggestions = checker.suggestions(word)
        for suggestion in suggestions:
            action = QAction(suggestion, menu)
            action.triggered.connect(
                lambda _=False, s=suggestion: self._replace(block, start, end, s)
            )
            actions.append(action)
        if not suggestions:
            none = QAction(NO_SUGGESTIONS, menu)
            none.setEnabled(False)
            actions.append(none)
        add = QAction(ADD_TO_DICTIONARY, menu)
        add.triggered.connect(lambda: self._add_to_dictionary(word))
        ignore = QAction(IGNORE, menu)
        ignore.triggered.connect(lambda: self._ignore(word))
        actions += [_separator(menu), add, ignore]
        standard = menu.actions()
        if standard:
            menu.insertActions(standard[0], [*actions, _separator(menu)])
        else:
            menu.addActions(actions)
        return menu

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._edit and event.type() == QEvent.Type.FocusOut:
            self.highlighter.finish_typing()
        return False

    def _show_menu(self, position: QPoint) -> None:
        menu = self.context_menu(position)
        menu.exec(self._edit.viewport().mapToGlobal(position))
        menu.deleteLater()

    def _on_cursor_moved(self) -> None:
        self.highlighter.cursor_moved(self._edit.textCursor().position())

    def _replace(self, block: QTextBlock, start: int, end: int, replacement: str) -> None:
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + start)
        cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(replacement)  # one undo step, in the word's own formatting

    def _add_to_dictionary(self, word: str) -> None:
        try:
            if self._service is not None:
                self._service.add_to_personal(word)
            elif (checker := self.highlighter.checker) is not None:
                checker.add_to_personal(word)
        except OSError as error:
            QMessageBox.warning(
                self._edit,
                "Spelling",
                f"“{word}” is accepted until IMR Author closes, but your personal word "
                f"list could not be saved:\n{error}",
            )
        finally:
            if self._service is None:
                self.highlighter.rehighlight()

    def _ignore(self, word: str) -> None:
        if self._service is not None:
            self._service.ignore(word)
        elif (checker := self.highlighter.checker) is not None:
            checker.ignore(word)
            self.highlighter.rehighlight()


def install_spelling(edit: QTextEdit, checker: SpellingService | SpellChecker) -> None:
    """Check the spelling of ``edit`` as the author types, with suggestions on right-click.

    Pass the app's ``SpellingService`` (the field is checked once it has loaded) or,
    in tests and tools, a loaded ``SpellChecker``. Installing twice does nothing.
    """
    if spelling_controller(edit) is None:
        SpellingController(edit, checker)


def spelling_controller(edit: QTextEdit) -> SpellingController | None:
    """The controller ``install_spelling`` gave ``edit``, if any."""
    return edit.findChild(SpellingController, options=Qt.FindChildOption.FindDirectChildrenOnly)


def _separator(menu: QMenu) -> QAction:
    action = QAction(menu)
    action.setSeparator(True)
    return action


def _utf16_converter(text: str) -> Callable[[int], int]:
    """Python string offsets to Qt's UTF-16 positions (they differ only after an emoji)."""
    if all(ord(char) <= 0xFFFF for char in text):
        return lambda offset: offset
    positions = [0]
    for char in text:
        positions.append(positions[-1] + (2 if ord(char) > 0xFFFF else 1))
    return positions.__getitem__
