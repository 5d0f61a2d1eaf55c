"""The versioned interchange JSON for a whole IMR (documented in docs/interchange-format.md).

The JSON reads like the report: review, agency, author, subjects, the terms of
reference with each question's answer, chronology, equality, recommendations.
Writing is canonical (fixed key order, two-space indent), so importing a file and
dumping it again gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from imr_app.core import codec
from imr_app.core.errors import InterchangeError
from imr_app.core.model import (
    Agency,
    Answer,
    AuditEvent,
    Author,
    ChronologyEntry,
    Comment,
    Equality,
    ImrDraft,
    Lesson,
    PracticeFinding,
    Question,
    QuestionSet,
    Recommendation,
    Review,
    SectionState,
    Sources,
    Subject,
    Workflow,
)

FORMAT_VERSION = 1

# Top-level parts in the order of the report; each is (key, attribute, type).
_SIMPLE_PARTS: tuple[tuple[str, type], ...] = (
    ("review", Review),
    ("agency", Agency),
    ("author", Author),
    ("sources", Sources),
)
_LIST_PARTS: tuple[tuple[str, type], ...] = (("chronology", ChronologyEntry),)
_TAIL_LIST_PARTS: tuple[tuple[str, type], ...] = (
    ("practice", PracticeFinding),
    ("lessons", Lesson),
    ("recommendations", Recommendation),
    ("comments", Comment),
    ("sections", SectionState),
)


def normalise_answers(draft: ImrDraft) -> None:
    """Keep exactly one answer per question, in question order."""
    by_number = {a.question_number: a for a in draft.answers}
    draft.answers = [
        by_number.get(q.number) or Answer(q.number) for q in draft.question_set.questions
    ]


def to_document(draft: ImrDraft) -> dict[str, Any]:
    """The draft as an interchange document (a dict ready for ``json.dumps``)."""
    answers = {a.question_number: a for a in draft.answers}
    doc: dict[str, Any] = {"format_version": FORMAT_VERSION, "id": draft.id}
    for key, _ in _SIMPLE_PARTS:
        doc[key] = codec.to_plain(getattr(draft, key))
    doc["subjects"] = codec.to_plain(draft.subjects)
    qs = draft.question_set
    doc["terms_of_reference"] = {
        "question_set": {"id": qs.id, "title": qs.title, "version": qs.version},
        "questions": [
            {
                **codec.to_plain(q),
                "answer": _answer_body(codec.to_plain(answers.get(q.number, Answer(q.number)))),
            }
            for q in qs.questions
        ],
    }
    for key, _ in _LIST_PARTS:
        doc[key] = codec.to_plain(getattr(draft, key))
    doc["equality"] = codec.to_plain(draft.equality)
    doc["analysis"] = draft.analysis
    for key, _ in _TAIL_LIST_PARTS:
        doc[key] = codec.to_plain(getattr(draft, key))
    doc["workflow"] = codec.to_plain(draft.workflow)
    doc["audit"] = codec.to_plain(draft.audit)
    return doc


def _answer_body(plain: dict[str, Any]) -> dict[str, Any]:
    plain.pop("question_number")
    return plain


def from_document(doc: Any) -> ImrDraft:
    """Build a draft from an interchange document, naming the path of the first problem."""
    validate(doc)
    tor = doc["terms_of_reference"]
    questions: list[Question] = []
    answers: list[Answer] = []
    for i, q in enumerate(tor["questions"]):
        path = f"$.terms_of_reference.questions[{i}]"
        body = {k: v for k, v in q.items() if k != "answer"}
        question = codec.from_plain(Question, body, path)
        if any(known.number == question.number for known in questions):
            raise InterchangeError(f"{path}.number", f"question {question.number!r} appears twice")
        questions.append(question)
        answer = {"question_number": question.number, **q.get("answer", {})}
        answers.append(codec.from_plain(Answer, answer, f"{path}.answer"))
    header = tor["question_set"]
    draft = ImrDraft(
        question_set=QuestionSet(header["id"], header["title"], header["version"], questions),
        answers=answers,
        id=doc["id"],
        analysis=doc.get("analysis", ""),
        subjects=codec.from_plain(list[Subject], doc.get("subjects", []), "$.subjects"),
        equality=codec.from_plain(Equality, doc.get("equality", {}), "$.equality"),
        workflow=codec.from_plain(Workflow, doc.get("workflow", {}), "$.workflow"),
        audit=codec.from_plain(list[AuditEvent], doc.get("audit", []), "$.audit"),
    )
    for key, cls in _SIMPLE_PARTS:
        setattr(draft, key, codec.from_plain(cls, doc.get(key, {}), f"$.{key}"))
    for key, cls in _LIST_PARTS + _TAIL_LIST_PARTS:
        setattr(draft, key, codec.from_plain(list[cls], doc.get(key, []), f"$.{key}"))  # type: ignore[valid-type]
    return draft


def dumps(draft: ImrDraft) -> str:
    return json.dumps(to_document(draft), ensure_ascii=False, indent=2) + "\n"


def loads(text: str) -> ImrDraft:
    """Parse interchange JSON text; syntax errors name the line and column."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InterchangeError(f"line {exc.lineno}, column {exc.colno}", exc.msg) from None
    try:
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InterchangeError(
            "$", "holds text that is not valid Unicode (a lone surrogate)"
        ) from None
    return from_document(doc)


def validate(doc: Any) -> None:
    """Check the document against the JSON Schema shipped in resources/schema."""
    if not isinstance(doc, dict):
        raise InterchangeError("$", "expected a JSON object at the top level")
    version = doc.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise InterchangeError(
            "$.format_version",
            f"format {version} was written by a newer version of IMR Author; please update",
        )
    import jsonschema  # lazily: only imports and tests need it

    validator = jsonschema.Draft202012Validator(_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        path = "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path
        )
        raise InterchangeError(path, error.message)


def schema_path() -> Path:
    from imr_app.paths import resource_path

    return resource_path("schema", f"imr-interchange-v{FORMAT_VERSION}.schema.json")


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return schema
