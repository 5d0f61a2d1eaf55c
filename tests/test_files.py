"""Files the app writes are whole or untouched: the old one, or all of the new one."""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_app.files import write_atomically


def test_writes_the_whole_file_and_leaves_no_temporary_file(tmp_path: Path):
    target = tmp_path / "new folder" / "audit.csv"
    with pytest.raises(FileNotFoundError):  # a folder the user chose has gone
        write_atomically(target, b"When,Who\n")
    write_atomically(target, b"When,Who\n", make_folder=True)
    write_atomically(target, b"When,Who,Action\n")
    assert target.read_text() == "When,Who,Action\n"
    assert [p.name for p in target.parent.iterdir()] == ["audit.csv"]


def test_a_failure_before_the_rename_leaves_the_old_file(tmp_path: Path):
    target = tmp_path / "imr.docx"
    target.write_bytes(b"the earlier export")

    def cancelled() -> None:
        raise KeyboardInterrupt  # e.g. the user pressed Cancel at the last moment

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"half of a new export", before_replace=cancelled)
    assert target.read_bytes() == b"the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["imr.docx"]
