"""``imr-app``: the commands a new user follows in the README, and their failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.paths import resource_path
from tests.conftest import PASSPHRASE

EXAMPLE = resource_path("examples", "example-imr.json")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def passphrase_env(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("IMR_PASS", PASSPHRASE)
    return ["--passphrase-env", "IMR_PASS"]


def run(context: AppContext, *argv: str) -> int:
    return main(list(argv), context)


def test_readme_journey_create_import_dump_unchanged(
    tmp_path: Path, context: AppContext, passphrase_env: list[str], capsys: pytest.CaptureFixture
):
    empty = tmp_path / "empty.imr"
    assert run(context, "new", str(empty), "--review-name", "DHR Amina", *passphrase_env) == 0
    assert run(context, "info", str(empty)) == 0  # the key is remembered: no passphrase
    info = capsys.readouterr().out
    assert "DHR Amina" in info
    assert "0 of 17" in info

    imported = tmp_path / "example.imr"
    assert run(context, "import", str(imported), "--from", str(EXAMPLE), *passphrase_env) == 0
    capsys.readouterr()
    assert run(context, "dump", str(imported)) == 0
    assert capsys.readouterr().out == EXAMPLE.read_text(encoding="utf-8")
    assert b"Halima" not in imported.read_bytes()


def test_info_shows_no_case_content(
    tmp_path: Path, context: AppContext, passphrase_env: list[str], capsys: pytest.CaptureFixture
):
    path = tmp_path / "example.imr"
    run(context, "import", str(path), "--from", str(EXAMPLE), *passphrase_env)
    capsys.readouterr()
    assert run(context, "info", str(path)) == 0
    out = capsys.readouterr().out
    assert "Northshire Police" in out
    assert "Chronology entries:" in out
    assert "Halima" not in out  # a real name
    assert "Amina" in out  # the review's name uses the pseudonym


def test_passphrase_is_never_an_argument(tmp_path: Path, context: AppContext, capsys):
    assert run(context, "new", str(tmp_path / "a.imr"), "--passphrase", PASSPHRASE) == 2
    assert "never taken as an argument" in capsys.readouterr().err
    assert not (tmp_path / "a.imr").exists()


def test_passphrase_from_a_file(tmp_path: Path, context: AppContext):
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path = tmp_path / "a.imr"
    assert run(context, "new", str(path), "--passphrase-file", str(secret), "--no-remember") == 0
    assert run(context, "info", str(path), "--passphrase-file", str(secret)) == 0


def test_weak_passphrase_is_refused(tmp_path: Path, context: AppContext, monkeypatch, capsys):
    monkeypatch.setenv("WEAK", "password1")
    assert run(context, "new", str(tmp_path / "a.imr"), "--passphrase-env", "WEAK") == 2
    assert "at least 12 characters" in capsys.readouterr().err
    assert not (tmp_path / "a.imr").exists()


def test_existing_file_is_never_overwritten(
    tmp_path: Path, context: AppContext, passphrase_env: list[str], capsys
):
    path = tmp_path / "a.imr"
    run(context, "new", str(path), *passphrase_env)
    before = path.read_bytes()
    assert run(context, "new", str(path), *passphrase_env) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_wrong_passphrase_and_missing_variable(
    tmp_path: Path, context: AppContext, passphrase_env: list[str], monkeypatch, capsys
):
    path = tmp_path / "a.imr"
    run(context, "new", str(path), *passphrase_env, "--no-remember")
    monkeypatch.setenv("WRONG", "completely wrong words")
    assert run(context, "dump", str(path), "--passphrase-env", "WRONG") == 2
    assert "does not open this draft" in capsys.readouterr().err
    assert run(context, "dump", str(path), "--passphrase-env", "NOT_SET_ANYWHERE") == 2
    assert "NOT_SET_ANYWHERE is not set" in capsys.readouterr().err


def test_no_terminal_and_no_passphrase_is_a_clear_error(
    tmp_path: Path, context: AppContext, passphrase_env: list[str], monkeypatch, capsys
):
    path = tmp_path / "a.imr"
    run(context, "new", str(path), *passphrase_env, "--no-remember")
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115
    assert run(context, "info", str(path)) == 2
    assert "use --passphrase-file or --passphrase-env" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"format_version": 1,\n "review": {', "line 2, column"),
        ('{"format_version": 7}', "newer version"),
        ("[]", "top level"),
    ],
)
def test_malformed_import_names_the_problem(
    tmp_path: Path, context: AppContext, passphrase_env, capsys, content: str, expected: str
):
    source = tmp_path / "bad.json"
    source.write_text(content, encoding="utf-8")
    path = tmp_path / "a.imr"
    assert run(context, "import", str(path), "--from", str(source), *passphrase_env) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not path.exists()


def test_locked_draft_and_take_over(
    tmp_path: Path, context: AppContext, passphrase_env: list[str], capsys
):
    from imr_app.storage.document import ImrDocument

    path = tmp_path / "a.imr"
    run(context, "new", str(path), *passphrase_env)
    result = ImrDocument.open(path, context.keystore)
    assert result.document is not None
    capsys.readouterr()
    assert run(context, "info", str(path)) == 2
    assert "open elsewhere" in capsys.readouterr().err
    assert run(context, "info", str(path), "--take-over") == 0
    result.document.close()


def test_change_passphrase_and_forget(
    tmp_path: Path, context: AppContext, passphrase_env: list[str], monkeypatch, capsys
):
    path = tmp_path / "a.imr"
    run(context, "new", str(path), *passphrase_env)
    monkeypatch.setenv("NEW_PASS", "lantern pebble voyage")
    assert run(context, "change-passphrase", str(path), "--new-passphrase-env", "NEW_PASS") == 0
    assert run(context, "info", str(path), "--passphrase-env", "NEW_PASS") == 0
    assert run(context, "forget", str(path)) == 0
    assert "Forgotten" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115
    assert run(context, "info", str(path)) == 2  # no longer remembered


def test_real_entry_point_in_a_subprocess(tmp_path: Path):
    """``python -m imr_app`` as a user runs it, with the test keyring as its backend."""
    env = {**os.environ, "IMR_PASS": PASSPHRASE}
    path = tmp_path / "sub.imr"

    def imr(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "imr_app", *argv],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert imr("--version").stdout.startswith("IMR Author ")
    made = imr("import", str(path), "--from", str(EXAMPLE), "--passphrase-env", "IMR_PASS")
    assert made.returncode == 0, made.stderr
    dumped = imr("dump", str(path))
    assert dumped.returncode == 0, dumped.stderr
    assert dumped.stdout == EXAMPLE.read_text(encoding="utf-8")
    bad = imr("dump", str(tmp_path / "missing.imr"))
    assert bad.returncode == 2
    assert "no file at this location" in bad.stderr and "Traceback" not in bad.stderr
    usage = imr("frobnicate")
    assert usage.returncode == 2


def test_selftest_passes():
    assert main(["selftest"]) == 0
