"""The simple form sections: review, author, agency context, sources, analysis and sign-off."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from imr_app.core.dates import format_uk
from imr_app.core.model import ReviewType, SectionId
from imr_app.core.workflow import STATE_LABELS, verify_sign_off
from imr_app.gui.pages.base import FormPage

REVIEW_TYPES = [
    ("Domestic Homicide Review (DHR)", ReviewType.DHR),
    ("Domestic Abuse Related Death Review (DARDR)", ReviewType.DARDR),
    ("Multi-Agency Review on the DHR method (MAR)", ReviewType.MAR),
    ("Safeguarding Adults Review (SAR)", ReviewType.SAR),
    ("Child Safeguarding Practice Review (CSPR)", ReviewType.CSPR),
    ("Other review", ReviewType.OTHER),
]


class ReviewPage(FormPage):
    section = SectionId.REVIEW
    intro = (
        "The review this IMR is written for, as the panel's terms of reference set it out. "
        "Use the victim's pseudonym in the review's name."
    )

    def build(self) -> None:
        review = lambda: self.draft.review  # noqa: E731
        self.add_row("Review name", self.bind_line("name", review, "name", "review", "Review name"))
        self.add_row(
            "Type of review",
            self.bind_choice(
                "review_type", review, "review_type", "review", "Type of review", REVIEW_TYPES
            ),
        )
        self.add_row(
            "Commissioning partnership",
            self.bind_line(
                "commissioning_partnership",
                review,
                "commissioning_partnership",
                "review",
                "Commissioning partnership",
            ),
        )
        self.add_row(
            "Review period starts",
            self.bind_date(
                "period_start", review, "period_start", "review", "Review period starts"
            ),
        )
        self.add_row(
            "Review period ends",
            self.bind_date("period_end", review, "period_end", "review", "Review period ends"),
        )
        self.add_row(
            "Date of death",
            self.bind_date("date_of_death", review, "date_of_death", "review", "Date of death"),
        )
        self.add_row(
            "Protective marking",
            self.bind_line(
                "protective_marking", review, "protective_marking", "review", "Protective marking"
            ),
        )


class AuthorPage(FormPage):
    section = SectionId.AUTHOR
    intro = (
        "The author must have had no direct involvement with the subjects and must not be the "
        "line manager of anyone whose actions are reviewed (ToR 5.5.3)."
    )

    def build(self) -> None:
        author = lambda: self.draft.author  # noqa: E731
        self.add_row(
            "Author's name", self.bind_line("name", author, "name", "author", "Author's name")
        )
        self.add_row("Role", self.bind_line("role", author, "role", "author", "Author's role"))
        declaration = self.bind_prose(
            "independence_declaration",
            author,
            "independence_declaration",
            "author",
            "Independence declaration",
        )
        declaration.setMinimumHeight(120)
        self.add_row("Independence declaration", declaration)
        self.add_row(
            "Date records were secured",
            self.bind_date(
                "records_secured_on",
                author,
                "records_secured_on",
                "author",
                "Date the agency's records were secured",
            ),
        )


class AgencyContextPage(FormPage):
    section = SectionId.AGENCY_CONTEXT
    intro = (
        "The conditions the professionals worked in (ToR 5.5.4): resourcing, workload, "
        "supervision and support, training and experience, and any restructuring."
    )

    def build(self) -> None:
        agency = lambda: self.draft.agency  # noqa: E731
        context = lambda: self.draft.agency.context  # noqa: E731
        self.add_row("Agency", self.bind_line("agency", agency, "name", "agency", "Agency"))
        for attr, label in (
            ("resourcing", "Resourcing"),
            ("workload", "Workload"),
            ("supervision", "Supervision and support"),
            ("training", "Training and experience"),
            ("restructuring", "Restructuring during the period"),
        ):
            edit = self.bind_prose(attr, context, attr, "agency", label)
            edit.setMinimumHeight(90)
            self.add_row(label, edit)


class SourcesPage(FormPage):
    section = SectionId.SOURCES
    intro = "What this review is based on: the records read and the staff interviewed, by role."

    def build(self) -> None:
        sources = lambda: self.draft.sources  # noqa: E731
        records = self.bind_prose(
            "records_reviewed", sources, "records_reviewed", "sources", "Records reviewed"
        )
        records.setMinimumHeight(100)
        self.add_row("Records reviewed", records)
        self.add_row(
            "Staff interviewed (one role per line)",
            self.bind_lines(
                "staff_interviewed",
                sources,
                "staff_interviewed",
                "sources",
                "Staff interviewed, one role per line",
            ),
        )
        method = self.bind_prose("methodology", sources, "methodology", "sources", "Methodology")
        method.setMinimumHeight(100)
        self.add_row("Methodology", method)


class AnalysisPage(FormPage):
    section = SectionId.ANALYSIS
    intro = (
        "A critical analysis of the service your agency provided, looking through the victim's "
        "eyes. Facts belong in the chronology; here, say what they mean."
    )

    def build(self) -> None:
        edit = self.bind_prose("analysis", lambda: self.draft, "analysis", "analysis", "Analysis")
        edit.setMinimumHeight(380)
        self.body.addWidget(edit)
        self.register_field("analysis", edit)


class SignOffPage(FormPage):
    section = SectionId.SIGN_OFF
    has_status = False  # complete when signed off, never by the author's say-so
    intro = (
        "Your agency's safeguarding lead or senior manager signs the IMR off on the agency's "
        "behalf, stating that the agency owns the report. Use the Review menu to submit it, "
        "return it, sign it off or reopen it."
    )

    def build(self) -> None:
        self.state_label = QLabel()
        self.state_label.setAccessibleName("Review state")
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.body.addWidget(self.state_label)
        self.sign_off_label = QLabel()
        self.sign_off_label.setWordWrap(True)
        self.sign_off_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sign_off_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sign_off_label.setAccessibleName("Sign-off")
        self.body.addWidget(self.sign_off_label)
        self.register_field("sign_off", self.sign_off_label)
        self.refresh()

    def refresh(self) -> None:
        workflow = self.draft.workflow
        self.state_label.setText(f"State: {STATE_LABELS[workflow.state]}")
        record = workflow.sign_off
        if record is None:
            self.sign_off_label.setText(
                "Not yet signed off. Run Check for errors first: hard errors block submission."
            )
            return
        lines = [
            f"Signed off by: {record.name}",
            f"Role: {record.role}",
            f"Date: {format_uk(record.signed_on)}",
            f"Statement: {record.statement or '(none)'}",
        ]
        if record.override_reason:
            lines.append(
                "Signed off by the author, overriding the second-pair-of-eyes rule, because: "
                f"{record.override_reason}"
            )
        if not self.session.chronology_loaded:
            lines.append("Content: checked once the chronology has loaded.")
        elif verify_sign_off(self.draft):
            lines.append("Content: still matches what was signed off.")
        else:
            lines.append("Content: has CHANGED since it was signed off.")
        self.sign_off_label.setText("\n".join(lines))
