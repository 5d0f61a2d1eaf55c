"""Review comments: the lead's notes on a section, an answer's words or a row, with replies.

A comment points at its target by an anchor (``CommentAnchor``) that survives edits and
reordering: a section by its ``SectionId``, an answer by its question number (and optionally a
span of its text, found by quoting the words), an equality item by ``subject_id:characteristic``,
and a recommendation or chronology entry by its stable id. A reply belongs to the thread of the
comment it answers, and a thread is resolved as a whole.

Comments may be added in any workflow state (the lead comments while the IMR is submitted;
the author replies), and they are not part of the report's content hash. Every change appends
an ``AuditEvent`` to ``draft.audit``, which the caller saves with ``draft.comments`` in one
transaction. No Qt and no SQL here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from imr_app.core.drafts import now
from imr_app.core.equality import CHARACTERISTIC_LABELS
from imr_app.core.errors import ImrError
from imr_app.core.model import (
    AuditEvent,
    Characteristic,
    Comment,
    CommentAnchor,
    ImrDraft,
    SectionId,
)
from imr_app.core.sections import TITLES
from imr_app.core.workflow import Actor


class AnchorKind(StrEnum):
    SECTION = "section"
    ANSWER = "answer"
    EQUALITY = "equality"
    RECOMMENDATION = "recommendation"
    CHRONOLOGY = "chronology"


# The audit trail's action names for the review conversation.
COMMENT_ADDED = "comment added"
COMMENT_RESOLVED = "comment resolved"

_QUOTE_SHOWN = 60  # characters of quoted words shown before they are shortened
# Markdown the editor writes: list markers at a line's start, emphasis and code marks.
_LIST_ITEM = r"(?m)^[ \t]*(?:[-*+]|\d+[.)])[ \t]+"
_LIST_MARKER = re.compile(_LIST_ITEM)
_MARKUP = re.compile(rf"{_LIST_ITEM}|[*_`]")


class CommentError(ImrError):
    """A comment, reply or resolution that cannot be made, with a message the user can act on."""


class UnknownCommentError(CommentError):
    """No comment has the given id."""


class AnchorError(CommentError):
    """The anchor does not point at anything in this IMR."""


class QuoteError(AnchorError):
    """The quoted words are not in the answer, or are in it more than once."""


@dataclass
class Thread:
    """A top-level comment and its replies, oldest first."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.comment.resolved


# ---- anchors ---------------------------------------------------------------------
def parse_anchor(spec: str) -> CommentAnchor:
    """``kind:ref`` as typed on the command line, e.g. ``answer:iv`` or ``equality:<id>:race``.

    Only the form is checked here; ``check_anchor`` checks that the target exists.
    """
    kind, colon, ref = spec.strip().partition(":")
    kinds = ", ".join(k.value for k in AnchorKind)
    if not colon or not ref.strip():
        raise AnchorError(f"Say what the comment is on as KIND:REF ({kinds}), not {spec!r}.")
    try:
        anchor_kind = AnchorKind(kind.strip().lower())
    except ValueError:
        raise AnchorError(f"A comment can be on a {kinds}; not on {kind.strip()!r}.") from None
    return CommentAnchor(anchor_kind.value, ref.strip())


def anchor_answer(
    draft: ImrDraft, number: str, quote: str = "", appearance: int | None = None
) -> CommentAnchor:
    """An anchor on the answer to question ``number``, on the quoted words if any are given.

    Words that appear more than once need ``appearance`` (0 for the first, in reading order),
    as the window knows from where they were selected; else the quote must be unique.
    """
    number = number.strip()
    _require_question(draft, number)
    if not quote.strip():
        return CommentAnchor(AnchorKind.ANSWER.value, number)
    text = _answer_text(draft, number)
    spans = word_spans(text, quote, markdown=True)
    if appearance is None:  # a quote typed, not selected: as typed first, Markdown and all
        spans = [(s, s + len(quote)) for s in _occurrences(text, quote)] or spans
    shown = _shorten(quote)
    if not spans:
        raise QuoteError(
            f"The answer to question {number} does not contain the words “{shown}”; "
            "quote them exactly as they appear in the answer."
        )
    if len(spans) > 1 and appearance is not None and 0 <= appearance < len(spans):
        spans = [spans[appearance]]
    if len(spans) > 1:
        raise QuoteError(
            f"The words “{shown}” appear {len(spans)} times in the answer to question "
            f"{number}; quote more of the text so that it points to one place."
        )
    (start, end), *_ = spans
    return CommentAnchor(AnchorKind.ANSWER.value, number, start, end)


def anchored_words(draft: ImrDraft, anchor: CommentAnchor) -> tuple[str, int] | None:
    """The words a comment on part of an answer is on, as read, and which appearance of them
    in the answer it is (0 for the first, as ``word_spans`` counts); None for anything else."""
    start, end = anchor.span_start, anchor.span_end
    if anchor.kind != AnchorKind.ANSWER or start is None or end is None:
        return None
    text = _answer_text(draft, anchor.ref)
    quote = " ".join(_MARKUP.sub("", text[start:end]).split())  # as read
    spans = word_spans(text, quote, markdown=True)
    earlier = sum(1 for found, _end in spans if found < start)
    return (quote, earlier) if earlier < len(spans) else None


def word_spans(text: str, quote: str, markdown: bool = False) -> list[tuple[int, int]]:
    """Every appearance of ``quote``'s words in ``text``, overlapping ones too, in reading
    order, as spans of ``text``.

    Only letters, digits and the breaks between words count, so the words match whether
    ``text`` is an answer's Markdown (``markdown``: its list markers, "1." or "-", are not
    words) or the editor's plain text, whatever emphasis, punctuation or spacing surround
    them. The editor and the anchors count appearances here.
    """
    read, offsets = _words_only(text, markdown)
    wanted = _words_only(quote)[0].strip()
    if not wanted:
        return []
    return [(offsets[i], offsets[i + len(wanted) - 1] + 1) for i in _occurrences(read, wanted)]


def _words_only(text: str, markdown: bool = False) -> tuple[str, list[int]]:
    """``text`` as its letters and digits with one space for each break between words, and
    each kept character's offset in ``text``; a Markdown list item's number is left out."""
    markers: set[int] = set()
    if markdown:
        markers = {i for m in _LIST_MARKER.finditer(text) for i in range(*m.span())}
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if i in markers:
            continue
        if ch.isalnum():
            chars.append(ch)
            offsets.append(i)
        elif ch.isspace() and chars and chars[-1] != " ":
            chars.append(" ")
            offsets.append(i)
    return "".join(chars), offsets


def check_anchor(draft: ImrDraft, anchor: CommentAnchor) -> None:
    """Raise ``AnchorError`` unless the anchor points at something in this IMR."""
    try:
        kind = AnchorKind(anchor.kind)
    except ValueError:
        raise AnchorError(f"A comment cannot be on a {anchor.kind!r}.") from None
    ref = anchor.ref.strip()
    if kind is AnchorKind.SECTION:
        if ref not in {s.value for s in SectionId}:
            names = ", ".join(s.value for s in SectionId)
            raise AnchorError(f"There is no section {ref!r}; the sections are: {names}.")
    elif kind is AnchorKind.ANSWER:
        _require_question(draft, ref)
        _check_span(draft, anchor)
    elif kind is AnchorKind.EQUALITY:
        subject_id, _, characteristic = ref.partition(":")
        if not any(s.id == subject_id for s in draft.subjects):
            raise AnchorError(f"There is no subject with the id {subject_id!r} in this IMR.")
        if characteristic not in {c.value for c in Characteristic}:
            names = ", ".join(c.value for c in Characteristic)
            raise AnchorError(
                f"{characteristic!r} is not a protected characteristic; use one of: {names}."
            )
    elif kind is AnchorKind.RECOMMENDATION:
        if not any(r.id == ref for r in draft.recommendations):
            raise AnchorError(f"There is no recommendation with the id {ref!r} in this IMR.")
    elif not any(e.id == ref for e in draft.chronology):
        raise AnchorError(f"There is no chronology entry with the id {ref!r} in this IMR.")


def describe_anchor(draft: ImrDraft, anchor: CommentAnchor) -> str:
    """Where a comment points, in words: "Question iv, on “…”", "Chronology entry 14/06/2019 …"."""
    ref = anchor.ref
    if anchor.kind == AnchorKind.SECTION:
        try:
            return f"Section: {TITLES[SectionId(ref)]}"
        except ValueError:
            return f"Section {ref} (no longer in the IMR)"
    if anchor.kind == AnchorKind.ANSWER:
        where = f"Question {ref}"
        if anchor.span_start is None or anchor.span_end is None:
            return where
        text = _answer_text(draft, ref)
        if not 0 <= anchor.span_start < anchor.span_end <= len(text):
            return f"{where}, on words since changed"
        quoted = _MARKUP.sub("", text[anchor.span_start : anchor.span_end])  # as read
        return f"{where}, on “{_shorten(quoted)}”"
    if anchor.kind == AnchorKind.EQUALITY:
        subject_id, _, characteristic = ref.partition(":")
        subject = next((s for s in draft.subjects if s.id == subject_id), None)
        who = subject.pseudonym if subject else "a subject since removed"
        try:
            label = CHARACTERISTIC_LABELS[Characteristic(characteristic)].lower()
        except ValueError:
            label = characteristic
        return f"Equality: {who}, {label}"
    if anchor.kind == AnchorKind.RECOMMENDATION:
        for index, recommendation in enumerate(draft.recommendations, start=1):
            if recommendation.id == ref:
                return f"Recommendation {index}: {_shorten(recommendation.text, 40)}"
        return "A recommendation since deleted"
    if anchor.kind == AnchorKind.CHRONOLOGY:
        entry = next((e for e in draft.chronology if e.id == ref), None)
        if entry is None:
            return "A chronology entry since deleted"
        return f"Chronology entry {entry.date_start:%d/%m/%Y} {entry.source}".rstrip()
    return f"{anchor.kind} {ref}".strip()


# ---- the conversation ------------------------------------------------------------
def add_comment(draft: ImrDraft, anchor: CommentAnchor, text: str, actor: Actor) -> Comment:
    """Start a thread on the anchor's target, which must exist; the audit trail records it."""
    _require_name(actor)
    body = _require_text(text)
    check_anchor(draft, anchor)
    comment = Comment(
        anchor=anchor,
        text=body,
        author_name=actor.name.strip(),
        author_role=actor.role.strip(),
        created_at=now(),
    )
    draft.comments.append(comment)
    _audit(draft, COMMENT_ADDED, actor, f"Comment {comment.id} on {anchor.kind} {anchor.ref}.")
    return comment


def reply(draft: ImrDraft, parent_id: str, text: str, actor: Actor) -> Comment:
    """Answer a comment; a reply to a reply joins the same thread, on the same anchor."""
    _require_name(actor)
    body = _require_text(text)
    root = thread_root(draft, find_comment(draft, parent_id))
    comment = Comment(
        anchor=CommentAnchor(
            root.anchor.kind, root.anchor.ref, root.anchor.span_start, root.anchor.span_end
        ),
        text=body,
        author_name=actor.name.strip(),
        author_role=actor.role.strip(),
        created_at=now(),
        parent_id=root.id,
        resolved=root.resolved,
    )
    draft.comments.append(comment)
    _audit(draft, COMMENT_ADDED, actor, f"Reply {comment.id} to comment {root.id}.")
    return comment


def resolve(draft: ImrDraft, comment_id: str, actor: Actor) -> AuditEvent:
    """Mark the whole thread that ``comment_id`` belongs to as resolved."""
    _require_name(actor)
    root = thread_root(draft, find_comment(draft, comment_id))
    if root.resolved:
        raise CommentError(f"Comment {root.id} is already resolved.")
    for comment in draft.comments:
        if comment.id == root.id or comment.parent_id == root.id:
            comment.resolved = True
    return _audit(draft, COMMENT_RESOLVED, actor, f"Comment {root.id} resolved.")


def unresolved(draft: ImrDraft) -> list[Comment]:
    """The top-level comments whose threads are not resolved, in the order they were made."""
    return [c for c in draft.comments if not c.parent_id and not c.resolved]


def threads(draft: ImrDraft, include_resolved: bool = False) -> list[Thread]:
    """Every thread (only the unresolved ones unless asked), each with its replies in order."""
    by_root = {c.id: Thread(c) for c in draft.comments if not c.parent_id}
    for comment in draft.comments:
        if comment.parent_id and comment.parent_id in by_root:
            by_root[comment.parent_id].replies.append(comment)
    return [t for t in by_root.values() if include_resolved or not t.resolved]


def find_comment(draft: ImrDraft, comment_id: str) -> Comment:
    wanted = comment_id.strip()
    for comment in draft.comments:
        if comment.id == wanted:
            return comment
    raise UnknownCommentError(f"There is no comment with the id {wanted!r} in this IMR.")


def thread_root(draft: ImrDraft, comment: Comment) -> Comment:
    """The top-level comment of ``comment``'s thread (itself when it is not a reply)."""
    seen = {comment.id}
    while comment.parent_id:
        parent = next((c for c in draft.comments if c.id == comment.parent_id), None)
        if parent is None or parent.id in seen:
            break  # an orphaned or looping reply stands as its own thread
        seen.add(parent.id)
        comment = parent
    return comment


# ---- helpers ---------------------------------------------------------------------
def _require_question(draft: ImrDraft, number: str) -> None:
    numbers = [q.number for q in draft.question_set.questions]
    if number not in numbers:
        raise AnchorError(
            f"There is no question {number!r} in this IMR's terms of reference "
            f"({numbers[0]} to {numbers[-1]})."
            if numbers
            else f"There is no question {number!r}: this IMR has no terms of reference."
        )


def _answer_text(draft: ImrDraft, number: str) -> str:
    """The answer's text without creating an empty answer as ``answer_for`` would."""
    return next((a.text for a in draft.answers if a.question_number == number), "")


def _check_span(draft: ImrDraft, anchor: CommentAnchor) -> None:
    start, end = anchor.span_start, anchor.span_end
    if start is None and end is None:
        return
    length = len(_answer_text(draft, anchor.ref))
    if start is None or end is None or not 0 <= start < end <= length:
        raise AnchorError(
            f"The span {start}–{end} is not within the answer to question {anchor.ref}."
        )


def _occurrences(text: str, quote: str) -> list[int]:
    starts: list[int] = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def _shorten(text: str, limit: int = _QUOTE_SHOWN) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _require_name(actor: Actor) -> None:
    if not actor.name.strip():
        raise CommentError("Every comment is recorded with a name: give yours.")


def _require_text(text: str) -> str:
    body = text.strip()
    if not body:
        raise CommentError("A comment needs some text.")
    return body


def _audit(draft: ImrDraft, action: str, actor: Actor, detail: str) -> AuditEvent:
    event = AuditEvent(
        now(), action, actor=actor.name.strip(), role=actor.role.strip(), detail=detail
    )
    draft.audit.append(event)
    return event
