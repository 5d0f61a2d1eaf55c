"""Changing the passphrase, and schema migrations with an encrypted backup first."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from imr_app.core import interchange
from imr_app.storage import schema
from imr_app.storage.document import ImrDocument, OpenStatus
from imr_app.storage.keystore import KeyStore
from tests.conftest import PASSPHRASE

if TYPE_CHECKING:
    import sqlite_utils

NEW_PASSPHRASE = "lantern pebble voyage"


def _opened(path: Path, **kw: object) -> ImrDocument:
    result = ImrDocument.open(path, **kw)  # type: ignore[arg-type]
    assert result.ok, result.message
    assert result.document is not None
    return result.document


def test_change_passphrase_round_trip(created: Path, keystore: KeyStore):
    old_salt = created.read_bytes()[:16]
    document = _opened(created, keystore=keystore)
    before = interchange.to_document(document.load())
    document.change_passphrase(NEW_PASSPHRASE, keystore)
    document.close()

    assert ImrDocument.open(created, passphrase=PASSPHRASE).status is OpenStatus.WRONG_PASSPHRASE
    reopened = _opened(created, passphrase=NEW_PASSPHRASE)
    after = reopened.load()
    reopened.close()
    assert [e.action for e in after.audit][-1] == "passphrase changed"
    after.audit.pop()
    assert interchange.to_document(after) == before
    # The keyring now holds the new key only, and it opens the file.
    assert keystore.get(old_salt) is None
    _opened(created, keystore=keystore).close()
    assert sorted(p.name for p in created.parent.iterdir()) == [created.name]


def _add_notes_table(db: sqlite_utils.Database) -> None:
    db["notes"].create({"id": str, "text": str}, pk="id", strict=True)  # type: ignore[union-attr]


def _broken(db: sqlite_utils.Database) -> None:
    db["half_done"].create({"id": str}, pk="id")  # type: ignore[union-attr]
    raise RuntimeError("disk said no")


def test_pending_migration_runs_after_an_encrypted_backup(created: Path):
    migrations = (
        *schema.MIGRATIONS,
        schema.Migration(schema.CURRENT_VERSION + 1, "notes", _add_notes_table),
    )
    document = _opened(created, passphrase=PASSPHRASE, migrations=migrations)
    assert schema.schema_version(document.db) == schema.CURRENT_VERSION + 1
    assert "notes" in document.db.table_names()
    assert document.load().audit[-1].action == "schema migrated"
    document.close()

    backups = [p for p in created.parent.iterdir() if "backup" in p.name]
    assert len(backups) == 1
    assert not backups[0].read_bytes().startswith(b"SQLite format 3")
    old = _opened(backups[0], passphrase=PASSPHRASE)
    assert schema.schema_version(old.db) == schema.CURRENT_VERSION
    assert "notes" not in old.db.table_names()
    assert old.load().review.name == "DHR Amina"
    old.close()


def test_failed_migration_leaves_the_draft_as_it_was(created: Path):
    migrations = (
        *schema.MIGRATIONS,
        schema.Migration(schema.CURRENT_VERSION + 1, "broken", _broken),
    )
    result = ImrDocument.open(created, passphrase=PASSPHRASE, migrations=migrations)
    assert result.status is OpenStatus.MIGRATION_FAILED
    assert "disk said no" in result.message
    document = _opened(created, passphrase=PASSPHRASE)
    assert schema.schema_version(document.db) == schema.CURRENT_VERSION
    assert "half_done" not in document.db.table_names()
    document.close()


def test_every_model_field_has_a_column(created: Path):
    """Adding a field to the model without a migration must fail here, not lose data."""
    import dataclasses

    from imr_app.core.model import Answer, SubjectEquality
    from imr_app.storage.repository import COLLECTIONS

    tables = [*COLLECTIONS.values(), ("answers", Answer), ("equality", SubjectEquality)]
    document = _opened(created, passphrase=PASSPHRASE)
    for table, cls in tables:
        columns = set(document.db[table].columns_dict)
        fields = {f.name for f in dataclasses.fields(cls)}
        assert fields <= columns, (table, fields - columns)
    document.close()
