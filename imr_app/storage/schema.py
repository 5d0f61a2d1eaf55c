"""The draft file's schema as ordered migrations.

Each migration runs in one transaction and sets ``user_version``; a file whose
version is newer than the last migration here was made by a newer IMR Author
and is refused, never "downgraded". The caller takes an encrypted backup
before the first pending migration runs (see ``document.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

# "IMRA": tells an IMR draft apart from any other SQLCipher database.
APPLICATION_ID = 0x494D5241


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite_utils.Database], None]


# Collection tables: name -> (columns in order, primary key). Lists and nested
# records are JSON text; flags are 0/1; dates are ISO yyyy-mm-dd text.
_V1_TABLES: dict[str, tuple[dict[str, type], str]] = {
    "meta": ({"key": str, "value": str}, "key"),
    "subjects": (
        {"id": str, "position": int, "pseudonym": str, "role": str, "real_name": str, "notes": str},
        "id",
    ),
    "questions": (
        {"number": str, "position": int, "text": str, "guidance": str},
        "number",
    ),
    "answers": (
        {
            "question_number": str,
            "position": int,
            "text": str,
            "status": str,
            "not_applicable_reason": str,
            "chronology_refs": str,
        },
        "question_number",
    ),
    "chronology": (
        {
            "id": str,
            "position": int,
            "date_start": str,
            "source": str,
            "date_as_recorded": str,
            "certainty": str,
            "date_end": str,
            "time": str,
            "end_time": str,
            "subjects": str,
            "staff": str,
            "event": str,
            "action": str,
            "outcome": str,
            "domestic_abuse": int,
            "significant": int,
            "contact_outcome": str,
            "relevance": str,
        },
        "id",
    ),
    "equality": (
        {
            "subject_id": str,
            "position": int,
            "items": str,
            "intersectionality": str,
            "other_factors": str,
        },
        "subject_id",
    ),
    "practice": (
        {"id": str, "position": int, "kind": str, "text": str, "question_refs": str},
        "id",
    ),
    "lessons": ({"id": str, "position": int, "text": str}, "id"),
    "recommendations": (
        {"id": str, "position": int, "text": str, "scope": str, "cites": str, "actions": str},
        "id",
    ),
    "comments": (
        {
            "id": str,
            "position": int,
            "anchor": str,
            "text": str,
            "author_name": str,
            "author_role": str,
            "created_at": str,
            "parent_id": str,
            "resolved": int,
        },
        "id",
    ),
    "audit": (
        {"seq": int, "at": str, "action": str, "actor": str, "role": str, "detail": str},
        "seq",
    ),
}

# Columns that may hold NULL (optional dates); everything else is NOT NULL.
_NULLABLE = {"date_end", "created_at"}


def _v1_initial(db: sqlite_utils.Database) -> None:
    for name, (columns, pk) in _V1_TABLES.items():
        not_null = {c for c in columns if c not in _NULLABLE and c != pk}
        db[name].create(columns, pk=pk, not_null=not_null, strict=True)  # type: ignore[union-attr]
    db["chronology"].create_index(["date_start", "position"])  # type: ignore[union-attr]


# Version 2: a revision is a snapshot of the content kept at each submission and sign-off;
# ``snapshot`` is the content's canonical interchange JSON (no workflow, audit or comments).
_V2_REVISIONS: dict[str, type] = {
    "id": str,
    "number": int,
    "created_at": str,
    "actor": str,
    "role": str,
    "reason": str,
    "state": str,
    "content_hash": str,
    "snapshot": str,
}


def _v2_revisions(db: sqlite_utils.Database) -> None:
    not_null = {c for c in _V2_REVISIONS if c != "id"}
    db["revisions"].create(  # type: ignore[union-attr]
        _V2_REVISIONS, pk="id", not_null=not_null, strict=True
    )
    db["revisions"].create_index(["number"], unique=True)  # type: ignore[union-attr]


# Version 3: the copy's lineage, one row per opening of the file that wrote anything, so two
# copies of a draft can be told apart (see ``core/lineage.py``). ``revisions`` is how many
# revisions the file held at the session's first write.
_V3_WRITING_SESSIONS: dict[str, type] = {
    "seq": int,
    "id": str,
    "started_at": str,
    "user": str,
    "computer": str,
    "revisions": int,
    "writes": int,  # transactions committed in that session: copies taken mid-session differ
}
LINEAGE_VERSION = 3


def _v3_writing_sessions(db: sqlite_utils.Database) -> None:
    not_null = {c for c in _V3_WRITING_SESSIONS if c != "seq"}
    db["writing_sessions"].create(  # type: ignore[union-attr]
        _V3_WRITING_SESSIONS, pk="seq", not_null=not_null, strict=True
    )
    db["writing_sessions"].create_index(["id"], unique=True)  # type: ignore[union-attr]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _v1_initial),
    Migration(2, "revisions kept at submission and sign-off", _v2_revisions),
    Migration(LINEAGE_VERSION, "writing sessions, to tell copies apart", _v3_writing_sessions),
)
CURRENT_VERSION = MIGRATIONS[-1].version


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def pending(db: sqlite_utils.Database, migrations: Sequence[Migration]) -> list[Migration]:
    current = schema_version(db)
    return [m for m in migrations if m.version > current]


def apply_migrations(db: sqlite_utils.Database, migrations: Sequence[Migration]) -> None:
    """Run each pending migration in its own transaction, bumping ``user_version`` with it."""
    for migration in pending(db, migrations):
        with db.atomic():
            migration.apply(db)
            db.execute(f"PRAGMA user_version = {int(migration.version)}")
