"""The people register: who the review is about, by pseudonym, and their real names.

Authors draft from their agency's records, which use real names, so the register keeps
real name -> pseudonym; the export swaps one for the other and checks nothing slipped
through. The pseudonyms also fill the ``{victim}`` placeholders of the ToR questions.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from imr_app.core.model import SectionId, Subject, SubjectRole
from imr_app.gui.pages.row_editing import Column, Editor, RowsPage, RowTable
from imr_app.services.checks import Location

ROLES = (
    ("Victim", SubjectRole.VICTIM),
    ("Perpetrator", SubjectRole.PERPETRATOR),
    ("Child", SubjectRole.CHILD),
    ("Family member", SubjectRole.FAMILY),
    ("Other", SubjectRole.OTHER),
)

COLUMNS = (
    Column("Pseudonym", "pseudonym", placeholder="Required", width=200),
    Column("Role", "role", Editor.CHOICE, choices=ROLES, width=150),
    Column("Real name", "real_name", placeholder="Optional", width=200),
    Column("Notes", "notes", Editor.PROSE),
)


class SubjectsPage(RowsPage):
    section = SectionId.SUBJECTS
    intro = (
        "Everyone this review is about: the victim, the alleged perpetrator, children and "
        "family. Use the pseudonyms the panel has agreed (for example “Connie Smith”, "
        "“Child B”); professionals appear by role, not here."
    )

    def build_tables(self) -> None:
        privacy = QLabel(
            "Real names stay only in this encrypted draft. On export they are replaced by the "
            "pseudonyms, and the text is checked for any that are left."
        )
        privacy.setWordWrap(True)
        privacy.setAccessibleName("About real names")
        self.body.addWidget(privacy)
        self.no_victim = QLabel(
            "No subject is recorded as the victim: set one subject's role to Victim."
        )
        self.no_victim.setAccessibleName("Warning")
        self.no_victim.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.body.addWidget(self.no_victim)
        self.table = self.add_table(
            "subjects",
            "subjects",
            RowTable(
                "subject",
                "Subjects",
                COLUMNS,
                lambda: self.draft.subjects,
                lambda: Subject(""),
                self.history,
            ),
        )
        self.table.changed.connect(self._warn)
        self._warn()

    def refresh(self) -> None:
        super().refresh()
        self._warn()

    def focus_location(self, location: Location) -> None:
        """ "No victim" points at no one: open the first subject's role."""
        if not location.ref and not location.field and self.draft.subjects:
            location = Location(self.section, self.draft.subjects[0].id, "role")
        super().focus_location(location)

    def _warn(self) -> None:
        self.no_victim.setVisible(self.draft.victim() is None)
