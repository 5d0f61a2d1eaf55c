"""Words selected in the answer editor are anchored at the place they were selected.

The editor shows plain text; the answer is stored as Markdown. Whatever lies between (emphasis,
bullets, a literal asterisk, double spaces, a selection that takes the space after a word,
words that overlap when repeated), the comment must land on the selected appearance, and Go to
must select that appearance again.
"""

from __future__ import annotations

import re

import pytest

from imr_app.core.comments import anchor_answer, anchored_words
from imr_app.core.model import ImrDraft
from imr_app.gui.widgets.rich_text import RichTextEdit


def _letters_before(text: str, end: int, markdown: bool = False) -> int:
    """Letters and digits before ``end``: the same count in the Markdown (less its list items'
    numbers, which the screen draws but does not hold) and on screen."""
    if markdown:
        text = re.sub(r"(?m)^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", "", text[:end])
        end = len(text)
    return sum(ch.isalnum() for ch in text[:end])


def _appearances(text: str, words: str) -> list[int]:
    starts, at = [], text.find(words)
    while at != -1:
        starts.append(at)
        at = text.find(words, at + 1)
    return starts


@pytest.mark.parametrize(
    ("markdown", "selected"),
    [
        ("Ask the team. Then the team met and the team met.", "the team "),
        ("He left.  He came back.  He left.  He rang.", "left.  He"),
        ("no no no no", "no no"),
        ("the \\* team and the team, the *team*", "the team"),
        ("The **DASH** was graded. The DASH was\n\n- graded standard\n- the DASH", "DASH"),
        ("1. Visit to the home\n2. Second visit to the home\n3. Home again", "home"),
        ("1. Called 1 time\n2. Called 1 more time", "1"),
    ],
)
def test_each_appearance_is_anchored_where_it_was_selected(
    qtbot, draft: ImrDraft, markdown: str, selected: str
):
    draft.answer_for("i").text = markdown
    edit = RichTextEdit()
    qtbot.addWidget(edit)
    edit.set_markdown(markdown)
    shown = edit.toPlainText()
    starts = _appearances(shown, selected)
    assert len(starts) > 1, shown
    for start in starts:
        cursor = edit.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(start + len(selected), cursor.MoveMode.KeepAnchor)
        edit.setTextCursor(cursor)

        anchor = anchor_answer(draft, "i", *edit.selected_words())

        assert anchor.span_start is not None
        assert _letters_before(markdown, anchor.span_start, markdown=True) == _letters_before(
            shown, start
        )
        edit.moveCursor(edit.textCursor().MoveOperation.End)
        assert edit.select_words(*anchored_words(draft, anchor))  # Go to
        again = edit.textCursor().selectionStart()
        assert _letters_before(shown, again) == _letters_before(shown, start)
