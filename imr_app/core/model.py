"""The IMR as the field knows it: plain dataclasses, no Qt and no SQL.

Every field here is stored by the storage layer and round-trips through the
interchange JSON (see ``codec.py``), so adding a field means adding it once, here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


def new_id() -> str:
    """A stable identifier that survives edits, reordering and export."""
    return uuid.uuid4().hex


class ReviewType(StrEnum):
    DHR = "DHR"
    DARDR = "DARDR"
    MAR = "MAR"
    SAR = "SAR"
    CSPR = "CSPR"
    OTHER = "OTHER"


class SubjectRole(StrEnum):
    VICTIM = "victim"
    PERPETRATOR = "perpetrator"
    CHILD = "child"
    FAMILY = "family"
    OTHER = "other"


class AnswerStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    NOT_APPLICABLE = "not_applicable"


class DateCertainty(StrEnum):
    EXACT = "exact"
    APPROXIMATE = "approximate"
    MONTH = "month"
    YEAR = "year"
    SPAN = "span"


class ContactOutcome(StrEnum):
    NOT_A_CONTACT_ATTEMPT = ""
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did_not_attend"
    NO_REPLY = "no_reply"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class Relevance(StrEnum):
    FULL = "full"
    PRECIS = "precis"


class Characteristic(StrEnum):
    """The nine protected characteristics of the Equality Act 2010."""

    AGE = "age"
    DISABILITY = "disability"
    GENDER_REASSIGNMENT = "gender_reassignment"
    MARRIAGE_CIVIL_PARTNERSHIP = "marriage_civil_partnership"
    PREGNANCY_MATERNITY = "pregnancy_maternity"
    RACE = "race"
    RELIGION_BELIEF = "religion_belief"
    SEX = "sex"
    SEXUAL_ORIENTATION = "sexual_orientation"


class Consideration(StrEnum):
    NOT_CONSIDERED = "not_considered"
    RELEVANT = "relevant"
    NOT_RELEVANT = "not_relevant"
    NOT_KNOWN = "not_known"


class RecommendationScope(StrEnum):
    LOCAL = "local"
    REGIONAL = "regional"
    NATIONAL = "national"


class PracticeKind(StrEnum):
    GOOD = "good"
    POOR = "poor"


class WorkflowState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    SIGNED_OFF = "signed_off"
    REOPENED = "reopened"


class SectionId(StrEnum):
    """The IMR's sections, in the order of the exported report."""

    REVIEW = "review"
    AUTHOR = "author"
    AGENCY_CONTEXT = "agency_context"
    SOURCES = "sources"
    SUBJECTS = "subjects"
    TERMS_OF_REFERENCE = "terms_of_reference"
    CHRONOLOGY = "chronology"
    ANALYSIS = "analysis"
    EQUALITY = "equality"
    PRACTICE = "practice"
    LESSONS = "lessons"
    RECOMMENDATIONS = "recommendations"
    SIGN_OFF = "sign_off"


class SectionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    NOT_APPLICABLE = "not_applicable"


DEFAULT_PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"


@dataclass
class Review:
    name: str = ""
    review_type: ReviewType = ReviewType.DHR
    commissioning_partnership: str = ""
    period_start: date | None = None
    period_end: date | None = None
    date_of_death: date | None = None
    protective_marking: str = DEFAULT_PROTECTIVE_MARKING


@dataclass
class AgencyContext:
    """Resourcing and conditions of the professionals involved (ToR 5.5.4)."""

    resourcing: str = ""
    workload: str = ""
    supervision: str = ""
    training: str = ""
    restructuring: str = ""


@dataclass
class Agency:
    name: str = ""
    context: AgencyContext = field(default_factory=AgencyContext)
    # The agency's own Word template for the export (a path); empty for the shipped one.
    template: str = ""


@dataclass
class Author:
    name: str = ""
    role: str = ""
    independence_declaration: str = ""
    records_secured_on: date | None = None


@dataclass
class Sources:
    records_reviewed: str = ""
    staff_interviewed: list[str] = field(default_factory=list)
    methodology: str = ""


@dataclass
class Subject:
    pseudonym: str
    role: SubjectRole = SubjectRole.OTHER
    real_name: str = ""
    notes: str = ""
    id: str = field(default_factory=new_id)


@dataclass
class Question:
    """One terms-of-reference question; ``text`` may hold ``{victim}``-style placeholders."""

    number: str
    text: str
    guidance: str = ""


@dataclass
class QuestionSet:
    id: str
    title: str
    version: str
    questions: list[Question] = field(default_factory=list)


@dataclass
class Answer:
    """An answer in the Markdown subset the export reproduces (paragraphs, bold, italic, lists)."""

    question_number: str
    text: str = ""
    status: AnswerStatus = AnswerStatus.NOT_STARTED
    not_applicable_reason: str = ""
    chronology_refs: list[str] = field(default_factory=list)


@dataclass
class ChronologyEntry:
    date_start: date
    source: str
    date_as_recorded: str = ""
    certainty: DateCertainty = DateCertainty.EXACT
    date_end: date | None = None
    time: str = ""
    end_time: str = ""
    subjects: list[str] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)
    event: str = ""
    action: str = ""
    outcome: str = ""
    domestic_abuse: bool = False
    significant: bool = False
    contact_outcome: ContactOutcome = ContactOutcome.NOT_A_CONTACT_ATTEMPT
    relevance: Relevance = Relevance.FULL
    id: str = field(default_factory=new_id)


@dataclass
class EqualityItem:
    characteristic: Characteristic
    consideration: Consideration = Consideration.NOT_CONSIDERED
    analysis: str = ""


@dataclass
class OtherFactors:
    immigration_status: str = ""
    language: str = ""
    substance_use: str = ""
    mental_health: str = ""
    socio_economic: str = ""


def all_characteristics() -> list[EqualityItem]:
    return [EqualityItem(c) for c in Characteristic]


@dataclass
class SubjectEquality:
    subject_id: str
    items: list[EqualityItem] = field(default_factory=all_characteristics)
    intersectionality: str = ""
    other_factors: OtherFactors = field(default_factory=OtherFactors)


@dataclass
class Equality:
    subjects: list[SubjectEquality] = field(default_factory=list)
    statement: str = ""


@dataclass
class PracticeFinding:
    kind: PracticeKind
    text: str
    question_refs: list[str] = field(default_factory=list)
    id: str = field(default_factory=new_id)


@dataclass
class Lesson:
    text: str
    id: str = field(default_factory=new_id)


@dataclass
class ActionPlanRow:
    action: str = ""
    lead: str = ""
    milestones: str = ""
    target_date: date | None = None
    completed_on: date | None = None
    outcome: str = ""
    id: str = field(default_factory=new_id)


@dataclass
class Recommendation:
    text: str
    scope: RecommendationScope = RecommendationScope.LOCAL
    cites: list[str] = field(default_factory=list)
    actions: list[ActionPlanRow] = field(default_factory=list)
    id: str = field(default_factory=new_id)


@dataclass
class CommentAnchor:
    """Where a comment points: a section, an answer span, an equality item, a row by its id."""

    kind: str
    ref: str = ""
    span_start: int | None = None
    span_end: int | None = None


@dataclass
class Comment:
    anchor: CommentAnchor
    text: str
    author_name: str
    author_role: str = ""
    created_at: datetime | None = None
    parent_id: str = ""
    resolved: bool = False
    id: str = field(default_factory=new_id)


@dataclass
class SignOff:
    name: str
    role: str
    signed_on: date
    statement: str = ""
    override_reason: str = ""
    content_hash: str = ""


@dataclass
class SectionState:
    """What the author said of a section: complete, or not applicable and why."""

    section: SectionId
    status: SectionStatus = SectionStatus.IN_PROGRESS
    reason: str = ""


@dataclass
class Workflow:
    state: WorkflowState = WorkflowState.DRAFT
    sign_off: SignOff | None = None


@dataclass
class AuditEvent:
    at: datetime
    action: str
    actor: str = ""
    role: str = ""
    detail: str = ""


@dataclass
class ImrDraft:
    """A whole Individual Management Review, as one agency writes it."""

    question_set: QuestionSet
    review: Review = field(default_factory=Review)
    agency: Agency = field(default_factory=Agency)
    author: Author = field(default_factory=Author)
    sources: Sources = field(default_factory=Sources)
    subjects: list[Subject] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    chronology: list[ChronologyEntry] = field(default_factory=list)
    equality: Equality = field(default_factory=Equality)
    analysis: str = ""
    practice: list[PracticeFinding] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    sections: list[SectionState] = field(default_factory=list)
    workflow: Workflow = field(default_factory=Workflow)
    audit: list[AuditEvent] = field(default_factory=list)
    id: str = field(default_factory=new_id)

    def answer_for(self, number: str) -> Answer:
        """The answer to question ``number``, created empty when none is stored yet."""
        for answer in self.answers:
            if answer.question_number == number:
                return answer
        answer = Answer(number)
        self.answers.append(answer)
        return answer

    def section_state(self, section: SectionId) -> SectionState | None:
        return next((s for s in self.sections if s.section is section), None)

    def set_section_state(self, state: SectionState) -> None:
        self.sections = [s for s in self.sections if s.section is not state.section]
        self.sections.append(state)
        self.sections.sort(key=lambda s: list(SectionId).index(s.section))

    def victim(self) -> Subject | None:
        return next((s for s in self.subjects if s.role is SubjectRole.VICTIM), None)
