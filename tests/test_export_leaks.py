"""Before an IMR leaves: real names become pseudonyms, and what remains is listed or accepted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.core import interchange
from imr_app.paths import resource_path
from imr_app.storage.document import ImrDocument
from tests.conftest import PASSPHRASE

EXAMPLE = resource_path("examples", "example-imr.json")


@pytest.fixture
def example_file(tmp_path: Path, context: AppContext, monkeypatch) -> Path:
    monkeypatch.setenv("IMR_PASS", PASSPHRASE)
    draft = interchange.loads(EXAMPLE.read_text(encoding="utf-8"))
    victim = draft.victim()
    assert victim is not None and victim.real_name
    first = victim.real_name.split()[0]
    draft.analysis = f"{victim.real_name} told her GP. {first}'s NHS number is 943 476 5919."
    path = tmp_path / "example.imr"
    ImrDocument.create(path, PASSPHRASE, draft, context.keystore)[0].close()
    return path


def test_real_names_are_replaced_and_an_nhs_number_blocks_the_final_export(
    example_file: Path, tmp_path: Path, context: AppContext, capsys
):
    out = tmp_path / "IMR.docx"
    assert main(["export", str(example_file), "--out", str(out)], context) == 1
    err = capsys.readouterr().err
    assert "NHS number '943 476 5919'" in err
    assert "nothing was written" in err
    assert not out.exists()
    key = re.search(r"\(key ([^)]+)\)", err).group(1)

    assert main(["export", str(example_file), "--out", str(out), "--accept", key], context) == 2
    assert "--accept needs --reason" in capsys.readouterr().err

    reason = "The panel asked for the NHS number to trace GP records."
    argv = ["export", str(example_file), "--out", str(out), "--accept", key, "--reason", reason]
    assert main(argv, context) == 0
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Amina told her GP. Amina's NHS number" in text
    assert "Halima" not in text and "Osman" not in text

    with ImrDocument.open(example_file, context.keystore).document as document:
        audit = document.load().audit
    accepted = [e for e in audit if e.action == "leak accepted"]
    assert accepted and accepted[-1].detail == f"{key} | {reason}"
    exported = [e for e in audit if e.action == "exported"]
    assert exported[-1].detail == "IMR.docx, final, not password-protected"


def test_a_draft_copy_goes_out_with_its_hits_listed(
    example_file: Path, tmp_path: Path, context: AppContext, capsys
):
    out = tmp_path / "IMR-draft.docx"
    assert main(["export", str(example_file), "--out", str(out), "--draft"], context) == 0
    assert out.exists()
    assert "in the DRAFT copy: NHS number" in capsys.readouterr().err


def test_the_agency_template_is_recorded_in_the_draft_and_missing_ones_fall_back(
    example_file: Path, tmp_path: Path, context: AppContext, capsys
):
    import shutil

    template = tmp_path / "Northshire letterhead.docx"
    shutil.copy(resource_path("templates", "imr-default.docx"), template)
    out = tmp_path / "IMR.docx"
    argv = ["export", str(example_file), "--out", str(out), "--draft"]
    assert main([*argv, "--template", str(template)], context) == 0
    with ImrDocument.open(example_file, context.keystore).document as document:
        assert document.load().agency.template == str(template.resolve())
    template.unlink()  # the draft moves to a computer without the letterhead
    capsys.readouterr()
    assert main([*argv[:3], str(tmp_path / "again.docx"), "--draft"], context) == 0
    assert "Northshire letterhead.docx was not found" in capsys.readouterr().err
