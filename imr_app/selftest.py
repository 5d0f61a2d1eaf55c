"""``imr-app selftest``: proves an installed or bundled app can do its core work.

It creates an encrypted draft in a temporary folder from the shipped example,
reads it back, and checks that the file is ciphertext; the bundle check in CI
runs it, so a missing resource or native library fails the build, not a user.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path

from imr_app.core import interchange
from imr_app.core.model import ImrDraft
from imr_app.paths import resource_path


def run_selftest() -> list[str]:
    """Problems found; an empty list means all is well."""
    from imr_app.core.question_sets import default_question_set
    from imr_app.storage.document import ImrDocument

    problems: list[str] = []
    if len(default_question_set().questions) == 0:
        problems.append("the default question set is empty")
    example = resource_path("examples", "example-imr.json").read_text(encoding="utf-8")
    draft = interchange.loads(example)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "selftest.imr"
        passphrase = secrets.token_urlsafe(16)
        document, _ = ImrDocument.create(path, passphrase, draft, keystore=None)
        document.close()
        if path.read_bytes().startswith(b"SQLite format 3"):
            problems.append("the draft file is not encrypted")
        result = ImrDocument.open(path, passphrase=passphrase, remember=False)
        if not result.ok or result.document is None:
            return [*problems, f"could not reopen the draft: {result.message}"]
        with result.document as document:
            loaded = document.load()
            if interchange.dumps(loaded) != example:
                problems.append("the example did not round-trip unchanged")
        problems += _export_problems(loaded, Path(tmp))
    return problems + _keyring_problems()


def _keyring_problems() -> list[str]:
    """keyring loads, and what it imports behind stand-ins (D45) loads when touched: the
    bundle's importer must serve both. No key is read or written."""
    import keyring  # noqa: F401  (imports them, behind their stand-ins)

    try:
        from urllib.request import Request

        Request("https://example.org/")
        if sys.version_info < (3, 12):  # keyring's plug-in search reads package metadata
            from importlib_metadata import version

            version("keyring")
    except Exception as exc:
        return [f"a module keyring imports did not load: {exc}"]
    return []


def _export_problems(draft: ImrDraft, folder: Path) -> list[str]:
    """A protected draft export read back: template, python-docx and encryption all present."""
    from imr_app.services.docx_protection import is_protected
    from imr_app.services.embedded_data import read_embedded
    from imr_app.services.export_docx import ExportOptions, export

    out = folder / "selftest.docx"
    password = secrets.token_urlsafe(12)
    export(draft, out, ExportOptions(draft_copy=True, password=password))
    if not is_protected(out):
        return ["the exported document is not password-protected"]
    if len(read_embedded(out, password).chronology) != len(draft.chronology):
        return ["the exported document does not carry the chronology"]
    return []
