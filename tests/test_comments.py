"""Review comments: anchors on answer spans and rows, replies, resolving, and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.core import interchange
from imr_app.core.comments import (
    COMMENT_ADDED,
    COMMENT_RESOLVED,
    AnchorError,
    QuoteError,
    UnknownCommentError,
    add_comment,
    anchor_answer,
    anchored_words,
    describe_anchor,
    parse_anchor,
    reply,
    resolve,
    threads,
    unresolved,
)
from imr_app.core.model import CommentAnchor, ImrDraft
from imr_app.core.workflow import Actor, content_hash
from imr_app.paths import resource_path
from imr_app.storage.document import ImrDocument
from tests.conftest import PASSPHRASE

AUTHOR = Actor("Helen Marsh", "IMR author")
LEAD = Actor("Priya Shah", "Safeguarding Lead")
# The shipped example's 999 call on 14/06/2019.
CALL_ID = "f87746d7804041d79a9dd736ed4c4d64"


@pytest.fixture
def example() -> ImrDraft:
    return interchange.loads(resource_path("examples", "example-imr.json").read_text("utf-8"))


def test_a_comment_on_an_answer_span_points_at_the_quoted_words(example: ImrDraft):
    text = example.answer_for("iv").text
    quote = text[40:75]
    assert text.count(quote) == 1
    anchor = anchor_answer(example, "iv", quote)
    assert (anchor.kind, anchor.ref) == ("answer", "iv")
    assert anchor.span_start is not None and anchor.span_end is not None
    assert text[anchor.span_start : anchor.span_end] == quote

    comment = add_comment(example, anchor, "  Say who made this decision.  ", LEAD)
    assert comment.text == "Say who made this decision."
    assert (comment.author_name, comment.author_role) == (LEAD.name, LEAD.role)
    assert comment.created_at is not None
    assert comment in unresolved(example)
    event = example.audit[-1]
    assert (event.action, event.actor, event.role) == (COMMENT_ADDED, LEAD.name, LEAD.role)
    assert comment.id in event.detail
    described = describe_anchor(example, anchor)
    assert described.startswith("Question iv, on “")
    shown = described.split("“", 1)[1]  # the quoted words as read: no bullet marks
    assert shown.startswith(" ".join(quote.replace("- ", "").split())[:20])


def test_a_comment_on_a_chronology_entry_of_the_example(example: ImrDraft):
    anchor = parse_anchor(f"chronology:{CALL_ID}")
    comment = add_comment(example, anchor, "Was a DASH risk assessment done?", LEAD)
    assert describe_anchor(example, comment.anchor) == (
        "Chronology entry 14/06/2019 Command-and-control incident log"
    )


def test_reply_then_resolve_closes_the_whole_thread(example: ImrDraft):
    before = len(unresolved(example))  # the example's own thread is resolved already
    hash_before = content_hash(example)
    first = add_comment(example, CommentAnchor("section", "analysis"), "Too thin.", LEAD)
    second = add_comment(example, parse_anchor(f"chronology:{CALL_ID}"), "Source?", LEAD)
    assert len(unresolved(example)) == before + 2

    answer = reply(example, first.id, "Expanded.", AUTHOR)
    again = reply(example, answer.id, "Thank you.", LEAD)  # a reply to a reply joins the thread
    assert answer.parent_id == again.parent_id == first.id
    assert answer.anchor == first.anchor
    assert unresolved(example)[before:] == [first, second]  # replies never count

    event = resolve(example, again.id, AUTHOR)  # any comment in the thread resolves all of it
    assert event.action == COMMENT_RESOLVED
    assert first.resolved and answer.resolved and again.resolved
    assert not second.resolved
    assert len(unresolved(example)) == before + 1
    with pytest.raises(Exception, match="already resolved"):
        resolve(example, first.id, AUTHOR)

    listed = {t.comment.id: t for t in threads(example, include_resolved=True)}
    assert [r.id for r in listed[first.id].replies] == [answer.id, again.id]
    assert first.id not in {t.comment.id for t in threads(example)}
    assert content_hash(example) == hash_before  # the conversation is not the report


def test_a_missing_or_ambiguous_quote_is_refused_with_a_clear_message(example: ImrDraft):
    with pytest.raises(QuoteError, match="does not contain the words “no such words here”"):
        anchor_answer(example, "iv", "no such words here")
    with pytest.raises(QuoteError, match=r"appear \d+ times in the answer to question iv"):
        anchor_answer(example, "iv", "the")
    with pytest.raises(AnchorError, match="no question 'xcix'"):
        anchor_answer(example, "xcix", "anything")


def test_words_selected_on_screen_across_formatting_are_found_in_the_markdown(
    example: ImrDraft,
):
    """The window quotes what it shows: no ** or bullet marks, paragraphs as one line break."""
    answer = example.answer_for("iv")
    answer.text = (
        "The DASH was **graded standard** without checking.\n\n"
        "- the history was not checked\n- no referral"
    )
    anchor = anchor_answer(example, "iv", "graded standard without")
    assert answer.text[anchor.span_start : anchor.span_end] == "graded standard** without"
    assert describe_anchor(example, anchor).endswith("on “graded standard without”")
    across = anchor_answer(example, "iv", "checking.\nthe history")
    assert answer.text[across.span_start : across.span_end] == "checking.\n\n- the history"
    with pytest.raises(QuoteError, match="does not contain"):
        anchor_answer(example, "iv", "graded medium")


def test_words_that_appear_again_are_anchored_where_they_were_selected(example: ImrDraft):
    answer = example.answer_for("iv")
    answer.text = "The officer **graded** it standard. The sergeant graded it again.\n"
    first, second = (anchor_answer(example, "iv", "graded it", n) for n in (0, 1))
    assert (first.span_start, second.span_start) == (
        answer.text.index("graded"),
        answer.text.rindex("graded"),
    )
    assert [anchored_words(example, a) for a in (first, second)] == [
        ("graded it", 0),
        ("graded it", 1),
    ]
    with pytest.raises(QuoteError, match="appear 2 times"):
        anchor_answer(example, "iv", "graded it", 2)  # no third: ask for more words
    assert anchored_words(example, anchor_answer(example, "iv")) is None  # the whole answer


def test_unknown_targets_and_ids_are_refused(example: ImrDraft):
    count = len(example.comments)
    with pytest.raises(AnchorError, match="no chronology entry with the id 'nope'"):
        add_comment(example, parse_anchor("chronology:nope"), "Hm.", LEAD)
    with pytest.raises(AnchorError, match="no recommendation"):
        add_comment(example, parse_anchor("recommendation:nope"), "Hm.", LEAD)
    with pytest.raises(AnchorError, match="no section 'summary'"):
        add_comment(example, parse_anchor("section:summary"), "Hm.", LEAD)
    with pytest.raises(AnchorError, match="not a protected characteristic"):
        subject = example.subjects[0].id
        add_comment(example, parse_anchor(f"equality:{subject}:height"), "Hm.", LEAD)
    with pytest.raises(AnchorError, match="KIND:REF"):
        parse_anchor("analysis")
    with pytest.raises(UnknownCommentError):
        reply(example, "nope", "Hm.", AUTHOR)
    assert len(example.comments) == count


def test_equality_and_recommendation_anchors_are_described(example: ImrDraft):
    subject = example.subjects[0]
    equality = add_comment(example, parse_anchor(f"equality:{subject.id}:race"), "More?", LEAD)
    assert describe_anchor(example, equality.anchor) == f"Equality: {subject.pseudonym}, race"
    recommendation = example.recommendations[1]
    on_it = add_comment(example, parse_anchor(f"recommendation:{recommendation.id}"), "?", LEAD)
    assert describe_anchor(example, on_it.anchor).startswith("Recommendation 2: ")


# ---- the CLI -----------------------------------------------------------------------
def _load(path: Path, context: AppContext) -> ImrDraft:
    result = ImrDocument.open(path, context.keystore)
    assert result.document is not None
    with result.document as document:
        return document.load()


def test_the_cli_comments_replies_and_resolves(
    tmp_path: Path, context: AppContext, example: ImrDraft, capsys: pytest.CaptureFixture
):
    path = tmp_path / "example.imr"
    document, _ = ImrDocument.create(path, PASSPHRASE, example, context.keystore)
    document.close()
    file = str(path)
    lead = ["--name", LEAD.name, "--role", LEAD.role]
    author = ["--name", AUTHOR.name, "--role", AUTHOR.role]
    quote = example.answer_for("iv").text[40:75]
    existing = len(example.comments)
    capsys.readouterr()

    assert (
        main(
            ["comment", file, "--on", "answer:iv", "--quote", quote, "--text", "Who?", *lead],
            context,
        )
        == 0
    )
    assert "Question iv, on “" in capsys.readouterr().out
    assert (
        main(
            ["comment", file, "--on", f"chronology:{CALL_ID}", "--text", "Source?", *lead], context
        )
        == 0
    )
    capsys.readouterr()

    stored = _load(path, context)
    on_answer, on_entry = stored.comments[existing:]
    text = stored.answer_for("iv").text
    assert on_answer.anchor.span_start is not None and on_answer.anchor.span_end is not None
    assert text[on_answer.anchor.span_start : on_answer.anchor.span_end] == quote
    assert on_entry.anchor == CommentAnchor("chronology", CALL_ID)

    assert (
        main(["reply", file, "--to", on_answer.id, "--text", "The sergeant.", *author], context)
        == 0
    )
    assert main(["resolve", file, "--comment", on_answer.id, *author], context) == 0
    capsys.readouterr()

    assert main(["comments", file], context) == 0
    out = capsys.readouterr().out
    assert on_entry.id in out and on_answer.id not in out
    assert "Chronology entry 14/06/2019 Command-and-control incident log" in out
    assert f"{LEAD.name} ({LEAD.role}), " in out
    assert "1 unresolved thread" in out

    assert main(["comments", file, "--all"], context) == 0
    out = capsys.readouterr().out
    assert on_answer.id in out and "[resolved]" in out
    assert "    " in out and "The sergeant." in out  # the reply, indented under its comment

    # Unknown ids and missing quotes: one line on stderr, exit 2, nothing saved.
    assert main(["reply", file, "--to", "nope", "--text", "Hm.", *author], context) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no comment with the id 'nope'" in err
    assert (
        main(
            ["comment", file, "--on", "answer:iv", "--quote", "zzz", "--text", "?", *lead], context
        )
        == 2
    )
    assert "does not contain the words" in capsys.readouterr().err
    assert main(["comment", file, "--on", "chronology:nope", "--text", "?", *lead], context) == 2
    assert main(["resolve", file, "--comment", "nope", *lead], context) == 2

    # Everything survived closing and reopening the file, audit trail included.
    stored = _load(path, context)
    assert len(stored.comments) == existing + 3
    reply_comment = stored.comments[-1]
    assert reply_comment.parent_id == on_answer.id and reply_comment.resolved
    assert [c.id for c in unresolved(stored)] == [on_entry.id]
    actions = [(e.action, e.actor) for e in stored.audit[len(example.audit) :]]
    assert actions == [
        (COMMENT_ADDED, LEAD.name),
        (COMMENT_ADDED, LEAD.name),
        (COMMENT_ADDED, AUTHOR.name),
        (COMMENT_RESOLVED, AUTHOR.name),
    ]
