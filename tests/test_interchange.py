"""The interchange JSON: the shipped example, lossless round trips and messages for bad input."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

import jsonschema
import pytest

from imr_app.core import codec, interchange, model
from imr_app.core.errors import InterchangeError
from imr_app.core.model import (
    ActionPlanRow,
    Answer,
    AnswerStatus,
    AuditEvent,
    Characteristic,
    ChronologyEntry,
    Comment,
    CommentAnchor,
    Consideration,
    ContactOutcome,
    DateCertainty,
    EqualityItem,
    ImrDraft,
    Lesson,
    PracticeFinding,
    PracticeKind,
    Question,
    QuestionSet,
    Recommendation,
    RecommendationScope,
    Relevance,
    SignOff,
    Subject,
    SubjectEquality,
    SubjectRole,
    WorkflowState,
)
from imr_app.core.question_sets import default_question_set
from imr_app.paths import resource_path

EXAMPLE = resource_path("examples", "example-imr.json")


def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def example_doc() -> dict[str, Any]:
    return json.loads(example_text())


def schema() -> dict[str, Any]:
    return json.loads(interchange.schema_path().read_text(encoding="utf-8"))


# --- the shipped example -------------------------------------------------------------------


def test_example_validates_and_round_trips_byte_identically() -> None:
    text = example_text()
    interchange.validate(json.loads(text))
    assert interchange.dumps(interchange.loads(text)) == text


def test_example_uses_the_default_question_set() -> None:
    draft = interchange.loads(example_text())
    default = default_question_set()
    assert (draft.question_set.id, draft.question_set.title, draft.question_set.version) == (
        default.id,
        default.title,
        default.version,
    )
    assert draft.question_set.questions == default.questions


def test_example_cross_references_resolve() -> None:
    draft = interchange.loads(example_text())
    subject_ids = {s.id for s in draft.subjects}
    chronology_ids = {e.id for e in draft.chronology}
    numbers = {q.number for q in draft.question_set.questions}
    citable = {p.id for p in draft.practice} | {lesson.id for lesson in draft.lessons}
    comment_ids = {c.id for c in draft.comments}

    assert {r for a in draft.answers for r in a.chronology_refs} <= chronology_ids
    assert {s for e in draft.chronology for s in e.subjects} <= subject_ids
    assert {s.subject_id for s in draft.equality.subjects} <= subject_ids
    assert {q for p in draft.practice for q in p.question_refs} <= numbers
    assert {c for r in draft.recommendations for c in r.cites} <= citable
    assert {c.parent_id for c in draft.comments if c.parent_id} <= comment_ids
    ids = [draft.id, *subject_ids, *chronology_ids, *citable, *comment_ids]
    ids += [r.id for r in draft.recommendations]
    ids += [a.id for r in draft.recommendations for a in r.actions]
    assert len(ids) == len(set(ids)), "ids must be unique"


def test_example_is_a_realistic_draft() -> None:
    draft = interchange.loads(example_text())
    statuses = [a.status for a in draft.answers]
    assert len(statuses) == 17
    assert statuses.count(AnswerStatus.IN_PROGRESS) == 1
    (not_applicable,) = [a for a in draft.answers if a.status is AnswerStatus.NOT_APPLICABLE]
    assert not_applicable.not_applicable_reason
    assert {e.certainty for e in draft.chronology} == set(DateCertainty)
    assert {ContactOutcome.DID_NOT_ATTEND, ContactOutcome.NO_REPLY} <= {
        e.contact_outcome for e in draft.chronology
    }
    assert Relevance.PRECIS in {e.relevance for e in draft.chronology}
    for equality in draft.equality.subjects:
        assert [i.characteristic for i in equality.items] == list(Characteristic)
        assert Consideration.NOT_CONSIDERED not in {i.consideration for i in equality.items}
    assert draft.workflow.state is WorkflowState.DRAFT
    assert draft.workflow.sign_off is None


def test_example_keeps_real_names_out_of_the_text() -> None:
    doc = example_doc()
    real_names = [s["real_name"] for s in doc["subjects"]]
    assert all(real_names)
    doc.pop("subjects")
    text = json.dumps(doc, ensure_ascii=False)
    for part in {p for name in real_names for p in name.split()}:
        assert not re.search(rf"\b{re.escape(part)}\b", text), part


# --- the schema matches the model ------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


_DEFS_FOR_CLASSES = {
    "review": model.Review,
    "agency": model.Agency,
    "agencyContext": model.AgencyContext,
    "author": model.Author,
    "sources": model.Sources,
    "subject": model.Subject,
    "chronologyEntry": model.ChronologyEntry,
    "equality": model.Equality,
    "subjectEquality": model.SubjectEquality,
    "equalityItem": model.EqualityItem,
    "otherFactors": model.OtherFactors,
    "practiceFinding": model.PracticeFinding,
    "lesson": model.Lesson,
    "recommendation": model.Recommendation,
    "actionPlanRow": model.ActionPlanRow,
    "comment": model.Comment,
    "commentAnchor": model.CommentAnchor,
    "workflow": model.Workflow,
    "signOff": model.SignOff,
    "auditEvent": model.AuditEvent,
}


@pytest.mark.parametrize("name", sorted(_DEFS_FOR_CLASSES))
def test_schema_object_lists_every_field_of_its_dataclass(name: str) -> None:
    definition = schema()["$defs"][name]
    expected = list(codec.field_order(_DEFS_FOR_CLASSES[name]))
    assert list(definition["properties"]) == expected
    assert definition["required"] == expected
    assert definition["additionalProperties"] is False


def test_schema_question_and_answer_match_the_nesting_to_document_writes() -> None:
    defs = schema()["$defs"]
    answer_fields = [f for f in codec.field_order(Answer) if f != "question_number"]
    assert list(defs["answer"]["properties"]) == answer_fields
    assert list(defs["question"]["properties"]) == [*codec.field_order(Question), "answer"]


def test_schema_top_level_keys_follow_to_document() -> None:
    draft = ImrDraft(question_set=QuestionSet("qs", "Questions", "1", [Question("i", "Why?")]))
    assert list(schema()["properties"]) == list(interchange.to_document(draft))
    assert schema()["required"] == list(interchange.to_document(draft))


def _enums(node: Any) -> list[list[str]]:
    if isinstance(node, dict):
        found = [node["enum"]] if "enum" in node else []
        return found + [e for v in node.values() for e in _enums(v)]
    if isinstance(node, list):
        return [e for v in node for e in _enums(v)]
    return []


def test_schema_enums_are_exactly_the_model_enums() -> None:
    model_enums = sorted(
        sorted(m.value for m in obj)
        for obj in vars(model).values()
        if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum
    )
    assert sorted(sorted(e) for e in _enums(schema())) == model_enums


# --- lossless round trip of awkward content --------------------------------------------------

ARABIC = "قالت إنها كانت خائفة من فقدان طفلها"
HEBREW = "היא אמרה שהיא פחדה לאבד את הילד"
EMOJI = "👩🏽‍👧 🇬🇧 ❤️‍🩹 🤝"
MIXED = f"Amina said «{ARABIC}» — ‏{HEBREW}‏ — {EMOJI} (e\u0301, ß, İ, \u2028, \u00a0)"


def _long_answer(min_bytes: int = 50 * 1024) -> str:
    paragraphs = []
    i = 0
    while len("\n\n".join(paragraphs).encode("utf-8")) < min_bytes:
        i += 1
        paragraphs.append(f"**Paragraph {i}.** {MIXED} *{ARABIC}*\n- {HEBREW}\n- {EMOJI}")
    return "\n\n".join(paragraphs)


def rich_draft() -> ImrDraft:
    questions = [
        Question("i", "Were practitioners sensitive to {victim}?", "Guidance “quoted”."),
        Question("ii", f"Question in Arabic: {ARABIC}؟"),
        Question("iii", "Empty guidance"),
    ]
    draft = ImrDraft(question_set=QuestionSet("custom-✓", "Set — תנאי", "2.0-β", questions))
    draft.review.name = f"DHR {ARABIC}"
    draft.review.period_start = date(2016, 2, 29)
    draft.review.period_end = date(2024, 2, 29)
    draft.agency.name = 'Agency with\ttab, "quotes", back\\slash and a control \x0b char'
    draft.agency.context.training = HEBREW
    draft.author.records_secured_on = date(2024, 3, 1)
    draft.sources.staff_interviewed = ["Nurse 👩‍⚕️", "", ARABIC]
    victim = Subject(f"أمينة {EMOJI}", SubjectRole.VICTIM, real_name=HEBREW)
    other = Subject("", SubjectRole.OTHER)
    draft.subjects = [victim, other]
    entry = ChronologyEntry(
        date(2020, 5, 1),
        "Record ✓",
        date_as_recorded="صيف 2020",
        certainty=DateCertainty.SPAN,
        date_end=date(2020, 8, 31),
        time="23:59",
        subjects=[victim.id, other.id],
        staff=[HEBREW],
        event=MIXED,
        domestic_abuse=True,
        contact_outcome=ContactOutcome.CANCELLED,
        relevance=Relevance.PRECIS,
    )
    draft.chronology = [entry, ChronologyEntry(date(1900, 1, 1), "")]
    draft.answers = [
        Answer("i", _long_answer(), AnswerStatus.COMPLETE, chronology_refs=[entry.id]),
        Answer("ii", MIXED, AnswerStatus.IN_PROGRESS),
        Answer("iii", "", AnswerStatus.NOT_APPLICABLE, not_applicable_reason=HEBREW),
    ]
    equality = SubjectEquality(victim.id)
    equality.items[5] = EqualityItem(Characteristic.RACE, Consideration.RELEVANT, ARABIC)
    equality.intersectionality = EMOJI
    equality.other_factors.language = f"{ARABIC} / {HEBREW}"
    draft.equality.subjects = [equality]
    draft.equality.statement = MIXED
    draft.analysis = _long_answer(2_000)
    finding = PracticeFinding(PracticeKind.POOR, EMOJI, ["i", "ii"])
    lesson = Lesson(HEBREW)
    draft.practice = [finding, PracticeFinding(PracticeKind.GOOD, "")]
    draft.lessons = [lesson]
    row = ActionPlanRow(ARABIC, "Lead", "", date(2025, 1, 31), date(2025, 1, 2), EMOJI)
    draft.recommendations = [
        Recommendation(MIXED, RecommendationScope.NATIONAL, [finding.id, lesson.id], [row]),
    ]
    plus_0530 = timezone(timedelta(hours=5, minutes=30))
    root = Comment(
        CommentAnchor("answer", "ii", 0, len(MIXED)),
        ARABIC,
        HEBREW,
        created_at=datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=plus_0530),
    )
    reply = Comment(
        CommentAnchor("section", "analysis"), EMOJI, "Author", parent_id=root.id, resolved=True
    )
    draft.comments = [root, reply]
    draft.workflow.state = WorkflowState.SIGNED_OFF
    draft.workflow.sign_off = SignOff("Name", "Role", date(2025, 2, 1), HEBREW, "", "ab" * 32)
    draft.audit = [
        AuditEvent(datetime(2024, 1, 1, 9, 0), "created"),  # a naive time must survive too
        AuditEvent(datetime(2024, 1, 2, 9, 0, tzinfo=UTC), "signed_off", ARABIC),
    ]
    return draft


def test_rich_draft_round_trips_losslessly() -> None:
    draft = rich_draft()
    original = interchange.to_document(draft)
    text = interchange.dumps(draft)
    assert len(original["terms_of_reference"]["questions"][0]["answer"]["text"].encode()) >= (
        50 * 1024
    )

    again = interchange.loads(text)

    assert interchange.to_document(again) == original
    assert interchange.dumps(again) == text
    assert again == draft  # dataclass equality: every field, ids and enums included


def test_dumps_writes_unicode_characters_not_escapes() -> None:
    text = interchange.dumps(rich_draft())
    assert ARABIC in text
    assert HEBREW in text
    assert "👩🏽‍👧" in text
    assert text.endswith("}\n")


def test_validate_accepts_what_to_document_writes() -> None:
    interchange.validate(interchange.to_document(rich_draft()))
    empty = ImrDraft(question_set=QuestionSet("qs", "Questions", "1", []))
    interchange.validate(interchange.to_document(empty))


# --- malformed input -----------------------------------------------------------------------


def test_json_syntax_error_names_the_line() -> None:
    lines = example_text().splitlines(keepends=True)
    assert lines[4].rstrip().endswith(",")  # "name": "...", inside "review"
    lines[4] = lines[4].rstrip().removesuffix(",") + "\n"
    with pytest.raises(InterchangeError) as caught:
        interchange.loads("".join(lines))
    assert caught.value.path.startswith("line 6, column ")
    assert "line 6" in str(caught.value)


def _loads_modified(change: Any) -> InterchangeError:
    doc = example_doc()
    change(doc)
    with pytest.raises(InterchangeError) as caught:
        interchange.loads(json.dumps(doc))
    return caught.value


def test_wrong_enum_value_names_its_path() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["subjects"][0]["role"] = "suspect"

    error = _loads_modified(change)
    assert error.path == "$.subjects[0].role"
    assert "suspect" in error.problem


def test_wrong_enum_value_deep_in_the_document_names_its_path() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["terms_of_reference"]["questions"][2]["answer"]["status"] = "done"

    error = _loads_modified(change)
    assert error.path == "$.terms_of_reference.questions[2].answer.status"
    assert "'done'" in error.problem


def test_unknown_field_is_named() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["chronology"][3]["colour"] = "red"

    error = _loads_modified(change)
    assert error.path == "$.chronology[3]"
    assert "'colour' was unexpected" in error.problem


def test_unknown_top_level_part_is_named() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["appendix"] = []

    error = _loads_modified(change)
    assert error.path == "$"
    assert "appendix" in error.problem


def test_missing_required_field_is_named() -> None:
    def change(doc: dict[str, Any]) -> None:
        del doc["subjects"][1]["pseudonym"]

    error = _loads_modified(change)
    assert error.path == "$.subjects[1]"
    assert "'pseudonym' is a required property" in error.problem


def test_impossible_date_names_its_path() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["chronology"][0]["date_start"] = "2016-02-31"

    error = _loads_modified(change)
    assert error.path == "$.chronology[0].date_start"
    assert "2016-02-31" in error.problem


def test_date_in_uk_order_is_refused_by_the_schema() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["review"]["period_start"] = "01/03/2019"

    error = _loads_modified(change)
    assert error.path == "$.review.period_start"


def test_newer_format_version_is_refused_with_a_clear_message() -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["format_version"] = interchange.FORMAT_VERSION + 1

    error = _loads_modified(change)
    assert error.path == "$.format_version"
    assert "newer version of IMR Author" in error.problem


def test_top_level_must_be_an_object() -> None:
    with pytest.raises(InterchangeError) as caught:
        interchange.loads("[]")
    assert caught.value.path == "$"
