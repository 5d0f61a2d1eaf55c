"""Terms-of-reference question sets, read from and written to JSON files.

Question sets differ by Community Safety Partnership and review type, so they are data, never
code: a panel can hand an agency its own set as a file, and the app ships one default (the
seventeen questions of ToR 5.6.1). The files are written by hand by people who are not
programmers, so every problem is reported with the file, the line and the field at fault rather
than as a traceback. The format is described in ``docs/question-sets.md``.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imr_app.core.errors import QuestionSetError
from imr_app.core.model import Question, QuestionSet, Subject, SubjectRole
from imr_app.paths import resource_path

QUESTION_SET_FORMAT = "imr-question-set"
QUESTION_SET_FORMAT_VERSION = 1
PLACEHOLDERS = ("victim", "perpetrator")

DEFAULT_QUESTION_SET = ("question_sets", "default.json")

# What a placeholder is replaced with when the subject register has nobody in that role yet, so
# the question still reads as a sentence while the author is filling the register in.
_FALLBACKS = {"victim": "the victim", "perpetrator": "the perpetrator"}
_PLACEHOLDER_ROLES = {"victim": SubjectRole.VICTIM, "perpetrator": SubjectRole.PERPETRATOR}

_TOP_LEVEL_KEYS = ("format", "format_version", "id", "title", "version", "questions")
_QUESTION_KEYS = ("number", "text", "guidance")
_BRACED = re.compile(r"\{([^{}]*)\}")
_JSON_WHITESPACE = " \t\n\r"
_BOM = "\ufeff"


# --- public API ------------------------------------------------------------------------------


def parse_question_set(text: str, source: str = "question set") -> QuestionSet:
    """Read a question set from the text of a file, checking everything a panel could get wrong.

    ``source`` names the file in messages, so the author knows which file to fix.
    Raises ``QuestionSetError`` naming the line (for JSON syntax) or the field (for content).
    """
    text = text.removeprefix(_BOM)
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise QuestionSetError(
            f"{source}: line {exc.lineno}, column {exc.colno}: {exc.msg} "
            "(the file is not valid JSON)"
        ) from exc
    except _DuplicateKeyError as exc:
        raise QuestionSetError(
            f'{source}: the key "{exc.key}" appears twice in the same object; '
            "keep one, or the other would be silently ignored"
        ) from exc
    return _Reader(source, text).read(data)


def load_question_set(path: Path) -> QuestionSet:
    """Read a question set file (UTF-8, with or without the byte-order mark Windows editors add)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise QuestionSetError(f"Cannot read the question set file {path}: {reason}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise QuestionSetError(
            f"{path.name}: line {line}: the file is not UTF-8 text. Open it in a text editor "
            "and save it again with the encoding set to UTF-8."
        ) from exc
    return parse_question_set(text, source=path.name)


def default_question_set() -> QuestionSet:
    """The set a new draft starts with unless the panel supplied its own: ToR 5.6.1 i–xvii."""
    return load_question_set(resource_path(*DEFAULT_QUESTION_SET))


def fill_placeholders(text: str, subjects: list[Subject]) -> str:
    """Replace ``{victim}`` and ``{perpetrator}`` with pseudonyms from the subject register.

    Plain replacement rather than ``str.format`` so that text which never went through
    ``parse_question_set`` cannot raise. The first subject in each role is used; with nobody in
    that role (or a blank pseudonym) a generic phrase keeps the sentence readable.
    """
    for name in PLACEHOLDERS:
        token = "{" + name + "}"
        if token not in text:
            continue
        role = _PLACEHOLDER_ROLES[name]
        subject = next((s for s in subjects if s.role is role), None)
        pseudonym = subject.pseudonym.strip() if subject else ""
        text = text.replace(token, pseudonym or _FALLBACKS[name])
    return text


def question_text(question: Question, subjects: list[Subject]) -> str:
    """The question as the author and the exported IMR should read it, with pseudonyms filled in."""
    return fill_placeholders(question.text, subjects)


def question_set_to_json(qs: QuestionSet) -> str:
    """Write a set in the file format, so the copy stored in a draft can be saved and shared."""
    document = {
        "format": QUESTION_SET_FORMAT,
        "format_version": QUESTION_SET_FORMAT_VERSION,
        "id": qs.id,
        "title": qs.title,
        "version": qs.version,
        "questions": [
            {"number": q.number, "text": q.text, "guidance": q.guidance} for q in qs.questions
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- validation ------------------------------------------------------------------------------


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON allows a key twice and keeps the last; in a hand-written set that hides a mistake."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _kind(value: object) -> str:
    """A JSON type named the way a non-programmer would recognise it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


class _Reader:
    """Turns parsed JSON into a ``QuestionSet``, raising on the first problem found."""

    def __init__(self, source: str, text: str) -> None:
        self._source = source
        self._lines = _LineLocator(text)

    def _fail(self, path: str, problem: str, offset: int | None = None) -> QuestionSetError:
        where = f" (line {self._lines.line_of(offset)})" if offset is not None else ""
        return QuestionSetError(f"{self._source}: {path}: {problem}{where}")

    def read(self, data: object) -> QuestionSet:
        if not isinstance(data, dict):
            raise QuestionSetError(
                f"{self._source}: the file must hold one JSON object ({{ ... }}), "
                f"found {_kind(data)}"
            )
        self._check_format(data)
        keys = self._lines.top_level
        for key in data:
            if key not in _TOP_LEVEL_KEYS:
                raise self._fail(
                    key,
                    f"unknown field; a question set has only {', '.join(_TOP_LEVEL_KEYS)}",
                    keys.get(key),
                )
        set_id = self._text_field(data, "id", "id", keys)
        title = self._text_field(data, "title", "title", keys)
        version = self._text_field(data, "version", "version", keys)
        return QuestionSet(set_id, title, version, self._questions(data))

    def _check_format(self, data: dict[str, Any]) -> None:
        keys = self._lines.top_level
        marker = data.get("format")
        if marker != QUESTION_SET_FORMAT:
            found = "it is missing" if "format" not in data else f"found {json.dumps(marker)}"
            raise self._fail(
                "format",
                f'expected "{QUESTION_SET_FORMAT}" but {found}; '
                "this does not look like an IMR Author question set",
                keys.get("format"),
            )
        if "format_version" not in data:
            raise self._fail("format_version", "required field is missing")
        version = data["format_version"]
        offset = keys.get("format_version")
        if isinstance(version, bool) or not isinstance(version, int):
            raise self._fail("format_version", f"must be a whole number, found {_kind(version)}")
        if version > QUESTION_SET_FORMAT_VERSION:
            raise self._fail(
                "format_version",
                f"the file was written for a newer version of IMR Author (format version "
                f"{version}; this version reads up to {QUESTION_SET_FORMAT_VERSION}). "
                "Update IMR Author to use it",
                offset,
            )
        if version < 1:
            raise self._fail("format_version", f"{version} is not a format version", offset)

    def _text_field(
        self,
        obj: dict[str, Any],
        name: str,
        path: str,
        keys: dict[str, int],
        *,
        start: int | None = None,
        required: bool = True,
    ) -> str:
        """A string field; required ones must also be more than whitespace."""
        if name not in obj:
            if required:
                raise self._fail(path, "required field is missing", start)
            return ""
        value = obj[name]
        if not isinstance(value, str):
            raise self._fail(path, f"must be text, found {_kind(value)}", keys.get(name, start))
        if required and not value.strip():
            raise self._fail(path, "must not be empty", keys.get(name, start))
        return value

    def _questions(self, data: dict[str, Any]) -> list[Question]:
        offset = self._lines.top_level.get("questions")
        if "questions" not in data:
            raise self._fail("questions", "required field is missing")
        items = data["questions"]
        if not isinstance(items, list):
            raise self._fail("questions", f"must be a list, found {_kind(items)}", offset)
        if not items:
            raise self._fail("questions", "the set has no questions; add at least one", offset)
        questions: list[Question] = []
        first_use: dict[str, str] = {}
        for index, item in enumerate(items):
            path = f"questions[{index}]"
            question = self._question(item, path, self._lines.question(index))
            if question.number in first_use:
                raise self._fail(
                    f"{path}.number",
                    f'question number "{question.number}" is used twice '
                    f"(first by {first_use[question.number]}); each number must be unique",
                    self._lines.question_key(index, "number"),
                )
            first_use[question.number] = path
            questions.append(question)
        return questions

    def _question(self, item: object, path: str, where: _Located) -> Question:
        if not isinstance(item, dict):
            raise self._fail(
                path,
                f'each question must be an object with "number" and "text", found {_kind(item)}',
                where.start,
            )
        for key in item:
            if key not in _QUESTION_KEYS:
                raise self._fail(
                    f"{path}.{key}",
                    f"unknown field; a question has only {', '.join(_QUESTION_KEYS)}",
                    where.keys.get(key, where.start),
                )
        number = self._text_field(item, "number", f"{path}.number", where.keys, start=where.start)
        text = self._text_field(item, "text", f"{path}.text", where.keys, start=where.start)
        guidance = self._text_field(
            item, "guidance", f"{path}.guidance", where.keys, start=where.start, required=False
        )
        number = number.strip()
        self._check_placeholders(text, number, f"{path}.text", where.keys.get("text"))
        return Question(number, text, guidance)

    def _check_placeholders(self, text: str, number: str, path: str, offset: int | None) -> None:
        """Only placeholders the app can fill; a typo like ``{victm}`` would reach the export."""
        allowed = " and ".join("{" + name + "}" for name in PLACEHOLDERS)
        for match in _BRACED.finditer(text):
            if match.group(1) not in PLACEHOLDERS:
                raise self._fail(
                    path,
                    f"question {number} uses the unknown placeholder {match.group(0)}; "
                    f"only {allowed} can be filled in",
                    offset,
                )
        rest = _BRACED.sub("", text)
        if "{" in rest or "}" in rest:
            raise self._fail(
                path,
                f"question {number} has an unmatched {{ or }}; braces are only for "
                f"the placeholders {allowed}",
                offset,
            )


# --- best-effort line numbers ----------------------------------------------------------------


@dataclass
class _Located:
    """Where one object starts in the file, and where each of its keys is."""

    start: int | None = None
    keys: dict[str, int] = field(default_factory=dict)


class _LineLocator:
    """Finds where the top-level fields and each question sit in the file text.

    ``json.loads`` forgets positions, so this re-walks the (already valid) text with
    ``JSONDecoder.raw_decode``, which reports where each value ends. It only needs to
    understand the top-level object and the ``questions`` list; anything unexpected just
    means messages go without a line number.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._decoder = json.JSONDecoder()
        self.top_level: dict[str, int] = {}
        self._questions: list[_Located] = []
        with contextlib.suppress(ValueError, IndexError):
            self._scan()

    def line_of(self, offset: int | None) -> int | None:
        return None if offset is None else self._text.count("\n", 0, offset) + 1

    def question(self, index: int) -> _Located:
        return self._questions[index] if index < len(self._questions) else _Located()

    def question_key(self, index: int, key: str) -> int | None:
        located = self.question(index)
        return located.keys.get(key, located.start)

    def _skip(self, pos: int) -> int:
        while pos < len(self._text) and self._text[pos] in _JSON_WHITESPACE:
            pos += 1
        return pos

    def _scan(self) -> None:
        start = self._skip(0)
        members = self._members(start)
        self.top_level = {key: key_pos for key, (key_pos, _) in members.items()}
        if "questions" in members:
            self._questions = [
                _Located(pos, self._key_positions(pos))
                for pos in self._elements(members["questions"][1])
            ]

    def _members(self, pos: int) -> dict[str, tuple[int, int]]:
        """Key → (offset of the key, offset of its value) for the object starting at ``pos``."""
        if self._text[pos] != "{":
            raise ValueError("not an object")
        members: dict[str, tuple[int, int]] = {}
        pos = self._skip(pos + 1)
        if self._text[pos] == "}":
            return members
        while True:
            key_pos = pos
            key, pos = self._decoder.raw_decode(self._text, pos)
            pos = self._skip(pos)
            if self._text[pos] != ":":
                raise ValueError("expected ':'")
            value_pos = self._skip(pos + 1)
            members[key] = (key_pos, value_pos)
            _, pos = self._decoder.raw_decode(self._text, value_pos)
            pos = self._skip(pos)
            if self._text[pos] == "}":
                return members
            pos = self._skip(pos + 1)

    def _key_positions(self, pos: int) -> dict[str, int]:
        if self._text[pos] != "{":
            return {}
        return {key: key_pos for key, (key_pos, _) in self._members(pos).items()}

    def _elements(self, pos: int) -> list[int]:
        """Where each element of the list starting at ``pos`` begins."""
        if self._text[pos] != "[":
            return []
        starts: list[int] = []
        pos = self._skip(pos + 1)
        if self._text[pos] == "]":
            return starts
        while True:
            starts.append(pos)
            _, pos = self._decoder.raw_decode(self._text, pos)
            pos = self._skip(pos)
            if self._text[pos] == "]":
                return starts
            pos = self._skip(pos + 1)
