"""A review copy: the IMR with the reviewers' open comments as real Word comments.

A final export never carries comments (the builder drops any the template brings). A review
copy is for the author and the safeguarding lead: every unresolved thread becomes one Word
comment, anchored where it was made, so the conversation can go on in Word's margin. Resolved
threads are left out, as they are finished business and would bury the open ones.

Where a comment goes comes from the builder's ``landmarks`` (the paragraphs written for each
anchor). A comment on an answer's words covers exactly those words: the quote's start and end
are marked with private-use characters in the author's own answer, the marked text is
pseudonymised and read with the export's own Markdown functions, and the runs of the built
paragraphs are split at the marks. Any doubt (the words have changed since, a name straddles
the quote's edge) puts the comment on the whole answer and says so in the comment, rather
than on the wrong words. A comment whose target is gone goes on its section's heading.

Everything written into a comment comes from the pseudonymised draft, and the comments part
is scanned by the leak scan like the rest of the package.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from imr_app.core.comments import AnchorKind, Thread, describe_anchor, threads
from imr_app.core.dates import format_uk
from imr_app.core.model import Comment, CommentAnchor, ImrDraft, SectionId
from imr_app.core.pseudonymise import NameRegister
from imr_app.core.text import clean_text
from imr_app.services.export_docx import markdown_paragraphs

REVIEW_COPY_SUFFIX = "-review-copy"

# Where the quoted words start and end while an answer is read; never written out.
_START, _END = "\ue000", "\ue001"
_EDGE_MARKUP = " \t\n*_"  # spaces and emphasis marks the quote's edges are moved past
_BULLET_MARK = re.compile(r"[ \t]*[-*+][ \t]+")
_QUOTE_SHOWN = 80

# Where a comment goes when its target is no longer in the IMR.
_HOME_SECTION: dict[str, SectionId] = {
    AnchorKind.ANSWER: SectionId.TERMS_OF_REFERENCE,
    AnchorKind.EQUALITY: SectionId.EQUALITY,
    AnchorKind.RECOMMENDATION: SectionId.RECOMMENDATIONS,
    AnchorKind.CHRONOLOGY: SectionId.CHRONOLOGY,
    AnchorKind.SECTION: SectionId.REVIEW,  # "subjects" has no heading without subjects
}

_W_R, _W_RPR, _W_T = qn("w:r"), qn("w:rPr"), qn("w:t")
# The run children python-docx counts as text (``CT_R.text``), each with its own length.
_RUN_TEXT = frozenset(qn(f"w:{tag}") for tag in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))


def review_copy_name(file_name: str) -> str:
    """``"DHR Amina IMR v1.0.docx"`` → ``"DHR Amina IMR v1.0-review-copy.docx"``.

    The name says what it is as well as the document, so it is not attached by mistake.
    """
    stem, dot, suffix = file_name.rpartition(".")
    if not dot:
        stem, suffix = file_name, "docx"
    if stem.endswith(REVIEW_COPY_SUFFIX):
        return f"{stem}.{suffix}"
    return f"{stem}{REVIEW_COPY_SUFFIX}.{suffix}"


def without_review_copy_name(file_name: str) -> str:
    """The name back as it was before ``review_copy_name``."""
    return file_name.replace(f"{REVIEW_COPY_SUFFIX}.", ".", 1)


def add_review_comments(
    document: DocxDocument,
    landmarks: dict[str, list[Any]],
    draft: ImrDraft,
    prepared: ImrDraft,
) -> int:
    """Each unresolved thread of ``prepared`` as a Word comment; returns how many.

    ``draft`` is the author's own draft, whose answer text the comments' spans count in;
    ``prepared`` its pseudonymised copy that the document was built from, and the only
    source of words written into a comment.
    """
    placer = _Placer(document, landmarks, draft, prepared)
    open_threads = threads(prepared)
    for thread in open_threads:
        target = placer.place(thread.comment.anchor)
        _write(document, thread, target)
    return len(open_threads)


def initials(name: str) -> str:
    """``"Rachel Okafor"`` → ``"RO"``: what Word shows beside a comment when space is short."""
    return "".join(word[0] for word in name.split() if word[0].isalpha()).upper()[:4]


def reply_line(reply: Comment) -> str:
    """``Reply — Helen Marsh, IMR author, 03/03/2023: text`` (Word has no threaded replies)."""
    who = ", ".join(part for part in (reply.author_name, reply.author_role) if part.strip())
    if reply.created_at is not None:
        who += f", {format_uk(reply.created_at.astimezone().date())}"
    return f"Reply — {who}: {reply.text}"


# ---- where each comment goes -------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """The first and last ``w:r`` a comment covers, and why it is not exactly where made."""

    first: Any
    last: Any
    note: str = ""


class _Placer:
    def __init__(
        self,
        document: DocxDocument,
        landmarks: dict[str, list[Any]],
        draft: ImrDraft,
        prepared: ImrDraft,
    ) -> None:
        self._landmarks = landmarks
        self._prepared = prepared
        self._register = NameRegister(draft.subjects)
        self._answers = {a.question_number: a.text for a in draft.answers}
        self._shown = {a.question_number: a.text for a in prepared.answers}
        self._first = document.element.body.find(qn("w:p"))

    def place(self, anchor: CommentAnchor) -> _Target:
        paragraphs = self._landmarks.get(f"{anchor.kind}:{anchor.ref}")
        if not paragraphs:
            where = describe_anchor(self._prepared, CommentAnchor(anchor.kind, anchor.ref))
            home = _HOME_SECTION.get(anchor.kind, SectionId.REVIEW)
            heading = self._landmarks.get(f"section:{home.value}") or [self._first]
            return _whole(heading, f"Made on: {where} — not in this copy of the IMR.")
        if anchor.kind == AnchorKind.ANSWER and anchor.span_start is not None:
            return self._quoted(anchor, paragraphs)
        return _whole(paragraphs)

    def _quoted(self, anchor: CommentAnchor, paragraphs: list[Any]) -> _Target:
        """Exactly the quoted words, or the whole answer with a note saying which words."""
        original = self._answers.get(anchor.ref, "")
        start, end = anchor.span_start or 0, anchor.span_end or 0
        if not 0 <= start < end <= len(original):
            return _whole(paragraphs, "Made on words in this answer that have since changed.")
        start, end = self._whole_names(original, *_tidy_span(original, start, end))
        quote = " ".join(self._register.replace(original[start:end]).split())
        if len(quote) > _QUOTE_SHOWN:
            quote = quote[: _QUOTE_SHOWN - 1].rstrip() + "…"
        fallback = _whole(paragraphs, f"Made on the words “{quote}”.")
        if start >= end:
            return fallback
        marked = self._register.replace(
            original[:start] + _START + original[start:end] + _END + original[end:]
        )
        if _unmarked(marked) != self._shown.get(anchor.ref):
            return fallback  # pseudonymising read the marked text differently
        blocks = ["".join(s.text for s in spans) for _, spans in markdown_paragraphs(marked)]
        if len(blocks) != len(paragraphs):
            return fallback
        first = _position(blocks, paragraphs, _START)
        last = _position(blocks, paragraphs, _END)
        if first is None or last is None:
            return fallback
        first_run = _run_from(*first)
        last_run = _run_to(*last)
        return _Target(first_run, last_run)

    def _whole_names(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The span widened so no real name straddles an edge: a mark inside a name would
        stop it being replaced (and a quote cut from it would show part of it)."""
        for match, _ in self._register.finditer(text):
            if match.start() < start < match.end():
                start = match.start()
            if match.start() < end < match.end():
                end = match.end()
        return start, end


def _whole(paragraphs: Sequence[Any], note: str = "") -> _Target:
    """From the first run of the first paragraph to the last run of the last."""
    first = paragraphs[0].find(_W_R)
    if first is None:  # an empty paragraph still needs a run to hang the comment on
        first = OxmlElement("w:r")
        paragraphs[0].append(first)
    runs = paragraphs[-1].findall(_W_R)
    return _Target(first, runs[-1] if runs else first, note)


def _tidy_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to whole words and narrowed past spaces, emphasis and bullet marks.

    Whole words, so a mark never splits a name that must be pseudonymised; and never on a
    mark that would change how the Markdown reads (a bullet's dash, an asterisk).
    """
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end:
        bullet = _BULLET_MARK.match(text, text.rfind("\n", 0, start) + 1)
        if bullet is not None and start < bullet.end():
            start = bullet.end()
        elif text[start] in _EDGE_MARKUP:
            start += 1
        else:
            break
    while end > start and text[end - 1] in _EDGE_MARKUP:
        end -= 1
    return start, end


def _unmarked(text: str) -> str:
    return text.replace(_START, "").replace(_END, "")


def _position(blocks: list[str], paragraphs: list[Any], mark: str) -> tuple[Any, int] | None:
    """The paragraph holding ``mark`` and the mark's offset in that paragraph's text."""
    for block, p in zip(blocks, paragraphs, strict=True):
        at = block.find(mark)
        if at == -1:
            continue
        shown = _unmarked(block)
        text = _paragraph_text(p)
        if not text.endswith(shown):  # a bullet written as "• " leads the paragraph
            return None
        return p, len(text) - len(shown) + len(_unmarked(block[:at]))
    return None


def _paragraph_text(p: Any) -> str:
    return "".join(_run_text(r) for r in p.iterfind(_W_R))


def _run_text(r: Any) -> str:
    return "".join(str(child) for child in r if child.tag in _RUN_TEXT)


def _run_from(p: Any, offset: int) -> Any:
    """The run that starts at ``offset`` in paragraph ``p``, splitting one if need be."""
    position = 0
    for r in p.findall(_W_R):
        length = len(_run_text(r))
        if position <= offset < position + length:
            return r if offset == position else _split_run(r, offset - position)
        position += length
    raise ValueError(f"offset {offset} is past the end of the paragraph")


def _run_to(p: Any, offset: int) -> Any:
    """The run that ends at ``offset`` in paragraph ``p``, splitting one if need be."""
    position = 0
    for r in p.findall(_W_R):
        length = len(_run_text(r))
        if position < offset <= position + length:
            if offset < position + length:
                _split_run(r, offset - position)
            return r
        position += length
    raise ValueError(f"offset {offset} is past the end of the paragraph")


def _split_run(r: Any, at: int) -> Any:
    """Cut run ``r`` after ``at`` characters; the rest, same formatting, follows in a copy."""
    tail = copy.deepcopy(r)
    _keep(r, 0, at)
    _keep(tail, at, None)
    r.addnext(tail)
    return tail


def _keep(r: Any, start: int, end: int | None) -> None:
    """Keep only characters ``start``–``end`` of the run's text (its formatting stays)."""
    position = 0
    for child in list(r):
        if child.tag == _W_RPR:
            continue
        length = len(str(child)) if child.tag in _RUN_TEXT else 0
        low, high = position, position + length
        position = high
        keep_low = max(low, start)
        keep_high = high if end is None else min(high, end)
        if length == 0:
            if start > 0:  # a zero-width mark stays with the first half
                r.remove(child)
        elif keep_high <= keep_low:
            r.remove(child)
        elif child.tag == _W_T and (keep_low, keep_high) != (low, high):
            child.text = child.text[keep_low - low : keep_high - low]
            child.set(qn("xml:space"), "preserve")


# ---- the comment itself ------------------------------------------------------------------


def _write(document: DocxDocument, thread: Thread, target: _Target) -> None:
    """One Word comment: the note (if any), the comment, then each reply as a paragraph."""
    root = thread.comment
    author = " ".join(clean_text(root.author_name).split())
    paragraphs = [target.note] if target.note else []
    paragraphs += clean_text(root.text).split("\n")
    paragraphs += [clean_text(reply_line(r)) for r in thread.replies]
    first, last = (Run(r, Paragraph(r.getparent(), document)) for r in (target.first, target.last))
    comment = document.add_comment([first, last], "", author, initials(author))
    if root.created_at is not None:
        comment._comment_elm.date = root.created_at  # when it was made, not exported
    for n, text in enumerate(paragraphs):
        paragraph = comment.paragraphs[0] if n == 0 else comment.add_paragraph()
        run = paragraph.add_run(text)
        if n == 0 and target.note:
            run.italic = True
