"""The IMR as a Word document (.docx), ready to send to the Independent Chair.

One builder per format: ``DocxBuilder`` turns an already pseudonymised draft into a
python-docx ``Document`` opened from a template that holds every style, the page setup and
the fonts; this module never sets a font. ``export`` writes the result to a temporary file
beside the target and moves it into place only when it is complete, so a cancelled or failed
export leaves nothing behind.

Three things python-docx does not do for us, done here in plain WordprocessingML:
fields (the contents, page numbers), repeated table header rows and landscape sections, and
large tables, which are built by deep-copying one prototype row (the public table API is
O(rows) slow: 10,000 chronology rows would take tens of seconds).

Every export also carries the draft's data without real names as a custom XML part, for the
Chair's tools (``embedded_data``), and may be protected with a password the way Word does it
(``docx_protection``): then it is encrypted in memory, so the readable document is never
written to disk at all.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from imr_app.core.chronology_dates import format_recorded, sort_key
from imr_app.core.citations import cite_labels, finding_labels
from imr_app.core.dates import format_uk
from imr_app.core.equality import (
    CHARACTERISTIC_LABELS,
    CONSIDERATION_LABELS,
    OTHER_FACTOR_LABELS,
    considered_statement,
    nothing_relevant,
)
from imr_app.core.errors import ImrError
from imr_app.core.model import (
    DEFAULT_PROTECTIVE_MARKING,
    AnswerStatus,
    Characteristic,
    Consideration,
    EqualityItem,
    ImrDraft,
    PracticeKind,
    RecommendationScope,
    ReviewType,
    SectionId,
    SectionStatus,
    SubjectRole,
    WorkflowState,
)
from imr_app.core.pseudonymise import NameRegister, pseudonymise
from imr_app.core.question_sets import question_text
from imr_app.core.text import clean_text
from imr_app.files import write_atomically
from imr_app.paths import resource_path
from imr_app.services.docx_protection import check_password, encrypt_bytes
from imr_app.services.embedded_data import embed
from imr_app.services.leak_scan import Leak, LeakScanner, accepted_key

DEFAULT_TEMPLATE = ("templates", "imr-default.docx")

Progress = Callable[[int, str], None]
Cancelled = Callable[[], bool]

# Styles the export uses, by the name Word shows. A custom template may lack any of them.
NORMAL = "Normal"
TITLE = "Title"
SUBTITLE = "Subtitle"
HEADINGS = ("Heading 1", "Heading 2", "Heading 3")
LIST_BULLET = ("List Bullet", "List Bullet 2")
TOC_HEADING = "TOC Heading"
PROTECTIVE_MARKING = "Protective Marking"
DRAFT_BANNER = "Draft Banner"
COVER_DETAIL = "Cover Detail"
QUESTION = "Question"
TABLE_TEXT = "Table Text"
TABLE_HEADING = "Table Heading"
HEADER = "Header"
FOOTER = "Footer"
TABLE_STYLE = "IMR Table"
TABLE_STYLE_FALLBACK = "Table Grid"

TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '
REVIEW_COPY_BANNER = "REVIEW COPY — contains reviewers' comments — not for the Chair"
ROWS_PER_PROGRESS_STEP = 500

REVIEW_TYPE_LABELS: dict[ReviewType, str] = {
    ReviewType.DHR: "Domestic Homicide Review",
    ReviewType.DARDR: "Domestic Abuse Related Death Review",
    ReviewType.MAR: "Multi-Agency Review",
    ReviewType.SAR: "Safeguarding Adults Review",
    ReviewType.CSPR: "Child Safeguarding Practice Review",
    ReviewType.OTHER: "Review",
}
STATE_LABELS: dict[WorkflowState, str] = {
    WorkflowState.DRAFT: "Draft",
    WorkflowState.SUBMITTED: "Submitted for sign-off",
    WorkflowState.RETURNED: "Returned for changes",
    WorkflowState.SIGNED_OFF: "Signed off",
    WorkflowState.REOPENED: "Reopened",
}
ROLE_LABELS: dict[SubjectRole, str] = {
    SubjectRole.VICTIM: "victim",
    SubjectRole.PERPETRATOR: "alleged perpetrator",
    SubjectRole.CHILD: "child",
    SubjectRole.FAMILY: "family member",
    SubjectRole.OTHER: "other",
}
SCOPE_LABELS: dict[RecommendationScope, str] = {
    RecommendationScope.LOCAL: "Local",
    RecommendationScope.REGIONAL: "Regional",
    RecommendationScope.NATIONAL: "National",
}
AGENCY_CONTEXT_LABELS = {
    "resourcing": "Resourcing",
    "workload": "Workload",
    "supervision": "Supervision",
    "training": "Training",
    "restructuring": "Restructuring and change",
}

ACTION_PLAN_COLUMNS = (
    ("Recommendation", 0.20),
    ("Scope", 0.07),
    ("Action to take", 0.19),
    ("Lead", 0.13),
    ("Key milestones", 0.17),
    ("Target date", 0.09),
    ("Date completed and outcome", 0.15),
)
CHRONOLOGY_COLUMNS = (
    ("Date", 0.10),
    ("Time", 0.065),
    ("Source", 0.12),
    ("Subjects", 0.095),
    ("Event", 0.24),
    ("Action", 0.19),
    ("Outcome", 0.19),
)
EQUALITY_COLUMNS = (("Characteristic", 0.24), ("Consideration", 0.19), ("Analysis", 0.57))

_W_T = qn("w:t")
_W_P, _W_TR, _W_TC = qn("w:p"), qn("w:tr"), qn("w:tc")
_W_TCPR = qn("w:tcPr")
_UNCLEAN = re.compile("[\x00-\x1f\ufffe\uffff]")  # text clean_text may change
_CONTINUE = object()  # a table cell merged with the one above it (w:vMerge)

# Settings that must come after w:updateFields in w:settings (schema order).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)
# Parts a template may carry that could name people or hold data: never exported.
_DROPPED_RELATIONSHIPS = {
    RT.COMMENTS,
    RT.CUSTOM_PROPERTIES,
    RT.CUSTOM_XML,
    RT.THUMBNAIL,
    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
    "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
    "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
    "http://schemas.microsoft.com/office/2011/relationships/people",
}
_CLEAN_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application>IMR Author</Application></Properties>'
)
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


class ExportError(ImrError):
    """The export could not be made (a template that cannot be read, for example)."""


class ExportCancelled(ExportError):
    """The author cancelled the export; nothing was written."""

    def __init__(self) -> None:
        super().__init__("The export was cancelled; no file was written.")


@dataclass(frozen=True)
class ExportOptions:
    """What the author chose in the export dialog (or on the command line).

    ``password``, when set, protects the document the way Word does; it is left out of the
    repr so it never turns up in a log or a traceback.
    """

    draft_copy: bool
    version: str = "1.0"
    template: Path | None = None
    export_date: date = field(default_factory=date.today)
    password: str | None = field(default=None, repr=False)
    # Leak-scan hits the author accepted (``leak_scan.accepted_key``), from the audit trail.
    accepted_leaks: frozenset[str] = frozenset()
    # The unresolved comment threads as Word comments, for the author and the lead only.
    review_copy: bool = False


@dataclass(frozen=True)
class ExportResult:
    path: Path
    warnings: tuple[str, ...] = ()
    leaks: tuple[Leak, ...] = ()  # unaccepted hits, only ever in a copy marked DRAFT
    review_comments: int = 0  # Word comments in a review copy


class LeaksFound(ImrError):
    """The built document still names people or holds identifiers: nothing was written."""

    def __init__(self, leaks: Sequence[Leak]) -> None:
        super().__init__(
            f"{len(leaks)} possible personal details found in the document; fix them or "
            "accept each with a reason before a final export"
        )
        self.leaks = tuple(leaks)


def prepare(draft: ImrDraft) -> ImrDraft:
    """The draft as it may leave the machine: a copy with every real name replaced by its
    pseudonym, so building never touches the author's draft."""
    return pseudonymise(draft)


def export(
    draft: ImrDraft,
    out_path: Path,
    options: ExportOptions,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportResult:
    """Build the IMR and write it to ``out_path``, all or nothing.

    With ``options.password`` the document is encrypted in memory before anything is
    written, so neither the destination nor the temporary file ever holds it readable.

    Raises ``ExportCancelled`` when ``cancelled()`` turns true, ``ExportError`` for a template
    that cannot be used, ``ProtectionError`` for a password Word could not use, and
    ``OSError`` when the folder cannot be written.
    """
    out_path = Path(out_path)
    if options.password is not None:
        check_password(options.password)  # before the work, not after it
    options, notes = _with_recorded_template(draft, options)
    builder = DocxBuilder(progress, cancelled)
    prepared = prepare(draft)
    document = builder.build(prepared, options)
    review_comments = 0
    if options.review_copy:
        # Imported here: review_copy reads answers with this module's Markdown functions.
        from imr_app.services.review_copy import add_review_comments

        builder.report(94, "Adding the reviewers' comments")
        review_comments = add_review_comments(document, builder.landmarks, draft, prepared)
        if not review_comments:
            notes.append("The IMR has no unresolved comments, so the review copy has none.")
    builder.report(93, "Saving the document")
    plain = io.BytesIO()
    document.save(plain)
    builder.check_cancelled()
    # The leak scan reads the very bytes that will leave, before any encryption.
    builder.report(95, "Looking for names and personal details left in the document")
    leaks = [
        leak
        for leak in LeakScanner(draft.subjects).scan_docx(plain, file_name=out_path.name)
        if accepted_key(leak) not in options.accepted_leaks
    ]
    if leaks and not options.draft_copy:
        raise LeaksFound(leaks)
    data = plain.getvalue()
    del plain
    if options.password is not None:
        builder.check_cancelled()
        builder.report(97, "Protecting the document with the password")
        data = encrypt_bytes(data, options.password)
    write_atomically(out_path, data, before_replace=builder.check_cancelled)
    builder.report(100, "Exported")
    return ExportResult(out_path, (*notes, *builder.warnings), tuple(leaks), review_comments)


def _with_recorded_template(
    draft: ImrDraft, options: ExportOptions
) -> tuple[ExportOptions, list[str]]:
    """The template chosen now, else the one recorded in the draft, else the shipped one.

    A recorded template that is no longer there (another computer, a moved share) falls
    back to the shipped one with a warning: never a failed export.
    """
    if options.template is not None or not draft.agency.template:
        return options, []
    recorded = Path(draft.agency.template)
    if recorded.is_file():
        return replace(options, template=recorded), []
    return options, [
        f"The agency template {recorded.name} was not found on this computer; the standard "
        "IMR Author template was used."
    ]


def protective_marking(draft: ImrDraft) -> str:
    """The draft's protective marking as it appears on every page (the default if blank)."""
    return " ".join(clean_text(draft.review.protective_marking).split()) or (
        DEFAULT_PROTECTIVE_MARKING
    )


def suggested_email_subject(draft: ImrDraft, version: str, *, draft_copy: bool = False) -> str:
    """A subject line for the email to the Chair, led by the protective marking.

    Public-sector email practice puts the marking first in the subject line. Real names are
    replaced by pseudonyms here too (a review name may have been typed with one), since a
    subject line travels unencrypted even when the attachment is protected. A copy that the
    document itself marks DRAFT says so in the subject as well.
    """
    register = NameRegister(draft.subjects)

    def tidy(text: str) -> str:
        return " ".join(register.replace(clean_text(text)).split())

    version = tidy(version)
    if version[:1].isdigit():  # "1.0" reads as "v1.0"; "Final" stays as it is
        version = f"v{version}"
    report = " ".join(p for p in (tidy(draft.agency.name), "IMR", version) if p)
    review = tidy(draft.review.name)
    subject = f"{review} – {report}" if review else report
    if draft_copy or draft.workflow.state is not WorkflowState.SIGNED_OFF:
        subject += " (DRAFT)"
    return f"{protective_marking(draft)}: {subject}"


# ---- the builder -------------------------------------------------------------------------


class DocxBuilder:
    """Builds the IMR as a python-docx ``Document``; ``warnings`` says what fell back.

    ``landmarks`` says where each thing a reviewer can comment on was written: the ``w:p``
    elements by the comment anchor's ``kind:ref`` (``answer:iv``, ``chronology:<id>``), so a
    review copy can put each comment on the right text without searching the document.
    """

    def __init__(self, progress: Progress | None = None, cancelled: Cancelled | None = None):
        self.warnings: list[str] = []
        self.landmarks: dict[str, list[Any]] = {}
        self._progress = progress
        self._cancelled = cancelled
        self._percent = 0

    # -- progress and cancelling --
    def report(self, percent: int, message: str) -> None:
        self._percent = max(self._percent, min(100, percent))
        if self._progress is not None:
            self._progress(self._percent, message)

    def check_cancelled(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ExportCancelled()

    def _step(self, percent: int, message: str) -> None:
        self.check_cancelled()
        self.report(percent, message)

    # -- the document --
    def build(self, draft: ImrDraft, options: ExportOptions) -> DocxDocument:
        self.warnings = []
        self.landmarks = {}
        self._percent = 0
        self._step(0, "Opening the template")
        self._doc = open_template(options.template)
        self._draft = draft
        self._options = options
        self._styles = {style.name: style for style in self._doc.styles}
        self._resolved: dict[str, Any] = {}
        default = self._doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._default_style_id = None if default is None else str(default.style_id)
        self._toc_entries: list[tuple[int, str]] = []
        self._pseudonyms = {s.id: s.pseudonym.strip() for s in draft.subjects}
        self._is_draft = options.draft_copy or draft.workflow.state is not WorkflowState.SIGNED_OFF

        self._doc.element.body.clear_content()
        self._scrub_package()
        self._page_furniture()
        steps: tuple[tuple[int, str, Callable[[], None]], ...] = (
            (5, "Writing the cover", self._cover),
            (8, "Writing the contents", self._contents),
            (10, "Writing the review and scope", self._review),
            (12, "Writing the author's declaration", self._author),
            (14, "Writing the agency context", self._agency_context),
            (16, "Writing the sources", self._sources),
            (18, "Writing the terms of reference", self._terms_of_reference),
            (26, "Writing the analysis", self._analysis),
            (28, "Writing equality and diversity", self._equality),
            (31, "Writing good and poor practice", self._practice),
            (33, "Writing the lessons", self._lessons),
            (35, "Writing the recommendations", self._recommendations),
            (37, "Writing the action plan", self._action_plan),
            (40, "Writing the chronology", self._chronology),
            (92, "Writing the sign-off", self._sign_off),
        )
        for percent, message, write in steps:
            self._step(percent, message)
            write()
        self._finish_contents()
        self._properties()
        # After _scrub_package, which drops any custom XML the template brought (even an
        # earlier export's data, if one was used as a template): only this draft's goes out.
        self._step(93, "Adding the data for the Chair's tools")
        embed(self._doc, draft)
        self._step(94, "Document built")
        return self._doc

    # -- styles, with a fallback to Normal and a warning --
    def _style(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> Any:
        """The template's style called ``name``, or None (Normal) with one warning per style."""
        if name in self._resolved:
            return self._resolved[name]
        style = self._styles.get(name)
        if style is not None and style.type != kind:
            style = None
        if style is None and name != NORMAL:
            self.warnings.append(
                f'The template has no "{name}" style; the export uses Normal text instead.'
            )
        self._resolved[name] = style
        return style

    def _quiet_style(self, name: str) -> Any:
        style = self._styles.get(name)
        return style if style is not None and style.type == WD_STYLE_TYPE.PARAGRAPH else None

    def _style_id(self, name: str) -> str | None:
        style = self._style(name)
        return None if style is None else str(style.style_id)

    def _table_style_id(self) -> str | None:
        if "table style" not in self._resolved:
            style = self._styles.get(TABLE_STYLE)
            if style is None or style.type != WD_STYLE_TYPE.TABLE:
                style = self._styles.get(TABLE_STYLE_FALLBACK)
                if style is None or style.type != WD_STYLE_TYPE.TABLE:
                    style = None
                    fallback = "tables have no borders or shading"
                else:
                    fallback = f'"{TABLE_STYLE_FALLBACK}" is used instead'
                self.warnings.append(
                    f'The template has no "{TABLE_STYLE}" table style; {fallback}.'
                )
            self._resolved["table style"] = style
        style = self._resolved["table style"]
        return None if style is None else str(style.style_id)

    # -- writing helpers --
    def _apply(self, paragraph: Paragraph, style: str) -> None:
        """Set the style by id: python-docx's own setter scans every style on each call."""
        style_id = self._style_id(style)
        if style_id is not None and style_id != self._default_style_id:
            paragraph._p.style = style_id

    def _paragraph(self, text: str = "", style: str = NORMAL, container: Any = None) -> Paragraph:
        paragraph = (container or self._doc).add_paragraph()
        self._apply(paragraph, style)
        if text:
            paragraph.add_run(clean_text(text))
        return paragraph

    def _heading(self, text: str, level: int = 1, section: SectionId | None = None) -> Paragraph:
        text = " ".join(clean_text(text).split())
        self._toc_entries.append((level, text))
        paragraph = self._paragraph(text, HEADINGS[level - 1])
        if section is not None:
            self._mark(f"section:{section.value}", [paragraph])
        return paragraph

    def _mark(self, key: str, paragraphs: Sequence[Paragraph]) -> None:
        """Remember where the target of a comment anchor ``key`` was written."""
        if paragraphs:
            self.landmarks[key] = [p._p for p in paragraphs]

    def _labelled(self, label: str, value: str, style: str = NORMAL) -> Paragraph:
        """A "Label: value" line, the label in bold."""
        paragraph = self._paragraph(style=style)
        paragraph.add_run(clean_text(f"{label}: ")).bold = True
        paragraph.add_run(clean_text(value))
        return paragraph

    def _markdown(
        self,
        text: str,
        container: Any = None,
        style: str = NORMAL,
        first: Paragraph | None = None,
        lead: str = "",
    ) -> list[Paragraph]:
        """Answers' Markdown subset: paragraphs, bold, italic and bullet lists.

        ``first`` is an existing empty paragraph to write the first block into (a table
        cell's); ``lead`` is a bold label that starts the first paragraph. Returns the
        paragraphs written, one a block.
        """
        written: list[Paragraph] = []
        for block, spans in markdown_paragraphs(text):
            if block.level is None:
                paragraph_style = style
                marker = ""
            else:
                paragraph_style = LIST_BULLET[min(block.level, 1)]
                marker = (
                    ""
                    if self._style(paragraph_style)
                    else "\u2022 "
                    if block.level == 0
                    else "\u2013 "
                )
            if first is not None:
                paragraph, first = first, None
                self._apply(paragraph, paragraph_style)
            else:
                paragraph = self._paragraph(style=paragraph_style, container=container)
            if lead:
                paragraph.add_run(clean_text(lead) + " ").bold = True
                lead = ""
            if marker:
                paragraph.add_run(marker)
            for span in spans:
                run = paragraph.add_run(span.text)
                if span.bold:
                    run.bold = True
                if span.italic:
                    run.italic = True
            written.append(paragraph)
        if lead:  # no text at all: the label still shows
            paragraph = first or self._paragraph(style=style, container=container)
            paragraph.add_run(clean_text(lead)).bold = True
            written.append(paragraph)
        return written

    def _prose_or(self, text: str, missing: str) -> None:
        if text.strip():
            self._markdown(text)
        else:
            self._paragraph(missing)

    def _not_applicable(self, section: SectionId) -> bool:
        """Write "Not applicable — reason" for a section the author marked so."""
        state = self._draft.section_state(section)
        if state is None or state.status is not SectionStatus.NOT_APPLICABLE:
            return False
        self._paragraph(not_applicable(state.reason))
        return True

    # -- page setup, header and footer --
    def _page_furniture(self) -> None:
        """The marking centred in the header and footer, and the footer's version and page."""
        draft, options = self._draft, self._options
        marking = protective_marking(draft)
        self._doc.settings.odd_and_even_pages_header_footer = False
        section = self._doc.sections[0]
        section.different_first_page_header_footer = False

        header = section.header
        header.is_linked_to_previous = False
        top = _reuse_empty_paragraph(header)
        self._apply(top, PROTECTIVE_MARKING)
        top.add_run(marking)
        header._element.insert(0, top._p)  # above any letterhead the template has
        if options.review_copy:  # on every page, so a printed page is never mistaken
            banner = header.add_paragraph()
            self._apply(banner, PROTECTIVE_MARKING)
            banner.add_run(REVIEW_COPY_BANNER)
            top._p.addnext(banner._p)

        footer = section.footer
        footer.is_linked_to_previous = False
        line = _reuse_empty_paragraph(footer)
        self._apply(line, FOOTER)
        state = "DRAFT · " if self._is_draft else ""
        line.add_run(clean_text(f"{state}Version {options.version} · Page "))
        line._p.append(_simple_field("PAGE", "1"))
        line.add_run(" of ")
        line._p.append(_simple_field("NUMPAGES", "1"))
        bottom = footer.add_paragraph()
        self._apply(bottom, PROTECTIVE_MARKING)
        bottom.add_run(marking)

    def _new_section(self, landscape: bool) -> None:
        """A new page in the other orientation; header and footer carry on from the first."""
        section = self._doc.add_section(WD_SECTION.NEW_PAGE)
        width, height = section.page_width, section.page_height
        if width is not None and height is not None and (width > height) != landscape:
            section.page_width, section.page_height = height, width
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT

    def _text_width_twips(self) -> int:
        section = self._doc.sections[-1]
        width = section.page_width or 0
        margins = (section.left_margin or 0) + (section.right_margin or 0)
        twips = int((width - margins) / 635)  # 635 EMU to the twip
        return twips if twips > 1440 else 9026

    # -- the parts of the report --
    def _cover(self) -> None:
        draft, options = self._draft, self._options
        review = draft.review
        self._paragraph(review.name.strip() or "Untitled review", TITLE)
        self._paragraph("Individual Management Review", SUBTITLE)
        details = (
            ("Review", REVIEW_TYPE_LABELS.get(review.review_type, "Review")),
            ("Commissioned by", review.commissioning_partnership),
            ("Agency", draft.agency.name),
            ("Author", draft.author.role),
            ("Version", options.version),
            ("Date", format_uk(options.export_date)),
            ("State", STATE_LABELS.get(draft.workflow.state, "Draft")),
        )
        for label, value in details:
            if value.strip():
                self._labelled(label, value, COVER_DETAIL)
        if options.review_copy:
            self._paragraph(REVIEW_COPY_BANNER, DRAFT_BANNER)
            self._paragraph(
                "This copy carries the reviewers' comments for the author and the safeguarding "
                "lead. Do not send it to the Independent Chair: export the IMR again without "
                "comments."
            )
        if self._is_draft:
            self._paragraph("DRAFT", DRAFT_BANNER)
            self._paragraph(
                "This is a draft. It has not been signed off by the agency and may change."
            )
        self._doc.add_page_break()

    def _contents(self) -> None:
        self._paragraph("Contents", TOC_HEADING)
        self._toc_anchor = self._paragraph()
        self._doc.add_page_break()

    def _finish_contents(self) -> None:
        """A real TOC field, with the headings as its text until Word updates it on open."""
        anchor = self._toc_anchor._p
        entries = [(level, text) for level, text in self._toc_entries if level <= 2]
        if not entries:
            entries = [(1, "Update the field (F9) to show the contents.")]
        paragraphs = []
        for level, text in entries:
            p = OxmlElement("w:p")
            style = self._quiet_style(f"toc {level}")
            if style is not None:
                p_pr = OxmlElement("w:pPr")
                p_style = OxmlElement("w:pStyle")
                p_style.set(qn("w:val"), str(style.style_id))
                p_pr.append(p_style)
                p.append(p_pr)
            p.append(_text_run(text))
            paragraphs.append(p)
        first, last = paragraphs[0], paragraphs[-1]
        first_text_run = first[-1]
        for run in (
            _field_char("begin", dirty=True),
            _instruction(TOC_INSTRUCTION),
            _field_char("separate"),
        ):
            first_text_run.addprevious(run)
        last.append(_field_char("end"))
        for p in paragraphs:
            anchor.addprevious(p)
        anchor.getparent().remove(anchor)
        _update_fields_on_open(self._doc)

    def _review(self) -> None:
        draft = self._draft
        review = draft.review
        self._heading("Review and scope", section=SectionId.REVIEW)
        if self._not_applicable(SectionId.REVIEW):
            return
        self._labelled("Review", review.name or "Not named")
        self._labelled("Type of review", REVIEW_TYPE_LABELS.get(review.review_type, "Review"))
        if review.commissioning_partnership.strip():
            self._labelled("Commissioned by", review.commissioning_partnership)
        self._labelled("Agency", draft.agency.name or "Not named")
        period = (
            f"{format_uk(review.period_start)} to {format_uk(review.period_end)}"
            if review.period_start and review.period_end
            else "Not set"
        )
        self._labelled("Period under review", period)
        if review.date_of_death is not None:
            self._labelled("Date of death", format_uk(review.date_of_death))
        if draft.subjects:
            self._heading("Subjects of the review", 2, SectionId.SUBJECTS)
            self._paragraph("Everyone is named by the pseudonym agreed with the review panel.")
            for subject in draft.subjects:
                name = subject.pseudonym.strip() or "(no pseudonym)"
                self._paragraph(f"{name} ({ROLE_LABELS[subject.role]})", LIST_BULLET[0])

    def _author(self) -> None:
        author = self._draft.author
        self._heading("Author and independence declaration", section=SectionId.AUTHOR)
        if self._not_applicable(SectionId.AUTHOR):
            return
        if author.name.strip():
            self._labelled("Author", author.name)
        self._labelled("Role", author.role or "Not given")
        if author.records_secured_on is not None:
            self._labelled("Records secured on", format_uk(author.records_secured_on))
        self._heading("Declaration of independence", 2)
        self._prose_or(author.independence_declaration, "No declaration has been made yet.")

    def _agency_context(self) -> None:
        context = self._draft.agency.context
        self._heading("Agency context", section=SectionId.AGENCY_CONTEXT)
        if self._not_applicable(SectionId.AGENCY_CONTEXT):
            return
        written = [(label, getattr(context, name)) for name, label in AGENCY_CONTEXT_LABELS.items()]
        written = [(label, text) for label, text in written if text.strip()]
        if not written:
            self._paragraph("Not yet written.")
        for label, text in written:
            self._heading(label, 2)
            self._markdown(text)

    def _sources(self) -> None:
        sources = self._draft.sources
        self._heading("Sources and methodology", section=SectionId.SOURCES)
        if self._not_applicable(SectionId.SOURCES):
            return
        self._heading("Records reviewed", 2)
        self._prose_or(sources.records_reviewed, "Not yet written.")
        staff = [s for s in sources.staff_interviewed if s.strip()]
        self._heading("Staff interviewed", 2)
        if staff:
            for person in staff:
                self._paragraph(person, LIST_BULLET[0])
        else:
            self._paragraph("No staff were interviewed.")
        self._heading("Methodology", 2)
        self._prose_or(sources.methodology, "Not yet written.")

    def _terms_of_reference(self) -> None:
        draft = self._draft
        questions = draft.question_set
        self._heading("Terms of reference", section=SectionId.TERMS_OF_REFERENCE)
        if self._not_applicable(SectionId.TERMS_OF_REFERENCE):
            return
        answers = {a.question_number: a for a in draft.answers}
        count = len(questions.questions)
        self._paragraph(
            f"The review panel set {count} question{'s' if count != 1 else ''} "
            f"({questions.title}, version {questions.version}). Each is given in full, "
            "followed by the agency's answer."
        )
        for question in questions.questions:
            self._heading(f"Question {question.number}", 2)
            self._paragraph(question_text(question, draft.subjects), QUESTION)
            answer = answers.get(question.number)
            if answer is not None and answer.status is AnswerStatus.NOT_APPLICABLE:
                written = [self._paragraph(not_applicable(answer.not_applicable_reason))]
            elif answer is None or not answer.text.strip():
                written = [self._paragraph("Not yet answered.")]
            else:
                written = self._markdown(answer.text)
            self._mark(f"answer:{question.number}", written)

    def _analysis(self) -> None:
        self._heading("Analysis", section=SectionId.ANALYSIS)
        if not self._not_applicable(SectionId.ANALYSIS):
            self._prose_or(self._draft.analysis, "Not yet written.")

    def _equality(self) -> None:
        draft = self._draft
        self._heading("Equality and diversity", section=SectionId.EQUALITY)
        if self._not_applicable(SectionId.EQUALITY):
            return
        entries = {e.subject_id: e for e in draft.equality.subjects}
        for subject in draft.subjects:
            name = subject.pseudonym.strip() or "Unnamed subject"
            self._heading(f"{name} ({ROLE_LABELS[subject.role]})", 2)
            entry = entries.get(subject.id)
            if entry is None:
                self._paragraph(
                    f"The protected characteristics have not yet been considered for {name}."
                )
                continue
            items = {i.characteristic: i for i in entry.items}
            table = self._rich_table(EQUALITY_COLUMNS)
            for characteristic in Characteristic:
                item = items.get(characteristic) or EqualityItem(characteristic)
                cells = table.add_row().cells
                self._cell_text(cells[0], CHARACTERISTIC_LABELS[characteristic])
                self._mark(f"equality:{subject.id}:{characteristic.value}", cells[0].paragraphs)
                self._cell_text(cells[1], CONSIDERATION_LABELS[item.consideration])
                if item.analysis.strip():
                    self._markdown(item.analysis, cells[2], TABLE_TEXT, cells[2].paragraphs[0])
                elif item.consideration is Consideration.RELEVANT:
                    self._cell_text(cells[2], "No analysis yet.")
                else:
                    self._cell_text(cells[2], "")
            if entry.intersectionality.strip():
                self._heading("Intersectionality", 3)
                self._markdown(entry.intersectionality)
            factors = [
                (label, getattr(entry.other_factors, name))
                for name, label in OTHER_FACTOR_LABELS.items()
                if getattr(entry.other_factors, name).strip()
            ]
            if factors:
                self._heading("Other factors", 3)
                for label, text in factors:
                    self._markdown(text, lead=f"{label}.")
        statement = draft.equality.statement
        if not statement.strip() and nothing_relevant(draft):
            statement = considered_statement(draft, draft.agency.name)
        if statement.strip():
            self._heading("Statement on the protected characteristics", 2)
            self._markdown(statement)
        elif not draft.subjects:
            self._paragraph("Not yet written.")

    def _practice(self) -> None:
        self._heading("Good and poor practice", section=SectionId.PRACTICE)
        if self._not_applicable(SectionId.PRACTICE):
            return
        labels = finding_labels(self._draft)
        for kind, title in (
            (PracticeKind.GOOD, "Good practice"),
            (PracticeKind.POOR, "Poor practice"),
        ):
            findings = [f for f in self._draft.practice if f.kind is kind]
            self._heading(title, 2)
            if not findings:
                self._paragraph(f"No {title.lower()} is recorded.")
            for finding in findings:
                refs = [r.strip() for r in finding.question_refs if r.strip()]
                text = finding.text.rstrip()
                if refs:
                    word = "question" if len(refs) == 1 else "questions"
                    text += f" (ToR {word} {', '.join(refs)})"
                self._markdown(text, lead=f"{labels[finding.id]}.")

    def _lessons(self) -> None:
        self._heading("Lessons", section=SectionId.LESSONS)
        if self._not_applicable(SectionId.LESSONS):
            return
        if not self._draft.lessons:
            self._paragraph("No lessons are recorded.")
        labels = finding_labels(self._draft)
        for lesson in self._draft.lessons:
            self._markdown(lesson.text, lead=f"{labels[lesson.id]}.")

    def _recommendations(self) -> None:
        self._heading("Recommendations", section=SectionId.RECOMMENDATIONS)
        if self._not_applicable(SectionId.RECOMMENDATIONS):
            return
        if not self._draft.recommendations:
            self._paragraph("The agency makes no recommendations.")
            return
        labels = cite_labels(self._draft)
        for n, rec in enumerate(self._draft.recommendations, start=1):
            self._heading(f"Recommendation {n}", 2)
            self._mark(f"recommendation:{rec.id}", self._markdown(rec.text or "No text yet."))
            self._labelled("Scope", SCOPE_LABELS[rec.scope])
            cited = [labels[c] for c in rec.cites if c in labels]
            if cited:
                self._labelled("Draws on", "; ".join(cited))
        self._paragraph("The action plan that follows sets out how each will be carried out.")

    def _action_plan(self) -> None:
        recommendations = self._draft.recommendations
        if not recommendations:
            return
        self._new_section(landscape=True)
        self._heading("Action plan")
        rows: list[list[object]] = []
        for n, rec in enumerate(recommendations, start=1):
            first = [f"{n}. {_plain(rec.text)}", SCOPE_LABELS[rec.scope]]
            for i, row in enumerate(rec.actions or [None]):
                lead = first if i == 0 else [_CONTINUE, _CONTINUE]
                if row is None:
                    rows.append([*lead, "No action yet.", "", "", "", ""])
                    continue
                done = format_uk(row.completed_on) if row.completed_on else ""
                outcome = " — ".join(x for x in (done, _plain(row.outcome)) if x)
                rows.append(
                    [
                        *lead,
                        _plain(row.action),
                        _plain(row.lead),
                        _plain(row.milestones),
                        format_uk(row.target_date) if row.target_date else "",
                        outcome,
                    ]
                )
        self._fast_table(ACTION_PLAN_COLUMNS, rows)

    def _chronology(self) -> None:
        draft = self._draft
        self._new_section(landscape=True)
        self._heading("Chronology", section=SectionId.CHRONOLOGY)
        if self._not_applicable(SectionId.CHRONOLOGY):
            self._new_section(landscape=False)
            return
        entries = [
            entry
            for _, entry in sorted(
                enumerate(draft.chronology), key=lambda pair: sort_key(pair[1], pair[0])
            )
        ]
        if not entries:
            self._paragraph("The chronology has no entries.")
        else:
            self._paragraph(
                "Dates are shown as the records give them: ?dd/mm/yyyy is approximate, "
                "mm/yyyy gives the month only and yyyy the year only; periods are shown as "
                "recorded. Subjects are named by pseudonym."
            )
            total = len(entries)

            def rows() -> Iterable[list[object]]:
                for n, entry in enumerate(entries):
                    if n and n % ROWS_PER_PROGRESS_STEP == 0:
                        self._step(
                            40 + 50 * n // total, f"Writing the chronology ({n:,} of {total:,})"
                        )
                    subjects = [self._pseudonyms.get(s, "") for s in entry.subjects]
                    times = "–".join(t for t in (entry.time.strip(), entry.end_time.strip()) if t)
                    yield [
                        format_recorded(entry),
                        times,
                        entry.source,
                        ", ".join(s for s in subjects if s),
                        entry.event,
                        entry.action,
                        entry.outcome,
                    ]

            table = self._fast_table(CHRONOLOGY_COLUMNS, rows())
            # A chronology comment goes on the date, the first cell of the entry's row.
            rows_written = table.iterfind(_W_TR)
            next(rows_written)  # the header row
            for entry, tr in zip(entries, rows_written, strict=True):
                self.landmarks[f"chronology:{entry.id}"] = [tr.find(f"{_W_TC}/{_W_P}")]
        self._new_section(landscape=False)

    def _sign_off(self) -> None:
        sign_off = self._draft.workflow.sign_off
        self._heading("Sign-off", section=SectionId.SIGN_OFF)
        if sign_off is None:
            self._paragraph("Not yet signed off.")
            return
        self._labelled("Signed off by", sign_off.name)
        self._labelled("Role", sign_off.role)
        self._labelled("Date", format_uk(sign_off.signed_on))
        if sign_off.statement.strip():
            self._markdown(sign_off.statement)

    # -- properties: nothing personal, no paths --
    def _properties(self) -> None:
        draft, options = self._draft, self._options
        props = self._doc.core_properties
        agency = " ".join(clean_text(draft.agency.name).split())
        stamp = datetime.combine(options.export_date, time())
        props.author = agency
        props.last_modified_by = agency
        props.title = " ".join(clean_text(draft.review.name).split())
        props.subject = "Individual Management Review"
        for name in ("keywords", "comments", "category", "identifier", "language"):
            setattr(props, name, "")
        props.content_status = (
            "Review copy" if options.review_copy else "Draft" if self._is_draft else "Final"
        )
        props.version = clean_text(options.version)
        props.revision = 1
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp

    def _scrub_package(self) -> None:
        """Drop what a template may carry that names people or paths on the author's PC."""
        doc = self._doc
        package = doc.part.package
        for rels in (package.rels, doc.part.rels):
            for rel_id, rel in list(rels.items()):
                if rel.reltype in _DROPPED_RELATIONSHIPS:
                    del rels[rel_id]
        for part in package.iter_parts():
            if str(part.partname) == "/docProps/app.xml":
                part._blob = _CLEAN_APP_XML
        settings = doc.settings.element
        for tag in ("w:attachedTemplate", "w:mailMerge", "w:docVars"):
            for element in settings.findall(qn(tag)):
                settings.remove(element)

    # -- tables --
    def _table_element(self, columns: Sequence[tuple[str, float]]) -> tuple[Any, list[int]]:
        """An empty table (header row only) at the end of the body, and its column widths."""
        total = self._text_width_twips()
        widths = [int(total * share) for _, share in columns]
        style_id = self._table_style_id()
        style = f'<w:tblStyle w:val="{style_id}"/>' if style_id else ""
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        tbl = parse_xml(
            f"<w:tbl {nsdecls('w')}><w:tblPr>{style}"
            '<w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid></w:tbl>"
        )
        header = _row_prototype(widths, self._style_id(TABLE_HEADING), header=True)
        for t, (title, _) in zip(header.iter(_W_T), columns, strict=True):
            t.text = title
        tbl.append(header)
        body = self._doc.element.body
        sect_pr = body.sectPr
        if sect_pr is not None:
            sect_pr.addprevious(tbl)
        else:
            body.append(tbl)
        return tbl, widths

    def _fast_table(
        self, columns: Sequence[tuple[str, float]], rows: Iterable[Sequence[object]]
    ) -> Any:
        """A table of plain text built by copying one prototype row: fast for 10,000 rows.

        A cell given as ``_CONTINUE`` is merged with the cell above it.
        """
        tbl, widths = self._table_element(columns)
        prototype = _row_prototype(widths, self._style_id(TABLE_TEXT))
        clone = prototype.__copy__  # lxml copies the whole subtree, without deepcopy's memo
        width = len(widths)
        previous: list[Any] = []
        for values in rows:
            tr = clone()
            texts = list(tr.iter(_W_T))  # one w:t per cell, in column order
            if len(values) != width:
                raise ValueError(f"a row of {len(values)} cells in a table of {width} columns")
            for index, value in enumerate(values):
                t = texts[index]
                if value is _CONTINUE:
                    _merge_down(_cell_of(previous[index]), _cell_of(t))
                    continue
                text = value if isinstance(value, str) else str(value)
                if _UNCLEAN.search(text):
                    text = clean_text(text)
                if "\n" in text:
                    _multiline(t, text)
                else:
                    t.text = text
            tbl.append(tr)
            previous = texts
        return tbl

    def _rich_table(self, columns: Sequence[tuple[str, float]]) -> Table:
        """A table whose rows are added with python-docx, for cells with formatted text."""
        tbl, _ = self._table_element(columns)
        return Table(tbl, self._doc._body)

    def _cell_text(self, cell: Any, text: str) -> None:
        paragraph = cell.paragraphs[0]
        self._apply(paragraph, TABLE_TEXT)
        if text:
            paragraph.add_run(clean_text(text))


# ---- the template ----------------------------------------------------------------------------


def open_template(path: Path | None = None) -> DocxDocument:
    """The shipped template, or an agency's own (.docx, or a .dotx made acceptable)."""
    path = path or resource_path(*DEFAULT_TEMPLATE)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"Cannot read the template {path.name}: {exc.strerror or exc}") from exc
    try:
        return Document(io.BytesIO(_as_document(data)))
    except Exception as exc:  # any failure inside a file that is not a usable .docx
        raise ExportError(
            f"The template {path.name} cannot be used: it is not a Word document (.docx or "
            ".dotx) that can be read."
        ) from exc


def _as_document(data: bytes) -> bytes:
    """A Word template (.dotx) relabelled as a document, which python-docx will open."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        types = source.read("[Content_Types].xml")
        if _TEMPLATE_TYPE.encode() not in types:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == "[Content_Types].xml":
                    content = types.replace(_TEMPLATE_TYPE.encode(), _DOCUMENT_TYPE.encode())
                target.writestr(info, content)
    return out.getvalue()


# ---- Markdown subset -------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A paragraph (``level`` None) or a bullet (level 0, or 1 when nested)."""

    text: str
    level: int | None = None


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


_BULLET = re.compile(r"^( *)[-*+][ \t]+(.*)$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_PRIVATE = 0xF0000  # escaped punctuation is parked in a private-use plane while parsing
_INLINE = re.compile(
    r"\*\*\*(?=\S)(?P<bi1>.+?)(?<=\S)\*\*\*"
    r"|(?<![\w\\])___(?=\S)(?P<bi2>.+?)(?<=\S)___(?!\w)"
    r"|\*\*(?=\S)(?P<b1>(?:\*(?=\S)[^*]+?(?<=\S)\*|[^*])+?)(?<=\S)\*\*"
    r"|(?<![\w\\])__(?=\S)(?P<b2>.+?)(?<=\S)__(?!\w)"
    r"|\*(?=[^\s*])(?P<i1>(?:\*\*(?=\S)[^*]+?(?<=\S)\*\*|[^*])+?)(?<=\S)\*"
    r"|(?<![\w\\])_(?=[^\s_])(?P<i2>.+?)(?<=\S)_(?!\w)",
    re.DOTALL,
)


def markdown_paragraphs(text: str) -> list[tuple[Block, list[Span]]]:
    """An answer as the export writes it: each block with its runs of formatted text.

    One function for the builder and the review copy, which must find a quote's words in
    exactly the runs the builder wrote.
    """
    # Word's own line breaks from a paste stay line breaks, not Markdown's soft wraps.
    text = text.replace("\x0b", "  \n").replace("\x0c", "  \n")
    return [(block, inline_spans(block.text)) for block in markdown_blocks(clean_text(text))]


def markdown_blocks(text: str) -> list[Block]:
    """Paragraphs and bullets; lines wrapped inside a paragraph are joined again."""
    blocks: list[Block] = []
    lines: list[str] = []
    level: int | None = None

    def flush() -> None:
        nonlocal lines
        if lines:
            joined = ""
            for line in lines:
                hard = line.endswith("  ") or line.endswith("\\")
                part = line.rstrip().removesuffix("\\").rstrip() if hard else line.strip()
                joined += part.strip() + ("\n" if hard else " ")
            blocks.append(Block(joined.strip(), level))
        lines = []

    for raw in text.expandtabs(4).split("\n"):
        if not raw.strip():
            flush()
            continue
        bullet = _BULLET.match(raw)
        if bullet:
            flush()
            level = 1 if len(bullet.group(1)) >= 2 else 0
            lines = [bullet.group(2)]
            continue
        if not lines:
            level = None
        lines.append(raw.lstrip() if level is not None else raw)
    flush()
    return blocks


def inline_spans(text: str) -> list[Span]:
    """Runs of text with their bold and italic, from **bold**, *italic* and ***both***."""
    parked = _ESCAPED.sub(lambda m: chr(_PRIVATE + ord(m.group(1))), text)
    merged: list[Span] = []
    for span in _spans(parked, False, False):
        if not span.text:
            continue
        if merged and (merged[-1].bold, merged[-1].italic) == (span.bold, span.italic):
            merged[-1] = Span(merged[-1].text + span.text, span.bold, span.italic)
        else:
            merged.append(span)
    return [Span(_unpark(s.text), s.bold, s.italic) for s in merged]


def _spans(text: str, bold: bool, italic: bool) -> list[Span]:
    spans: list[Span] = []
    position = 0
    for match in _INLINE.finditer(text):
        spans.append(Span(text[position : match.start()], bold, italic))
        kind = match.lastgroup or ""
        spans.extend(_spans(match.group(kind), bold or kind.startswith("b"), italic or "i" in kind))
        position = match.end()
    spans.append(Span(text[position:], bold, italic))
    return spans


def _unpark(text: str) -> str:
    return "".join(
        chr(ord(ch) - _PRIVATE) if ord(ch) >= _PRIVATE and ord(ch) - _PRIVATE < 128 else ch
        for ch in text
    )


def _plain(text: str) -> str:
    """Markdown reduced to its words, for table cells built without formatting."""
    blocks = markdown_blocks(clean_text(text))
    lines = [
        ("• " if b.level is not None else "") + "".join(s.text for s in inline_spans(b.text))
        for b in blocks
    ]
    return "\n".join(lines)


def not_applicable(reason: str) -> str:
    reason = " ".join(clean_text(reason).split())
    return f"Not applicable — {reason}" if reason else "Not applicable — no reason given."


# ---- WordprocessingML the public API does not offer ------------------------------------------


def _reuse_empty_paragraph(part: Any) -> Paragraph:
    """The header's or footer's only empty paragraph (a fresh part has one), or a new one."""
    paragraphs = part.paragraphs
    if len(paragraphs) == 1 and not paragraphs[0].text and not paragraphs[0].runs:
        return paragraphs[0]
    return part.add_paragraph()


def _simple_field(instruction: str, shown: str) -> Any:
    return parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} ">'
        f"<w:r><w:t>{shown}</w:t></w:r></w:fldSimple>"
    )


def _field_char(kind: str, dirty: bool = False) -> Any:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run.append(char)
    return run


def _instruction(text: str) -> Any:
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = text
    run.append(instr)
    return run


def _text_run(text: str) -> Any:
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = clean_text(text)
    run.append(t)
    return run


def _update_fields_on_open(doc: DocxDocument) -> None:
    """``w:updateFields`` in settings.xml: Word refreshes the contents and page count on open."""
    settings = doc.settings.element
    element = settings.find(qn("w:updateFields"))
    if element is None:
        element = OxmlElement("w:updateFields")
        settings.insert_element_before(element, *_AFTER_UPDATE_FIELDS)
    element.set(qn("w:val"), "true")


def _row_prototype(widths: list[int], style_id: str | None, header: bool = False) -> Any:
    """One table row with an empty run per cell; a header row repeats on every page."""
    p_pr = f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>' if style_id else ""
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>'
        f'<w:p>{p_pr}<w:r><w:t xml:space="preserve"></w:t></w:r></w:p></w:tc>'
        for w in widths
    )
    tr_pr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else ""
    return parse_xml(f"<w:tr {nsdecls('w')}>{tr_pr}{cells}</w:tr>")


def _cell_of(t: Any) -> Any:
    """The w:tc holding a prototype cell's w:t (tc / p / r / t)."""
    return t.getparent().getparent().getparent()


def _merge_down(above: Any, below: Any) -> None:
    """Merge ``below`` into the cell above it: vMerge restart above, continue below."""
    above_pr = above.find(_W_TCPR)
    if above_pr.find(qn("w:vMerge")) is None:
        restart = OxmlElement("w:vMerge")
        restart.set(qn("w:val"), "restart")
        above_pr.append(restart)
    below.find(_W_TCPR).append(OxmlElement("w:vMerge"))
    for t in below.iter(_W_T):
        t.text = ""


def _multiline(t: Any, text: str) -> None:
    """Text with line breaks in one run: w:t, w:br, w:t …"""
    first, *rest = text.split("\n")
    t.text = first
    anchor = t
    for line in rest:
        br = OxmlElement("w:br")
        anchor.addnext(br)
        following = OxmlElement("w:t")
        following.set(qn("xml:space"), "preserve")
        following.text = line
        br.addnext(following)
        anchor = following
