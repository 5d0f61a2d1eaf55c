"""Storage figures: opening a large draft, and saving one edit.

The data (one encrypted draft, its plaintext twin, a bare WAL file) is built once per run in a
temporary directory, when the first figure that needs it is set up.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from bench import harness
from imr_app.core.drafts import new_draft
from imr_app.core.model import (
    Answer,
    AnswerStatus,
    ChronologyEntry,
    ContactOutcome,
    DateCertainty,
    ImrDraft,
    Relevance,
    Subject,
    SubjectRole,
)
from imr_app.core.question_sets import default_question_set
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore
from imr_app.storage.repository import DraftRepository

CHRONOLOGY_ROWS = 10_000
ANSWER_CHARS = 2_000
PASSPHRASE = "correct horse battery staple"

_SOURCES = (
    "Police control room log",
    "Police crime report",
    "GP surgery record",
    "Adult Social Care case note",
    "Children's Social Care referral",
    "Housing officer note",
    "IDVA service case file",
    "Emergency department record",
    "Probation case record",
    "MARAC minutes",
    "Mental health trust record",
    "School safeguarding log",
)
_STAFF = (
    "PC (response)",
    "DS (safeguarding)",
    "GP",
    "Practice nurse",
    "Social worker",
    "Team manager",
    "Housing officer",
    "IDVA",
    "ED triage nurse",
    "Probation officer",
    "MARAC chair",
    "Designated safeguarding lead",
)
_SENTENCES = (
    "{v} called 999 reporting that {p} had shouted at her and thrown a mug across the kitchen.",
    "Officers attended and completed a DASH risk assessment, graded as standard risk.",
    "{v} said she did not want to make a statement and that things had calmed down.",
    "{p} was not present when officers arrived; a neighbour said he had left on foot.",
    "{v} attended for a repeat prescription and mentioned she was not sleeping well.",
    "The GP noted bruising to the left forearm; {v} said she had fallen on the stairs.",
    "No routine enquiry about domestic abuse is recorded at this appointment.",
    "A referral was made to the IDVA service and {v} agreed to a telephone call.",
    "The IDVA tried to call {v} three times; the calls were not answered.",
    "{c} was noted to be withdrawn in class and arriving late most mornings.",
    "The housing officer visited about rent arrears; {p} answered the door.",
    "{v} told the housing officer she wanted to move nearer her mother.",
    "The case was discussed at MARAC and actions were agreed for police and housing.",
    "{p} attended his probation appointment and denied any contact with {v}.",
    "The strategy discussion concluded that the threshold for section 47 was not met.",
    "Information about previous call-outs was not shared with the GP practice.",
    "{v} presented at the emergency department with a head injury after a reported fall.",
    "A safeguarding alert was raised by the ED nurse but no further action is recorded.",
)
_ANSWER_SENTENCES = (
    "The agency's records show repeated contact with {v} over the review period.",
    "Practitioners recorded injuries without asking directly about domestic abuse, "
    "which was not in line with the agency's policy at the time.",
    "**Good practice:** the IDVA persisted in trying to make contact and recorded each attempt.",
    "Information held by the police was not shared with health partners, so the GP saw "
    "each presentation in isolation.",
    "- Risk was assessed at each incident but never reviewed as a pattern.",
    "- Supervision records do not show the case being discussed.",
    "*The author interviewed the practitioners involved, who were open and reflective.*",
    "The agency has since introduced routine enquiry training for front-line staff.",
)


def _text(rng: random.Random, sentences: tuple[str, ...], low: int, high: int) -> str:
    """Sentences from the pool until the text is between ``low`` and ``high`` characters."""
    target = rng.randint(low, high)
    out = ""
    while len(out) < target:
        sentence = rng.choice(sentences).format(v="Adult A", p="Adult B", c="Child C")
        if out and len(out) + 1 + len(sentence) > high:
            break
        out = f"{out} {sentence}" if out else sentence
    return out[:high]


def build_draft(rows: int = CHRONOLOGY_ROWS, seed: int = 2026) -> ImrDraft:
    """A large, realistic draft: 3 subjects, 17 answers of ~2 KB, ``rows`` chronology entries."""
    rng = random.Random(seed)
    draft = new_draft(default_question_set(), "DHR Adult A", agency="Northshire Police")
    draft.subjects = [
        Subject("Adult A", SubjectRole.VICTIM, notes="Aged 34 at the time of her death."),
        Subject("Adult B", SubjectRole.PERPETRATOR, notes="Partner of Adult A for six years."),
        Subject("Child C", SubjectRole.CHILD, notes="Son of Adult A, aged 9."),
    ]
    ids = [s.id for s in draft.subjects]
    start = date(2021, 1, 4)
    entries = []
    for i in range(rows):
        day = start + timedelta(days=i * 1095 // rows)
        certainty = rng.choices(list(DateCertainty), weights=(80, 10, 5, 3, 2))[0]
        entries.append(
            ChronologyEntry(
                date_start=day,
                source=rng.choice(_SOURCES),
                date_as_recorded=day.strftime("%d/%m/%Y") if rng.random() < 0.3 else "",
                certainty=certainty,
                date_end=day + timedelta(days=2) if certainty is DateCertainty.SPAN else None,
                time=f"{rng.randint(0, 23):02}:{rng.randint(0, 59):02}",
                subjects=rng.sample(ids, rng.randint(1, 3)),
                staff=rng.sample(_STAFF, rng.randint(1, 3)),
                event=_text(rng, _SENTENCES, 100, 400),
                action=_text(rng, _SENTENCES, 0, 200) if rng.random() < 0.6 else "",
                outcome=_text(rng, _SENTENCES, 0, 150) if rng.random() < 0.4 else "",
                domestic_abuse=rng.random() < 0.35,
                significant=rng.random() < 0.1,
                contact_outcome=rng.choice(list(ContactOutcome)),
                relevance=Relevance.FULL if rng.random() < 0.9 else Relevance.PRECIS,
            )
        )
    draft.chronology = entries
    for answer in draft.answers:
        answer.text = _text(rng, _ANSWER_SENTENCES, ANSWER_CHARS - 100, ANSWER_CHARS + 100)
        answer.status = AnswerStatus.IN_PROGRESS
        answer.chronology_refs = [e.id for e in rng.sample(entries, 5)]
    return draft


@dataclass(frozen=True)
class StorageData:
    keystore: KeyStore
    draft: Path  # encrypted, key remembered in ``keystore``
    plain: Path  # the same content, plaintext (sqlcipher_export with an empty key)
    wal: Path  # bare table of ~2 KB texts, WAL + synchronous=FULL


@cache
def data() -> StorageData:
    """Build the files once per run; removed when ``harness.resources`` closes."""
    root = Path(harness.resources.enter_context(tempfile.TemporaryDirectory(prefix="imr-bench-")))
    keystore = KeyStore(harness.MemoryKeyring())
    draft = build_draft()
    path = root / "large.imr"
    document, warnings = ImrDocument.create(path, PASSPHRASE, draft, keystore, remember=True)
    assert not warnings, warnings
    plain = root / "plain.db"
    document.conn.execute("ATTACH DATABASE ? AS plain KEY ''", [str(plain)])
    document.conn.execute("SELECT sqlcipher_export('plain')")
    document.conn.execute("DETACH DATABASE plain")
    document.close()
    if not plain.read_bytes()[:16] == b"SQLite format 3\x00":
        raise RuntimeError(f"{plain} is not a plaintext SQLite file")

    wal = root / "wal.db"
    conn = sqlite3.connect(wal, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    conn.executemany("INSERT INTO t (id, text) VALUES (?, ?)", enumerate(_answer_texts(draft)))
    conn.close()

    # Both sides must load the same thing.
    loaded = _open_and_load(path, keystore)
    assert len(loaded.chronology) == CHRONOLOGY_ROWS and loaded.chronology == draft.chronology
    assert _load_plain(plain).chronology == loaded.chronology
    return StorageData(keystore, path, plain, wal)


def _build_data() -> None:
    data()


def _answer_texts(draft: ImrDraft) -> list[str]:
    return [a.text for a in draft.answers]


# ---- figure 1: open a large draft with the remembered key ---------------------------------


def _open_and_load(path: Path, keystore: KeyStore) -> ImrDraft:
    result = ImrDocument.open(path, keystore)
    if result.document is None:
        raise RuntimeError(result.message)
    try:
        return result.document.load()
    finally:
        result.document.close()


def _load_plain(path: Path) -> ImrDraft:
    conn = sqlite3.connect(path)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise RuntimeError(f"{path} failed quick_check")
        return DraftRepository(conn).load()
    finally:
        conn.close()


def _open_figure() -> harness.Figure:
    return harness.Figure(
        name=f"open draft, {CHRONOLOGY_ROWS:,} chronology entries, remembered key",
        measured=lambda: _open_and_load(data().draft, data().keystore),
        baseline=lambda: _load_plain(data().plain),
        target=1.5,
        statistic="median",
        ceiling_ms=150,
        repeats=20,
        quick_repeats=3,
        warmups=2,
        setup=_build_data,
    )


# ---- figure 2: save one edited answer --------------------------------------------------------


class _SaveAnswer:
    """The app's save of one answer vs. a bare UPDATE on a WAL file with the same durability."""

    def __init__(self) -> None:
        self.document: ImrDocument | None = None
        self.conn: sqlite3.Connection | None = None
        self.answer = Answer("")
        self.base = ""
        self.counter = 0

    def setup(self) -> None:
        d = data()
        result = ImrDocument.open(d.draft, d.keystore)
        if result.document is None:
            raise RuntimeError(result.message)
        self.document = result.document
        self.answer = self.document.load().answers[3]
        self.base = self.answer.text
        self.conn = sqlite3.connect(d.wal, isolation_level=None)
        # What ``imr_app.storage.document._configure`` sets on the app's connection.
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")

    def measured(self) -> None:
        assert self.document is not None
        self.counter += 1
        self.answer.text = f"{self.base} {self.counter}"
        self.document.repo.save_answer(self.answer)

    def baseline(self) -> None:
        assert self.conn is not None
        self.counter += 1
        self.conn.execute("BEGIN")
        self.conn.execute("UPDATE t SET text = ? WHERE id = ?", [f"{self.base} {self.counter}", 3])
        self.conn.execute("COMMIT")

    def teardown(self) -> None:
        if self.document is not None:
            self.document.close()
            self.document = None
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _save_figure() -> harness.Figure:
    bench = _SaveAnswer()
    return harness.Figure(
        name="save one edited answer (one transaction)",
        measured=bench.measured,
        baseline=bench.baseline,
        target=2.0,
        statistic="p95",
        ceiling_ms=20,
        repeats=200,
        quick_repeats=40,
        warmups=5,
        setup=bench.setup,
        teardown=bench.teardown,
    )


def figures() -> list[harness.Figure]:
    return [_open_figure(), _save_figure()]
