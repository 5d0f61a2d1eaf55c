"""Chronology import figure: a 10,000-row CSV export read, checked and committed into a draft.

The baseline is Python's ``csv`` module merely reading the same file into lists, which is the
least any import must do; the figure is everything the author waits for after choosing the
file and the mapping (decoding, sniffing, checking every row, one transaction into the
encrypted draft). The CSV is generated once per run, like an export from a case management
system: UK dates of every precision, quoted multi-line notes, flags, a column nobody maps.
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench import harness
from bench.bench_storage import _SENTENCES, _SOURCES, _STAFF, _text
from imr_app.core.drafts import new_draft
from imr_app.core.model import Subject, SubjectRole
from imr_app.core.question_sets import default_question_set
from imr_app.services import chronology_import
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore

ROWS = 10_000
PASSPHRASE = "correct horse battery staple"
HEADERS = (
    "Record ID",
    "Date",
    "Time",
    "Source",
    "Subjects",
    "Staff",
    "Event",
    "Action",
    "Outcome",
    "Domestic abuse",
    "Significant",
    "Contact outcome",
)
_CONTACTS = ("", "", "", "attended", "did not attend", "no reply", "declined", "cancelled")


def write_export(path: Path, rows: int = ROWS, seed: int = 2026) -> None:
    """A realistic export: 85% exact dates in mixed spellings, the rest uncertain."""
    rng = random.Random(seed)
    start = date(2015, 1, 5)
    people = ("Adult A", "Adult B", "Child C")
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for i in range(rows):
            day = start + timedelta(days=i * 1300 // rows)
            spelling = rng.random()
            if spelling < 0.6:
                recorded = day.strftime("%d/%m/%Y")
            elif spelling < 0.75:
                recorded = f"{day.day}/{day.month}/{day:%y}"
            elif spelling < 0.85:
                recorded = f"{day.day} {day:%b %Y}"
            elif spelling < 0.93:
                recorded = f"?{day:%d/%m/%Y}"
            elif spelling < 0.98:
                recorded = f"{day:%m/%Y}"
            else:
                recorded = f"summer {day.year}"
            event = _text(rng, _SENTENCES, 100, 400)
            if rng.random() < 0.2:
                event += "\r\n" + _text(rng, _SENTENCES, 50, 150)  # a note over two lines
            writer.writerow(
                [
                    f"CMS-{100000 + i}",
                    recorded,
                    f"{rng.randint(0, 23):02}:{rng.randint(0, 59):02}"
                    if rng.random() < 0.7
                    else "",
                    rng.choice(_SOURCES),
                    "; ".join(rng.sample(people, rng.randint(1, 3))),
                    "; ".join(rng.sample(_STAFF, rng.randint(1, 2))),
                    event,
                    _text(rng, _SENTENCES, 0, 200) if rng.random() < 0.6 else "",
                    _text(rng, _SENTENCES, 0, 150) if rng.random() < 0.4 else "",
                    "Yes" if rng.random() < 0.35 else "No",
                    "Y" if rng.random() < 0.1 else "N",
                    rng.choice(_CONTACTS),
                ]
            )


class _Import:
    """Each repeat empties the chronology (untimed), then imports the whole file (timed)."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.csv = Path()
        self.document: ImrDocument | None = None
        self.subjects: list[Subject] = []

    def setup(self) -> None:
        self.folder = Path(
            harness.resources.enter_context(tempfile.TemporaryDirectory(prefix="imr-bench-"))
        )
        self.csv = self.folder / "export.csv"
        write_export(self.csv)
        draft = new_draft(default_question_set(), "DHR Adult A", agency="Northshire Police")
        draft.subjects = [
            Subject("Adult A", SubjectRole.VICTIM),
            Subject("Adult B", SubjectRole.PERPETRATOR),
            Subject("Child C", SubjectRole.CHILD),
        ]
        self.subjects = draft.subjects
        keystore = KeyStore(harness.MemoryKeyring())
        self.document, _ = ImrDocument.create(
            self.folder / "import.imr", PASSPHRASE, draft, keystore, remember=False
        )
        # Both sides must see the same rows, and every generated row must be importable.
        result = chronology_import.preview(self.csv, subjects=self.subjects)
        if result.rejections or len(result.accepted) != ROWS:
            raise RuntimeError(f"generated rows rejected: {result.rejections[:3]}")
        if len(self._read_csv()) != ROWS + 1:
            raise RuntimeError("the csv module does not read the generated rows")

    def _read_csv(self) -> list[list[str]]:
        with open(self.csv, encoding="utf-8-sig", newline="") as f:
            return list(csv.reader(f))

    def measured(self) -> float:
        assert self.document is not None
        with self.document.db.atomic():
            self.document.db.execute("DELETE FROM chronology")
        start = time.perf_counter_ns()
        result = chronology_import.preview(self.csv, subjects=self.subjects)
        chronology_import.commit(self.document.repo, 0, result.accepted, self.csv.name)
        elapsed = (time.perf_counter_ns() - start) / 1e6
        if self.document.db["chronology"].count != ROWS:
            raise RuntimeError("the import did not store every row")
        return elapsed

    def baseline(self) -> float:
        start = time.perf_counter_ns()
        self._read_csv()
        return (time.perf_counter_ns() - start) / 1e6

    def teardown(self) -> None:
        if self.document is not None:
            self.document.close()
            self.document = None


def figures() -> list[harness.Figure]:
    bench = _Import()
    return [
        harness.Figure(
            name=f"import a {ROWS:,}-row CSV into a draft",
            measured=bench.measured,
            baseline=bench.baseline,
            target=10,
            statistic="median",
            ceiling_ms=5000,
            repeats=7,
            quick_repeats=2,
            warmups=1,
            setup=bench.setup,
            teardown=bench.teardown,
            self_measured=True,
        )
    ]
