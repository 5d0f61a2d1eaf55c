"""Recommendations and the single-agency action plan, as the panel's template lays it out.

The action plan is one row per action: Recommendation | Scope | Action to take | Lead |
Key milestones | Target date | Date completed and outcome. Here the recommendations are
listed on top and the selected one's actions below, so a recommendation's text is typed
once however many actions it has.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QTableView

from imr_app.core.citations import parse_cites, show_cites
from imr_app.core.comments import AnchorKind
from imr_app.core.model import (
    ActionPlanRow,
    CommentAnchor,
    Recommendation,
    RecommendationScope,
    SectionId,
)
from imr_app.gui.pages.base import keep_enabled
from imr_app.gui.pages.row_editing import (
    Column,
    Editor,
    RowsPage,
    RowTable,
    date_column,
    snippet,
)
from imr_app.services.checks import Location

SCOPES = (
    ("Local", RecommendationScope.LOCAL),
    ("Regional", RecommendationScope.REGIONAL),
    ("National", RecommendationScope.NATIONAL),
)

ACTION_COLUMNS = (
    Column("Action to take", "action", Editor.PROSE),
    Column("Lead (role)", "lead", placeholder="Required: a role", width=170),
    Column("Key milestones", "milestones", Editor.PROSE),
    date_column("Target date", "target_date"),
    date_column("Date completed", "completed_on"),
    Column("Outcome", "outcome", Editor.PROSE),
)


class RecommendationsPage(RowsPage):
    section = SectionId.RECOMMENDATIONS
    intro = (
        "Your agency's recommendations and the action plan that carries them out. Select a "
        "recommendation to see its actions below: what will be done, who leads it (by role, "
        "not name), the key milestones, the target date and, once done, the date completed "
        "and the outcome."
    )

    def build_tables(self) -> None:
        rec_columns = (
            Column("Recommendation", "text", Editor.PROSE),
            Column("Scope", "scope", Editor.CHOICE, choices=SCOPES, width=120),
            Column(
                "Draws on",
                "cites",
                parse=lambda text: parse_cites(self.draft, text),
                show=lambda cites: show_cites(self.draft, cites),
                placeholder="e.g. ii, vi, Lesson 1",
                width=170,
            ),
        )
        self.recs: RowTable[Recommendation] = self.add_table(
            "recommendations",
            "recommendations",
            RowTable(
                "recommendation",
                "Recommendations",
                rec_columns,
                lambda: self.draft.recommendations,
                lambda: Recommendation(""),
                self.history,
            ),
        )
        self.actions: RowTable[ActionPlanRow] = self.add_table(
            "actions",
            "recommendations",
            RowTable(
                "action",
                "Action plan",
                ACTION_COLUMNS,
                self._current_actions,
                ActionPlanRow,
                self.history,
            ),
        )
        self.actions.reveal_rows = self._reveal_actions
        self.register_field("add_action", self.actions.add_button)
        self.recs.view.selectionModel().currentRowChanged.connect(self._show_actions)
        self.recs.changed.connect(self._show_actions)  # renumbered, retitled or deleted
        self._build_commenting()
        self._select_first()

    def _build_commenting(self) -> None:
        """A button and a right-click menu to comment on one recommendation, even read only."""
        self.comment_button = QPushButton("Comment on recommendation…")
        self.comment_button.setAccessibleName("Comment on the selected recommendation")
        self.comment_button.setToolTip(
            "Open the Comments panel to comment on the selected recommendation and its actions"
        )
        self.comment_button.clicked.connect(self._comment_on_current)
        self.recs.add_button_after_stretch(keep_enabled(self.comment_button))
        for table in (self.recs, self.actions):  # an action's menu comments on its recommendation
            table.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            table.view.customContextMenuRequested.connect(
                lambda pos, view=table.view: self._context_menu(view, pos)
            )

    def comment_anchor(self) -> CommentAnchor:
        """The selected recommendation (whose actions are shown), else the section."""
        return self._recommendation_anchor() or self.section_anchor()

    def _recommendation_anchor(self) -> CommentAnchor | None:
        rec = self.recs.current_item()
        return CommentAnchor(AnchorKind.RECOMMENDATION.value, rec.id) if rec else None

    def _comment_on_current(self) -> None:
        self.comment_requested.emit(self.comment_anchor())

    def _context_menu(self, view: QTableView, pos: QPoint) -> None:
        if view is self.recs.view and view.indexAt(pos).isValid():
            self.recs.select(view.indexAt(pos).row())  # the row under the pointer
        anchor = self._recommendation_anchor()
        item = ("Comment on this recommendation…", anchor) if anchor else None
        self.show_comment_menu(view.viewport(), pos, item)

    def refresh(self) -> None:
        super().refresh()
        self._select_first()

    def focus_location(self, location: Location) -> None:
        """Show the recommendation a problem is about, then the action row and cell it names."""
        recs = self.draft.recommendations
        owner = next((r for r in recs if any(a.id == location.ref for a in r.actions)), None)
        if owner is not None:
            self.recs.select_cell(owner.id, "text")
        elif location.field == "action" and self.recs.select_cell(location.ref, "text"):
            actions = self._current_actions()
            location = (
                Location(self.section, actions[0].id, "action")
                if actions
                else Location(self.section, field="add_action")
            )
        super().focus_location(location)

    def _current_actions(self) -> list[ActionPlanRow]:
        rec = self.recs.current_item()
        return rec.actions if rec is not None else []

    def _select_first(self) -> None:
        if self.recs.model.rowCount():
            self.recs.select(0)
        self._show_actions()

    def _show_actions(self, *_: object) -> None:
        rec = self.recs.current_item()
        if rec is None:
            self.actions.model.set_rows([])
            self.actions.set_title("Action plan: add a recommendation first, then its actions")
        else:
            if self.actions.model.rows is not rec.actions:
                self.actions.model.set_rows(rec.actions)
            number = self.recs.view.currentIndex().row() + 1
            about = snippet(rec.text, 70)
            self.actions.set_title(
                f"Action plan for recommendation {number}" + (f": {about}" if about else "")
            )
        self.actions.setEnabled(rec is not None)
        self.comment_button.setEnabled(rec is not None)

    def _reveal_actions(self, rows: list[ActionPlanRow]) -> None:
        """Select the recommendation whose actions ``rows`` are (to undo an action's delete)."""
        for rec in self.draft.recommendations:
            if rec.actions is rows:
                self.recs.select_cell(rec.id, "text")
