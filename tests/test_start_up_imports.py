"""What start-up imports, and in which order: each case runs in a fresh interpreter.

PySide6 reads the source of every module imported after it, so the layers below the GUI
and the keyring load first; keyring's imports this app never runs load only if touched.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, tmp_path: Path) -> str:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "IMR_APP_CONFIG_DIR": str(tmp_path / "config"),
        "IMR_APP_DRAFTS_DIR": str(tmp_path / "drafts"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_layers_below_the_gui_and_the_keyring_load_before_qt(tmp_path: Path):
    out = _run(
        """
        import sys
        from imr_app.context import AppContext
        from imr_app.gui.app import QT_FREE_AT_START, import_before_qt

        import_before_qt(AppContext())
        assert "keyring" in sys.modules
        assert all(name in sys.modules for name in QT_FREE_AT_START)
        print(sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6"))))
        """,
        tmp_path,
    )
    assert out == "[]"


def test_the_remembered_backend_is_imported_but_the_keyring_not_opened(tmp_path: Path):
    remembered = tmp_path / "backend.txt"
    remembered.write_text("keyring.backends.null.Keyring\n", encoding="utf-8")
    out = _run(
        f"""
        import sys
        from pathlib import Path
        from imr_app.storage.keystore import KeyStore

        store = KeyStore(remembered=Path({str(remembered)!r}))
        store.import_backend()
        print("keyring.backends.null" in sys.modules, store._backend is None)
        """,
        tmp_path,
    )
    assert out == "True True"


def test_what_keyring_imports_but_never_runs_loads_only_when_touched(tmp_path: Path):
    out = _run(
        """
        import sys, threading
        import imr_app.storage.keystore
        import keyring.backend

        print("http.client" in sys.modules, "email.message" in sys.modules)
        # Touched at once from two threads, each gets the real thing.
        import urllib.request
        seen = []
        threads = [threading.Thread(target=lambda: seen.append(urllib.request.Request))
                   for _ in range(2)]
        for t in threads: t.start()
        for t in threads: t.join()
        from urllib.request import Request
        print(seen == [Request, Request], Request("https://example.org/a").host)
        # It is the module itself for all who hold it: patches and reloads reach everyone.
        import importlib, jaraco.context
        from unittest import mock
        with mock.patch("urllib.request.urlopen") as patched:
            print(jaraco.context.urllib.request.urlopen is patched)
        print(importlib.reload(urllib.request) is jaraco.context.urllib.request)
        # keyring's search for backends still finds its plug-ins through the metadata.
        print(len(keyring.backend.get_all_keyring()) > 0)
        """,
        tmp_path,
    )
    assert out.splitlines() == ["False False", "True example.org", "True", "True", "True"]


def test_a_deferred_module_that_fails_fails_alike_for_everyone_and_a_reload_counts(
    tmp_path: Path,
):
    (tmp_path / "flaky.py").write_text(
        "import os\nif os.environ.get('BREAK'):\n    raise RuntimeError('broken')\nVALUE = 1\n",
        encoding="utf-8",
    )
    (tmp_path / "once.py").write_text("RUNS = [1]\n", encoding="utf-8")
    out = _run(
        f"""
        import importlib, os, sys
        sys.path.insert(0, {str(tmp_path)!r})
        from imr_app.storage.deferred_imports import defer
        defer("flaky", "once")
        import flaky, once
        os.environ["BREAK"] = "1"
        for _ in range(2):  # every touch says why, and tries again
            try:
                flaky.VALUE
            except AttributeError as exc:
                print(type(exc.__cause__).__name__, exc.__cause__)
        del os.environ["BREAK"]
        print(flaky.VALUE, sys.modules["flaky"] is flaky)
        importlib.reload(once)  # runs its code; a later touch must not run it again
        once.RUNS.append(2)
        print(getattr(once, "missing", None), once.RUNS)
        """,
        tmp_path,
    )
    assert out.splitlines() == [
        "RuntimeError broken",
        "RuntimeError broken",
        "1 True",
        "None [1, 2]",
    ]
