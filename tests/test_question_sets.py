"""Question sets are data a panel writes by hand, so the errors must point at the line or field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imr_app.core.errors import QuestionSetError
from imr_app.core.model import Question, QuestionSet, Subject, SubjectRole
from imr_app.core.question_sets import (
    QUESTION_SET_FORMAT,
    QUESTION_SET_FORMAT_VERSION,
    default_question_set,
    load_question_set,
    parse_question_set,
    question_set_to_json,
    question_text,
)

ROMAN = [
    *("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"),
    *("xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii"),
]


def document(**overrides: object) -> dict[str, object]:
    """A small valid question-set document; tests break one thing at a time."""
    doc: dict[str, object] = {
        "format": QUESTION_SET_FORMAT,
        "format_version": QUESTION_SET_FORMAT_VERSION,
        "id": "panel-tor",
        "title": "Panel terms of reference",
        "version": "2",
        "questions": [
            {"number": "1", "text": "Did staff know {victim}?", "guidance": "Say who."},
            {"number": "2", "text": "What was known about {perpetrator}?"},
        ],
    }
    doc.update(overrides)
    return doc


def dumps(doc: object) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)


def parse_error(text: str) -> str:
    with pytest.raises(QuestionSetError) as info:
        parse_question_set(text, "panel-tor.json")
    message = str(info.value)
    assert message.startswith("panel-tor.json: ")
    return message


# --- the default set ----------------------------------------------------------------------------


def test_default_set_has_the_seventeen_tor_questions_in_order() -> None:
    qs = default_question_set()
    assert qs.id == "dhr-default"
    assert [q.number for q in qs.questions] == ROMAN


def test_every_default_question_has_guidance() -> None:
    missing = [q.number for q in default_question_set().questions if len(q.guidance) < 80]
    assert missing == []


def test_default_set_names_nobody() -> None:
    for q in default_question_set().questions:
        assert "Connie" not in q.text
        assert "Connie" not in q.guidance


def test_default_questions_keep_the_seed_wording() -> None:
    by_number = {q.number: q.text for q in default_question_set().questions}
    assert by_number["i"].startswith("Were practitioners sensitive to the needs of {victim}, ")
    assert by_number["ii"].endswith(
        "Multi-Agency Risk Assessment Conference (MARAC) or other multi-agency forums?"
    )
    assert by_number["xvii"] == "How accessible were the services to {victim}?"


def test_victim_placeholder_is_filled_from_the_subject_register() -> None:
    qs = default_question_set()
    subjects = [
        Subject("Ryan Davis", SubjectRole.PERPETRATOR),
        Subject("Connie Smith", SubjectRole.VICTIM),
    ]
    first = question_text(qs.questions[0], subjects)
    assert first.startswith("Were practitioners sensitive to the needs of Connie Smith, ")
    assert question_text(qs.questions[-1], subjects) == (
        "How accessible were the services to Connie Smith?"
    )
    assert all("{" not in question_text(q, subjects) for q in qs.questions)


def test_placeholders_fall_back_when_nobody_holds_the_role() -> None:
    question = Question("1", "Did {victim} know {perpetrator}?")
    assert question_text(question, []) == "Did the victim know the perpetrator?"
    child_only = [Subject("Child B", SubjectRole.CHILD)]
    assert question_text(question, child_only) == "Did the victim know the perpetrator?"
    assert question_text(question, [Subject("Ryan", SubjectRole.PERPETRATOR)]) == (
        "Did the victim know Ryan?"
    )


# --- round trip and files ----------------------------------------------------------------------


def test_round_trip_through_json_is_equal() -> None:
    qs = default_question_set()
    assert parse_question_set(question_set_to_json(qs)) == qs

    small = QuestionSet("x", "Small", "1", [Question("a", "Text for {perpetrator}?")])
    assert parse_question_set(question_set_to_json(small)) == small


def test_missing_guidance_is_allowed_and_empty() -> None:
    qs = parse_question_set(dumps(document()))
    assert [q.guidance for q in qs.questions] == ["Say who.", ""]


def test_file_with_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "panel-tor.json"
    path.write_bytes(b"\xef\xbb\xbf" + dumps(document()).encode("utf-8"))
    assert load_question_set(path).id == "panel-tor"


def test_non_utf8_file_names_the_file_and_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "panel-tor.json"
    text = dumps(document(title="Review of Zoë’s death"))
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(QuestionSetError) as info:
        load_question_set(path)
    message = str(info.value)
    assert "panel-tor.json" in message
    assert "UTF-8" in message
    assert "line 5" in message  # the title line, where the first non-UTF-8 byte is


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    with pytest.raises(QuestionSetError, match=r"nowhere\.json"):
        load_question_set(path)


# --- malformed files ----------------------------------------------------------------------------


def test_json_syntax_error_names_line_and_column() -> None:
    lines = dumps(document()).splitlines()
    lines[3] = lines[3].rstrip(",")  # drop the comma after "id", so line 5 is unexpected
    message = parse_error("\n".join(lines))
    assert "line 5, column 3" in message
    assert "Expecting ',' delimiter" in message


def test_missing_text_names_the_field_and_line() -> None:
    doc = document()
    doc["questions"] = [{"number": "1", "text": "Fine?"}, {"number": "2", "guidance": "No text."}]
    text = dumps(doc)
    message = parse_error(text)
    assert "questions[1].text: required field is missing" in message
    lines = text.splitlines()
    opening_brace = lines.index('      "number": "2",') - 1
    assert lines[opening_brace].strip() == "{"
    assert f"(line {opening_brace + 1})" in message


def test_blank_text_is_rejected() -> None:
    doc = document(questions=[{"number": "1", "text": "   "}])
    assert "questions[0].text: must not be empty" in parse_error(dumps(doc))


def test_unknown_placeholder_names_question_and_placeholder() -> None:
    doc = document(questions=[{"number": "iv", "text": "Did staff see {victm} alone?"}])
    message = parse_error(dumps(doc))
    assert "questions[0].text" in message
    assert "question iv" in message
    assert "{victm}" in message


def test_stray_brace_is_rejected() -> None:
    doc = document(questions=[{"number": "1", "text": "Did staff see {victim alone?"}])
    assert "unmatched" in parse_error(dumps(doc))


def test_duplicate_number_is_named() -> None:
    doc = document(
        questions=[
            {"number": "vi", "text": "First?"},
            {"number": "vii", "text": "Second?"},
            {"number": "vi", "text": "Third?"},
        ]
    )
    message = parse_error(dumps(doc))
    assert "questions[2].number" in message
    assert '"vi" is used twice' in message
    assert "questions[0]" in message


def test_unknown_question_field_is_named() -> None:
    doc = document(questions=[{"number": "1", "text": "Fine?", "guidence": "typo"}])
    assert "questions[0].guidence: unknown field" in parse_error(dumps(doc))


def test_wrong_format_marker() -> None:
    message = parse_error(dumps(document(format="imr-template")))
    assert "format:" in message
    assert '"imr-template"' in message
    assert "(line 2)" in message


def test_missing_format_marker() -> None:
    doc = document()
    del doc["format"]
    assert "format: expected" in parse_error(dumps(doc))


def test_newer_format_version_asks_for_a_newer_app() -> None:
    message = parse_error(dumps(document(format_version=QUESTION_SET_FORMAT_VERSION + 1)))
    assert "format_version" in message
    assert "written for a newer version of IMR Author" in message


def test_format_version_must_be_a_whole_number() -> None:
    assert "format_version: must be a whole number" in parse_error(
        dumps(document(format_version="1"))
    )


def test_empty_question_list() -> None:
    message = parse_error(dumps(document(questions=[])))
    assert "questions: the set has no questions" in message


def test_missing_title() -> None:
    doc = document()
    del doc["title"]
    assert "title: required field is missing" in parse_error(dumps(doc))


def test_top_level_must_be_an_object() -> None:
    assert "one JSON object" in parse_error("[]")


def test_duplicate_key_in_one_question_is_rejected() -> None:
    text = dumps(document()).replace(
        '"guidance": "Say who."', '"guidance": "Say who.", "text": "Other?"'
    )
    assert 'the key "text" appears twice' in parse_error(text)
