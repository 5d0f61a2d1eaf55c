"""Revision figures: diffing two revisions of a large draft, and taking a snapshot on submit.

The draft is ``bench_storage.build_draft``'s (10,000 chronology entries, 17 answers of ~2 KB),
built once when the first figure is set up; the second revision edits words in every answer,
adds and removes 10 entries and changes 50.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from bench import harness
from bench.bench_storage import CHRONOLOGY_ROWS, build_draft
from imr_app.core.interchange import to_document
from imr_app.core.model import ChronologyEntry, ImrDraft
from imr_app.core.revision_diff import diff
from imr_app.core.revisions import content_snapshot, make_revision

CHANGED_ENTRIES = 50
ADDED_REMOVED = 10


@dataclass(frozen=True)
class RevisionData:
    draft: ImrDraft
    document: dict[str, Any]  # the same draft's interchange document, built once
    old: str
    new: str


@cache
def data() -> RevisionData:
    draft = build_draft(CHRONOLOGY_ROWS)
    old = content_snapshot(draft)
    rng = random.Random(7)
    for answer in draft.answers:
        words = answer.text.split(" ")
        for i in rng.sample(range(len(words)), 6):
            words[i] = "revised"
        answer.text = " ".join(words)
    for entry in rng.sample(draft.chronology, CHANGED_ENTRIES):
        entry.outcome = "Outcome revised after the lead's comments."
    del draft.chronology[:ADDED_REMOVED]
    draft.chronology += [
        ChronologyEntry(date(2024, 1, 1 + i), "GP surgery record", event="Added on review.")
        for i in range(ADDED_REMOVED)
    ]
    new = content_snapshot(draft)
    return RevisionData(draft, to_document(draft), old, new)


def _prepare() -> None:
    data()


def _diff_figure() -> harness.Figure:
    return harness.Figure(
        name=f"diff two revisions ({CHRONOLOGY_ROWS:,} entries, 17 long answers)",
        measured=lambda: diff(data().old, data().new),
        baseline=lambda: (json.loads(data().old), json.loads(data().new)),
        target=2.5,
        statistic="median",
        ceiling_ms=500,
        repeats=15,
        quick_repeats=3,
        warmups=2,
        setup=_prepare,
    )


def _snapshot_figure() -> harness.Figure:
    return harness.Figure(
        name=f"snapshot on submit ({CHRONOLOGY_ROWS:,} entries)",
        measured=lambda: make_revision(data().draft, 1, "Helen Marsh", "IMR author", "Submitted."),
        baseline=lambda: json.dumps(data().document, ensure_ascii=False),
        target=7.0,
        statistic="median",
        ceiling_ms=300,
        repeats=15,
        quick_repeats=3,
        warmups=2,
        setup=_prepare,
    )


def figures() -> list[harness.Figure]:
    return [_diff_figure(), _snapshot_figure()]
