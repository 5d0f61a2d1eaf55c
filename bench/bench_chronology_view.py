"""Chronology table figures: sorting and filtering 10,000 entries, and the section's first paint.

The entries are the storage figures' large draft (``build_draft``: 10,000 entries of every date
precision, realistic notes). Sorting and filtering are timed through the proxy the table shows,
with the table on screen reacting, since that is what the author waits for; their baselines are
the least Python can do with the same entries: ``sorted()`` by ``sort_key``, and a list
comprehension matching a word in each entry's text. First paint is the whole page (toolbar,
filters, table, detail pane) built, shown and painted, against a bare ``QTableView`` over a
model of 10,000 strings.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from bench import harness
from bench.bench_storage import build_draft
from imr_app.core.chronology_dates import sort_key
from imr_app.core.model import ImrDraft

ROWS = 10_000
PAGE_SIZE = (1000, 700)  # the page's share of a 1366 x 768 window beside the navigator
WORDS = ("idva", "bruising", "housing officer", "dash")  # one per repeat, so each re-filters


@cache
def _draft() -> ImrDraft:
    return build_draft(ROWS)


def _app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


class _Session:
    """What the page reads of a session; the draft is already in memory."""

    def __init__(self, draft: ImrDraft) -> None:
        self.draft = draft

    def wait_for_chronology(self) -> None:
        """Loaded."""


class _Table:
    """The chronology model, proxy and a table showing them, built once."""

    def setup(self) -> None:
        from PySide6.QtWidgets import QHeaderView, QTableView

        from imr_app.gui.chronology_model import ChronologyModel, ChronologyProxy

        self.app = _app()
        self.entries = _draft().chronology
        self.model = ChronologyModel(_draft())
        self.proxy = ChronologyProxy(self.model)
        self.view = QTableView()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().hide()
        self.view.setModel(self.proxy)
        self.view.resize(*PAGE_SIZE)
        self.view.show()
        self.app.processEvents()
        self.count = 0

    def sort(self) -> None:
        from PySide6.QtCore import Qt

        from imr_app.gui.chronology_model import DATE

        self.count += 1
        order = Qt.SortOrder.DescendingOrder if self.count % 2 else Qt.SortOrder.AscendingOrder
        self.proxy.sort(DATE, order)
        self.app.processEvents()

    def sort_baseline(self) -> None:
        sorted(self.entries, key=sort_key, reverse=bool(self.count % 2))

    def filter(self) -> None:
        from imr_app.gui.chronology_model import ChronologyFilter

        self.count += 1
        self.proxy.set_filter(ChronologyFilter(text=WORDS[self.count % len(WORDS)]))
        self.app.processEvents()

    def filter_baseline(self) -> list[Any]:
        word = WORDS[self.count % len(WORDS)]
        return [
            e
            for e in self.entries
            if word in f"{e.source}\n{e.event}\n{e.action}\n{e.outcome}".casefold()
        ]

    def teardown(self) -> None:
        self.view.close()
        self.view.deleteLater()


class _FirstPaint:
    """The chronology page built and painted, against a bare table of 10,000 strings."""

    def setup(self) -> None:
        from PySide6.QtCore import QStringListModel

        self.app = _app()
        self.session = _Session(_draft())
        self.strings = QStringListModel([f"Entry {i}" for i in range(ROWS)])
        self.shown: list[Any] = []

    def _paint(self, widget: Any, viewport: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        painted: list[bool] = []

        class Watch(QObject):
            def eventFilter(self, obj: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    painted.append(True)
                return False

        watch = Watch()
        viewport.installEventFilter(watch)
        widget.resize(*PAGE_SIZE)
        widget.show()
        while not painted:  # until the table's rows are on screen
            self.app.processEvents()
        viewport.removeEventFilter(watch)
        widget.hide()
        self.shown.append(widget)

    def page(self) -> None:
        from imr_app.gui.pages.chronology import ChronologyPage

        page = ChronologyPage(self.session, lambda _part: None)  # type: ignore[arg-type]
        self._paint(page, page.view.viewport())

    def baseline(self) -> None:
        from PySide6.QtWidgets import QTableView

        view = QTableView()
        view.setModel(self.strings)
        self._paint(view, view.viewport())

    def teardown(self) -> None:
        for widget in self.shown:
            widget.close()
            widget.deleteLater()
        self.shown.clear()
        self.app.processEvents()


def figures() -> list[harness.Figure]:
    table = _Table()
    paint = _FirstPaint()
    return [
        harness.Figure(
            name="sort 10,000 rows in the model (by date) vs sorted()",
            measured=table.sort,
            baseline=table.sort_baseline,
            target=10,
            ceiling_ms=100,
            repeats=20,
            setup=table.setup,
            teardown=table.teardown,
        ),
        harness.Figure(
            name="filter 10,000 rows by text vs a list comprehension",
            measured=table.filter,
            baseline=table.filter_baseline,
            target=10,
            ceiling_ms=100,
            repeats=20,
            setup=table.setup,
            teardown=table.teardown,
        ),
        harness.Figure(
            name="first paint of the chronology section with 10,000 entries vs bare table",
            measured=paint.page,
            baseline=paint.baseline,
            target=10,
            ceiling_ms=300,
            repeats=10,
            quick_repeats=3,
            setup=paint.setup,
            teardown=paint.teardown,
        ),
    ]
