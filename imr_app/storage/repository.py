"""Reads and writes the parts of an ``ImrDraft`` to the draft's tables.

Each public write is one transaction (``transaction()``), so a crash leaves either
the old or the new content, never half of it. Rows are the codec's plain values
with lists and nested records as JSON, so every model field is stored.

The first write of a document's life also appends its writing session to the copy's
lineage, in the same transaction, so two copies of a draft can be told apart
(``core/lineage.py``); every later write pays one boolean check.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache, cached_property, partial
from typing import TYPE_CHECKING, Any, TypeVar

from imr_app.core import codec
from imr_app.core.drafts import now
from imr_app.core.interchange import normalise_answers
from imr_app.core.lineage import Lineage, RevisionMark, WritingSession
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
    SubjectEquality,
    Workflow,
    WorkflowState,
    new_id,
)
from imr_app.core.revisions import Revision, RevisionInfo
from imr_app.storage.sqlcipher_compat import database, dbapi2

if TYPE_CHECKING:
    import sqlite_utils

T = TypeVar("T")

# Draft attribute -> (table, entity class) for the ordered collections.
COLLECTIONS: dict[str, tuple[str, type]] = {
    "subjects": ("subjects", Subject),
    "chronology": ("chronology", ChronologyEntry),
    "practice": ("practice", PracticeFinding),
    "lessons": ("lessons", Lesson),
    "recommendations": ("recommendations", Recommendation),
    "comments": ("comments", Comment),
}
# Single-record parts kept as JSON in the ``meta`` table.
PARTS: dict[str, Any] = {
    "review": Review,
    "agency": Agency,
    "author": Author,
    "sources": Sources,
    "workflow": Workflow,
    "sections": list[SectionState],
}
TEXT_PARTS = ("analysis", "equality_statement")


def to_row(entity: Any, position: int | None = None) -> dict[str, Any]:
    row = {}
    for key, value in codec.to_plain(entity).items():
        if isinstance(value, list | dict):
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            value = int(value)
        row[key] = value
    if position is not None:
        row["position"] = position
    return row


@dataclass(frozen=True)
class _RowDecoder:
    """Turns a row of one table, selected in field order, into its dataclass.

    Rows come from STRICT tables this app wrote, so only the columns that need it
    are converted; the interchange codec's checks would double the cost of opening
    a draft with 10,000 chronology entries.
    """

    cls: type
    columns: tuple[str, ...]
    converters: tuple[Callable[[Any], Any] | None, ...]

    def select(self, table: str, order: str) -> str:
        names = ", ".join(f"[{c}]" for c in self.columns)
        return f"SELECT {names} FROM [{table}] ORDER BY {order}"

    def decode(self, row: Sequence[Any]) -> Any:
        values = [
            v if conv is None else conv(v) for conv, v in zip(self.converters, row, strict=True)
        ]
        return self.cls(*values)


@cache
def _decoder(cls: type) -> _RowDecoder:
    hints = typing.get_type_hints(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))
    return _RowDecoder(cls, names, tuple(_column_converter(hints[n]) for n in names))


def _column_converter(hint: Any) -> Callable[[Any], Any] | None:
    """How one stored column becomes a field value; None when it is stored as is."""
    optional = typing.get_origin(hint) in (typing.Union, types.UnionType)
    if optional:
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    convert: Callable[[Any], Any]
    if typing.get_origin(hint) is list and typing.get_args(hint)[0] is str:
        convert = json.loads
    elif typing.get_origin(hint) is list or dataclasses.is_dataclass(hint):
        convert = partial(_nested, hint)
    elif hint is bool:
        convert = bool
    elif hint is date:
        convert = date.fromisoformat
    elif hint is datetime:
        convert = datetime.fromisoformat
    elif isinstance(hint, type) and issubclass(hint, Enum):
        convert = {m.value: m for m in hint}.__getitem__
    else:
        return None
    return partial(_unless_none, convert) if optional else convert


def _nested(cls: Any, text: str) -> Any:
    return codec.from_plain(cls, json.loads(text))


def _unless_none(convert: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else convert(value)


@dataclass(frozen=True)
class PendingSession:
    """The writing session a document records with its first write."""

    user: str
    computer: str
    id: str = dataclasses.field(default_factory=new_id)


# The tables that grow with the case: opening may leave their check to the reading thread.
LARGE_TABLES = ("chronology", "revisions")


class DraftRepository:
    """The draft's content in an open, unlocked database.

    ``pending_session`` is recorded by the first write (None for readers and migrations,
    which add nothing to the copy's lineage).
    """

    def __init__(self, conn: dbapi2.Connection, pending_session: PendingSession | None = None):
        self.conn = conn
        self.pending_session = pending_session
        self._session_id = ""  # this opening's writing session, once recorded
        self._depth = 0  # nesting of our own transactions

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils for writing, made on first use: reading needs only the connection."""
        return database(self.conn)

    # ---- reading -------------------------------------------------------------
    def load(self, with_chronology: bool = True) -> ImrDraft:
        """The whole draft; without the chronology when it will be loaded separately."""
        meta = {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM meta")}
        header = meta["question_set"]
        questions = self._rows("questions", Question)
        draft = ImrDraft(
            question_set=QuestionSet(header["id"], header["title"], header["version"], questions),
            id=meta["draft_id"],
            analysis=meta.get("analysis", ""),
        )
        for name, cls in PARTS.items():
            if name in meta:
                setattr(draft, name, codec.from_plain(cls, meta[name], f"meta.{name}"))
        draft.answers = self._rows("answers", Answer)
        normalise_answers(draft)
        for attr, (table, cls) in COLLECTIONS.items():
            if with_chronology or attr != "chronology":
                setattr(draft, attr, self._rows(table, cls))
        draft.equality = Equality(
            subjects=self._rows("equality", SubjectEquality),
            statement=meta.get("equality_statement", ""),
        )
        draft.audit = self._rows("audit", AuditEvent, order="seq")
        return draft

    def _rows(self, table: str, cls: type[T], order: str = "position") -> list[T]:
        decoder = _decoder(cls)
        return [decoder.decode(r) for r in self.conn.execute(decoder.select(table, order))]

    def load_chronology(self) -> list[ChronologyEntry]:
        return self._rows("chronology", ChronologyEntry)

    def counts(self) -> dict[str, int]:
        tables = ("subjects", "questions", "chronology", "recommendations", "comments")
        return {t: self.conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}

    def table_names(self) -> list[str]:
        rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return [r[0] for r in rows]

    def integrity_problem(self, tables: Iterable[str] | None = None) -> str | None:
        """The first problem SQLite's ``quick_check`` finds in the whole file, or in ``tables``."""
        pragmas = (
            ["PRAGMA quick_check"]
            if tables is None
            else [f"PRAGMA quick_check([{table}])" for table in tables]
        )
        for pragma in pragmas:
            problems = [r[0] for r in self.conn.execute(pragma)]
            if problems != ["ok"]:
                return str(problems[0])
        return None

    def part(self, name: str) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", [name]).fetchone()
        return json.loads(row[0]) if row else None

    # ---- writing (each public method is one transaction) --------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (a savepoint when nested); the first also records the session.

        The session counts as recorded only once a transaction of ours commits it: inside
        someone else's ``db.atomic()`` it is inserted (or ignored, if already there) each
        time, because that outer transaction may still roll it back.
        """
        first = self._depth == 0
        owned = first and not self.conn.in_transaction
        self._depth += 1
        try:
            with self.db.atomic():
                if first and self.pending_session is not None:
                    self._record_session(self.pending_session)
                    self._session_id = self.pending_session.id
                if first and self._session_id:
                    self._count_write(self._session_id)
                yield
        finally:
            self._depth -= 1
        if owned:
            self.pending_session = None

    def _record_session(self, session: PendingSession) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO writing_sessions"
            "(id, started_at, user, computer, revisions, writes) "
            "VALUES (?, ?, ?, ?, (SELECT count(*) FROM revisions), 0)",
            [session.id, now().isoformat(), session.user, session.computer],
        )

    def _count_write(self, session_id: str) -> None:
        """One more transaction in this session: a copy taken earlier in it holds fewer."""
        self.db.execute(
            "UPDATE writing_sessions SET writes = writes + 1 WHERE id = ?", [session_id]
        )

    def write_all(self, draft: ImrDraft) -> None:
        """Replace the whole content with ``draft`` (new drafts and imports)."""
        normalise_answers(draft)
        with self.transaction():
            for table in (
                "meta",
                "questions",
                "answers",
                "equality",
                "audit",
                *(t for t, _ in COLLECTIONS.values()),
            ):
                self.db.execute(f"DELETE FROM [{table}]")
            qs = draft.question_set
            self._put_meta("draft_id", draft.id)
            self._put_meta("question_set", {"id": qs.id, "title": qs.title, "version": qs.version})
            for name in PARTS:
                self._put_meta(name, codec.to_plain(getattr(draft, name)))
            self._put_meta("analysis", draft.analysis)
            self._put_meta("equality_statement", draft.equality.statement)
            self._insert("questions", qs.questions)
            self._insert("answers", draft.answers)
            self._insert("equality", draft.equality.subjects)
            for attr, (table, _) in COLLECTIONS.items():
                self._insert(table, getattr(draft, attr))
            self.db["audit"].insert_all(to_row(e) for e in draft.audit)  # type: ignore[union-attr]

    def save_part(self, name: str, value: Any) -> None:
        """Save one single-record part (review, author, analysis …) as a transaction."""
        if name not in PARTS and name not in TEXT_PARTS:
            raise KeyError(name)
        with self.transaction():
            self._put_meta(name, codec.to_plain(value))

    def replace_rows(self, table: str, entities: Sequence[Any]) -> None:
        """Make ``table`` hold exactly ``entities``, in this order, as one transaction."""
        with self.transaction():
            self.db.execute(f"DELETE FROM [{table}]")
            self._insert(table, entities)

    def save_equality(self, equality: Equality) -> None:
        with self.transaction():
            self.replace_rows("equality", equality.subjects)
            self._put_meta("equality_statement", equality.statement)

    def save_answer(self, answer: Answer) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE answers SET text = ?, status = ?, not_applicable_reason = ?, "
                "chronology_refs = ? WHERE question_number = ?",
                [
                    answer.text,
                    answer.status.value,
                    answer.not_applicable_reason,
                    json.dumps(answer.chronology_refs),
                    answer.question_number,
                ],
            )

    def save_rows(self, table: str, entities: Sequence[Any], start: int = 0) -> None:
        """Insert or replace entities, giving them positions from ``start``."""
        with self.transaction():
            self.db[table].upsert_all(  # type: ignore[union-attr]
                (to_row(e, start + i) for i, e in enumerate(entities)),
                pk=self.db[table].pks[0],  # type: ignore[union-attr]
            )

    def save_at(self, table: str, placed: Iterable[tuple[int, Any]]) -> None:
        """Insert or replace (position, entity) pairs, keeping each entity's position."""
        with self.transaction():
            self.db[table].upsert_all(  # type: ignore[union-attr]
                (to_row(e, position) for position, e in placed),
                pk=self.db[table].pks[0],  # type: ignore[union-attr]
            )

    def delete_rows(self, table: str, ids: Iterable[str]) -> None:
        pk = self.db[table].pks[0]  # type: ignore[union-attr]
        with self.transaction():
            self.db.conn.executemany(f"DELETE FROM [{table}] WHERE [{pk}] = ?", [[i] for i in ids])

    def add_audit(self, event: AuditEvent) -> None:
        with self.transaction():
            self.db["audit"].insert(to_row(event))  # type: ignore[union-attr]

    # ---- revisions (snapshots kept at submission and sign-off) ---------------
    _REVISION_COLUMNS = "id, number, created_at, actor, role, reason, state, content_hash"

    def add_revision(self, revision: Revision) -> None:
        with self.transaction():
            self.db.execute(
                f"INSERT INTO revisions({self._REVISION_COLUMNS}, snapshot) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    revision.id,
                    revision.number,
                    revision.created_at.isoformat(),
                    revision.actor,
                    revision.role,
                    revision.reason,
                    revision.state.value,
                    revision.content_hash,
                    revision.snapshot,
                ],
            )

    def revisions(self) -> list[RevisionInfo]:
        """Every revision, oldest first, without the snapshots (which can be large)."""
        rows = self.conn.execute(
            f"SELECT {self._REVISION_COLUMNS} FROM revisions ORDER BY number"
        ).fetchall()
        return [
            RevisionInfo(
                rid,
                number,
                datetime.fromisoformat(created_at),
                actor,
                role,
                reason,
                WorkflowState(state),
                content_hash,
            )
            for rid, number, created_at, actor, role, reason, state, content_hash in rows
        ]

    def revision_snapshot(self, revision_id: str) -> str:
        row = self.conn.execute(
            "SELECT snapshot FROM revisions WHERE id = ?", [revision_id]
        ).fetchone()
        if row is None:
            raise KeyError(revision_id)
        return str(row[0])

    # ---- lineage (which copy of a draft this is) ----------------------------
    def lineage(self) -> Lineage:
        """This copy's draft id, writing sessions and revisions, oldest first."""
        sessions = [
            WritingSession(sid, datetime.fromisoformat(at), user, computer, revisions, writes)
            for sid, at, user, computer, revisions, writes in self.conn.execute(
                "SELECT id, started_at, user, computer, revisions, writes FROM writing_sessions "
                "ORDER BY seq"
            ).fetchall()
        ]
        marks = [
            RevisionMark(r.id, r.number, r.created_at, r.actor, r.state) for r in self.revisions()
        ]
        return Lineage(str(self.part("draft_id")), sessions, marks)

    def _put_meta(self, key: str, value: Any) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )

    def _insert(self, table: str, entities: Sequence[Any]) -> None:
        self.db[table].insert_all(  # type: ignore[union-attr]
            (to_row(e, i) for i, e in enumerate(entities)), batch_size=500
        )
