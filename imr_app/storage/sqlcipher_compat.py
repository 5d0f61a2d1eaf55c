"""The one place that joins sqlcipher3 to sqlite-utils.

sqlite-utils catches the stdlib ``sqlite3`` exception classes, and sqlcipher3 has a
separate hierarchy, so ``table.drop(ignore=True)`` and ``INSERT … RETURNING`` break.
sqlite-utils prefers a module named ``pysqlite3`` when one is importable, so
sqlcipher3 is registered under that name *before* sqlite-utils is first imported.
Every other module gets sqlite-utils and the driver from here.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import sqlcipher3
from sqlcipher3 import dbapi2

if "sqlite_utils" in sys.modules and sys.modules.get("pysqlite3") is not sqlcipher3:
    raise ImportError("sqlite_utils was imported before imr_app.storage.sqlcipher_compat")
sys.modules["pysqlite3"] = sqlcipher3
sys.modules["pysqlite3.dbapi2"] = dbapi2

if TYPE_CHECKING:
    import sqlite_utils


def database(conn: dbapi2.Connection) -> sqlite_utils.Database:
    """sqlite-utils over our connection, with its plugins off: a plugin is third-party code
    that would run on the decrypted draft, and finding plugins scans every installed
    package's metadata (about 100 ms on each open)."""
    import sqlite_utils  # imported on first write: 50 ms that opening a draft does without

    return sqlite_utils.Database(conn, execute_plugins=False)


def load_sqlite_utils() -> None:
    """Import sqlite-utils now (on a worker thread), so the first save does not wait for it."""
    import sqlite_utils  # noqa: F401


DatabaseError = dbapi2.DatabaseError
OperationalError = dbapi2.OperationalError
IntegrityError = dbapi2.IntegrityError

__all__ = [
    "DatabaseError",
    "IntegrityError",
    "OperationalError",
    "database",
    "dbapi2",
    "load_sqlite_utils",
]
