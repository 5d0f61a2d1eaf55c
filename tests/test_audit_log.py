"""The audit log: labels, filters, the CSV for the agency's records, `imr-app audit`, the window."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from imr_app.cli import AUDIT_KINDS, main
from imr_app.context import AppContext
from imr_app.core import audit, comments
from imr_app.core.audit import AuditKind
from imr_app.core.drafts import new_draft
from imr_app.core.model import AuditEvent, CommentAnchor, ImrDraft, SectionId
from imr_app.core.question_sets import default_question_set
from imr_app.core.workflow import (
    WORKFLOW_ACTIONS,
    Actor,
    reopen,
    return_for_changes,
    sign_off,
    submit,
)
from imr_app.services import leak_acceptance
from imr_app.services.audit_export import CSV_COLUMNS
from imr_app.services.review import submit_for_review, take_step

AUTHOR = Actor("Helen Marsh", "IMR author")
LEAD = Actor("Priya Shah", "Safeguarding Lead")
RETURN_COMMENT = "Say more about the DASH grading given Halima's 2016 disclosure."
REOPEN_REASON = "Halima's sister gave new information on 12/03/2017."
OVERRIDE = "Only Helen is trained to sign off for Northshire Police."
LEAK_REASON = "The number 0161 496 0000 is the ward's public switchboard."
PASSWORD = "heron-lantern-42"
UK_TIME = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")
TYPED = (RETURN_COMMENT, REOPEN_REASON, OVERRIDE, LEAK_REASON, "Halima")


def reviewed_draft() -> ImrDraft:
    """A draft through a whole review: every kind of event a person can cause, for real."""
    draft = new_draft(default_question_set(), "DHR Amina", agency="Northshire Police")
    draft.author.name = AUTHOR.name
    submit(draft, AUTHOR)
    comment = comments.add_comment(
        draft, CommentAnchor("section", SectionId.ANALYSIS.value), RETURN_COMMENT, LEAD
    )
    comments.reply(draft, comment.id, "Added in the analysis.", AUTHOR)
    comments.resolve(draft, comment.id, LEAD)
    return_for_changes(draft, LEAD, RETURN_COMMENT)
    submit(draft, AUTHOR)
    sign_off(draft, AUTHOR, override_reason=OVERRIDE)
    reopen(draft, LEAD, REOPEN_REASON)
    draft.audit.append(leak_acceptance.acceptance("phone:9f86d081884c7d65", LEAK_REASON))
    draft.audit.append(AuditEvent(datetime.now().astimezone(), "exported", detail=EXPORT_DETAIL))
    return draft


EXPORT_DETAIL = "DHR Amina, v1.0 IMR.docx, final, review copy with 2 comments, password-protected"


# ---- core: labels, filter, what may leave the file --------------------------------------
def test_every_action_the_app_records_has_a_label():
    recorded = {e.action for e in reviewed_draft().audit}
    recorded |= WORKFLOW_ACTIONS | {leak_acceptance.ACCEPTED, comments.COMMENT_RESOLVED}
    assert recorded <= set(audit.ACTION_LABELS)
    events = {audit.label(e) for e in reviewed_draft().audit}
    assert {"Submitted for review", "Exported to Word", "Leak-scan hit accepted"} <= events
    assert {"Reply added", "Signed off by the author (rule overridden)"} <= events
    assert audit.label(AuditEvent(datetime.now(), "something_new")) == "Something new"


def test_filter_by_kind():
    events = reviewed_draft().audit
    kinds = {kind: [e.action for e in audit.filter_events(events, kind)] for kind in AuditKind}
    assert kinds[AuditKind.ALL] == [e.action for e in events]
    assert kinds[AuditKind.WORKFLOW] == [
        "submitted",
        "returned",
        "resubmitted",
        "signed_off",
        "reopened",
    ]
    assert kinds[AuditKind.COMMENTS] == ["comment added"] * 2 + ["comment resolved"]
    assert kinds[AuditKind.EXPORTS] == ["leak accepted", "exported"]
    assert [k.label for k in AuditKind] == ["All", "Review steps", "Comments", "Exports"]
    assert tuple(k.value for k in AuditKind) == AUDIT_KINDS  # the CLI's --kind choices


def test_an_export_reads_back_with_its_file_name_and_protection():
    event = reviewed_draft().audit[-1]
    record = audit.export_record(event)
    assert record is not None
    assert record.file_name == "DHR Amina, v1.0 IMR.docx"
    assert record.kind == "final, review copy with 2 comments"
    assert record.password_protected
    assert audit.detail_text(event) == (
        "DHR Amina, v1.0 IMR.docx; final, review copy with 2 comments; password-protected: yes"
    )
    plain = AuditEvent(event.at, "exported", detail="IMR.docx, draft copy, not password-protected")
    assert audit.detail_text(plain).endswith("draft copy; password-protected: no")


def test_the_public_detail_keeps_what_people_typed_in_the_draft():
    draft = reviewed_draft()
    public = {e.action: audit.public_detail(e) for e in draft.audit}
    inside = " ".join(audit.detail_text(e) for e in draft.audit)
    outside = " ".join(public.values())
    for typed in (RETURN_COMMENT, REOPEN_REASON, OVERRIDE, LEAK_REASON):
        assert typed in inside
        assert typed not in outside
    signed = draft.audit[[e.action for e in draft.audit].index("signed_off")]
    content_hash = signed.detail.rsplit("Content hash ", 1)[1]
    override = "Author override; reason kept in the draft."
    assert public["signed_off"] == f"{override} Content hash {content_hash}"
    assert public["reopened"] == (
        "Reason kept in the draft. Withdrew the sign-off by Helen Marsh, IMR author, on "
        f"{datetime.now():%Y-%m-%d}, content hash {content_hash[:-1]}."
    )
    assert public["leak accepted"] == "phone:9f86d081884c7d65; reason kept in the draft"
    assert public["returned"] == "Comments kept in the draft."
    assert public["submitted"] == "Submitted for review."
    # A reason quoting the machine's own words does not slip out with them.
    sly = AuditEvent(datetime.now(), "reopened", detail="x (withdrew the sign-off by Halima")
    assert "Halima" not in audit.public_detail(sly)
    sly = AuditEvent(datetime.now(), "signed_off", detail="Content hash of Halima's address")
    assert audit.public_detail(sly) == ""
    unknown = AuditEvent(datetime.now(), "future action", detail="Halima's address")
    assert audit.public_detail(unknown) == "Details kept in the draft."


# ---- the CSV and `imr-app audit` ---------------------------------------------------------
def run(context: AppContext, *argv: str) -> int:
    return main(list(argv), context)


@pytest.fixture
def audited(example_path: Path, context: AppContext, tmp_path: Path) -> Path:
    """The example (its trail holds four imported events), submitted, returned with a comment,
    and exported twice by the CLI."""
    file = str(example_path)
    password = tmp_path / "pw.txt"
    password.write_text(PASSWORD, encoding="utf-8")
    assert run(context, "submit", file, "--name", AUTHOR.name, "--role", AUTHOR.role) == 0
    lead = ("--name", LEAD.name, "--role", LEAD.role)
    assert run(context, "return", file, "--comment", RETURN_COMMENT, *lead) == 0
    plain, protected = tmp_path / "Plain IMR.docx", tmp_path / "Protected IMR.docx"
    assert run(context, "export", file, "--out", str(plain), "--draft") == 0
    protect = ("--password-file", str(password))
    assert run(context, "export", file, "--out", str(protected), *protect) == 0
    return example_path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_the_csv_for_the_records(audited: Path, context: AppContext, tmp_path: Path, capsys):
    out = tmp_path / "records" / "audit.csv"
    out.parent.mkdir()
    capsys.readouterr()
    assert run(context, "audit", str(audited), "--csv", str(out)) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 8 events to {out}"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    for typed in TYPED:
        assert typed.encode() not in raw
    assert [p.name for p in out.parent.iterdir()] == ["audit.csv"]  # no temporary left
    rows = read_csv(out)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["Action"] for r in rows] == [
        "Created",  # the example's own trail, imported from JSON
        "Comment added",
        "Comment resolved",
        "Checked",
        "Submitted for review",
        "Returned with comments",
        "Exported to Word",
        "Exported to Word",
    ]
    for row in rows:
        assert UK_TIME.fullmatch(row["When"]), row["When"]
        at = datetime.fromisoformat(row["When (ISO 8601)"])
        assert f"{at.astimezone():%d/%m/%Y %H:%M}" == row["When"]
    # An imported trail's details were not written by this app: withheld, not trusted.
    assert rows[1]["Details"] == "Details kept in the draft."
    assert rows[4]["Who"] == AUTHOR.name and rows[4]["Role"] == AUTHOR.role
    assert rows[5]["Details"] == "Comments kept in the draft."
    assert rows[6]["Details"] == "Plain IMR.docx; draft copy; password-protected: no"
    assert rows[7]["Details"] == "Protected IMR.docx; final; password-protected: yes"
    # The copy itself is recorded, and shown by the next export.
    again = tmp_path / "again.csv"
    assert run(context, "audit", str(audited), "--csv", str(again), "--kind", "exports") == 0
    last = read_csv(again)
    assert [r["Action"] for r in last] == ["Exported to Word"] * 2 + ["Audit log exported"]
    assert last[-1]["Details"] == "audit.csv, 8 events"


def test_the_cli_table(audited: Path, created: Path, context: AppContext, capsys):
    capsys.readouterr()
    assert run(context, "audit", str(audited)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8
    assert all(UK_TIME.match(line) for line in lines)
    assert "Priya Shah (Safeguarding Lead)" in lines[5]
    assert RETURN_COMMENT in lines[5]  # on this computer, in full
    assert lines[7].endswith("Protected IMR.docx; final; password-protected: yes")
    assert run(context, "audit", str(audited), "--kind", "comments") == 0
    shown = capsys.readouterr().out.splitlines()
    assert ["Comment added" in shown[0], "Comment resolved" in shown[1]] == [True, True]
    assert run(context, "audit", str(created), "--kind", "workflow") == 0
    assert capsys.readouterr().out == "No events of this kind.\n"


def test_cli_errors_are_messages(audited: Path, context: AppContext, tmp_path: Path, capsys):
    missing = tmp_path / "nowhere" / "audit.csv"
    assert run(context, "audit", str(audited), "--csv", str(missing)) == 2
    assert "does not exist" in capsys.readouterr().err
    assert run(context, "audit", str(audited), "--kind", "everything") == 2
    assert "invalid choice: 'everything'" in capsys.readouterr().err


# ---- the window -------------------------------------------------------------------------
@pytest.fixture
def open_log(monkeypatch: pytest.MonkeyPatch, qtbot):
    """Review → Audit log… for real; the test drives the dialog instead of a modal loop."""
    from imr_app.gui.audit_dialog import AuditLogDialog

    shown: list[AuditLogDialog] = []

    def exec_(dialog: AuditLogDialog) -> int:
        shown.append(dialog)
        return 0

    monkeypatch.setattr(AuditLogDialog, "exec", exec_)
    monkeypatch.setattr(AuditLogDialog, "deleteLater", lambda dialog: None)

    def open_(window) -> AuditLogDialog:
        assert window.audit_action.isEnabled()
        window.audit_action.trigger()
        dialog = shown[-1]
        qtbot.addWidget(dialog)
        return dialog

    return open_


def column(dialog, index: int) -> list[str]:
    return [dialog.table.item(r, index).text() for r in range(dialog.table.rowCount())]


def test_the_window_lists_the_events_and_exports_a_csv(
    audited: Path, example_window, open_log, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    from imr_app.gui.audit_dialog import ACTION, DETAILS, WHEN, WHO

    window = example_window(AUTHOR.name, AUTHOR.role)
    session = window.session
    take_step(session.document, session.draft, lambda d: submit_for_review(d, AUTHOR))
    window.review_actions.update()
    dialog = open_log(window)  # open while submitted: the log is for reading in any state
    assert column(dialog, ACTION)[:3] == [
        "Resubmitted for review",
        "Exported to Word",
        "Exported to Word",
    ]
    assert all(UK_TIME.fullmatch(text) for text in column(dialog, WHEN))
    assert column(dialog, WHO)[3] == "Priya Shah (Safeguarding Lead)"
    assert column(dialog, DETAILS)[3] == RETURN_COMMENT
    assert dialog.count_label.text() == "9 events"
    assert dialog.table.currentRow() == 0
    assert dialog.details_label.text() == "Resubmitted for review: Resubmitted after changes."
    tip = dialog.table.item(3, DETAILS).toolTip()
    assert tip.endswith(f"Priya Shah (Safeguarding Lead)  Returned with comments: {RETURN_COMMENT}")

    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText("Exports"))
    assert column(dialog, DETAILS) == [
        "Protected IMR.docx; final; password-protected: yes",
        "Plain IMR.docx; draft copy; password-protected: no",
    ]
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText("Review steps"))
    assert column(dialog, ACTION) == [
        "Resubmitted for review",
        "Returned with comments",
        "Submitted for review",
    ]

    target = tmp_path / "for the records"  # typed without .csv
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    dialog.export_button.click()
    written = target.with_name("for the records.csv")
    assert dialog.status_label.text().startswith(f"Saved 3 events to {written}.")
    rows = read_csv(written)
    assert [r["Action"] for r in rows] == [
        "Submitted for review",
        "Returned with comments",
        "Resubmitted for review",
    ]
    assert all(r["Who"] for r in rows)
    assert RETURN_COMMENT.encode() not in written.read_bytes()
    # The export is in the trail, in the file and the open draft alike.
    assert session.draft.audit[-1].action == audit.AUDIT_EXPORTED
    assert session.document.load(with_chronology=False).audit[-1].actor == AUTHOR.name
    dialog.kind_combo.setCurrentIndex(0)
    assert column(dialog, ACTION)[0] == "Audit log exported"


def test_a_failed_csv_is_a_message(
    example_window, open_log, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    window = example_window(AUTHOR.name, AUTHOR.role)
    dialog = open_log(window)
    missing = tmp_path / "nowhere" / "log.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(missing), ""))
    )
    dialog.export_button.click()
    assert dialog.status_label.text().startswith("The audit log could not be saved:")
    assert dialog.count_label.text() == "4 events"  # nothing recorded for a file not written


def test_an_export_from_the_window_shows_in_the_log(example_window, open_log, qtbot, monkeypatch):
    from imr_app.gui.audit_dialog import DETAILS
    from imr_app.gui.export_dialog import ExportDialog

    def run_export(dialog: ExportDialog) -> int:
        dialog.draft_radio.setChecked(True)
        qtbot.keyClicks(dialog.password_edit, PASSWORD)
        qtbot.keyClicks(dialog.repeat_edit, PASSWORD)
        dialog.start_export()
        qtbot.waitUntil(lambda: not dialog.running and dialog._running_path is None, timeout=30_000)
        assert dialog.outcome is not None, dialog.message.text()
        dialog.accept()
        return 1

    monkeypatch.setattr(ExportDialog, "exec", run_export)
    window = example_window(AUTHOR.name, AUTHOR.role)
    window.export_action.trigger()
    dialog = open_log(window)
    name = window.statusBar().currentMessage().rsplit("/", 1)[-1]
    assert column(dialog, DETAILS)[0] == f"{name}; draft copy; password-protected: yes"


def test_the_idle_lock_closes_the_log(example_window, qtbot):
    from imr_app.gui.audit_dialog import AuditLogDialog

    window = example_window(AUTHOR.name, AUTHOR.role)
    closed: list[bool] = []

    def lock_soon() -> None:
        dialog = window.findChild(AuditLogDialog)
        assert dialog is not None and dialog.isVisible()
        dialog.finished.connect(lambda _: closed.append(True))
        window.idle.idle.emit()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lock_soon)
    window.show_audit_log()
    assert closed == [True]
    assert window.session is None


def test_a_real_name_in_an_exported_file_name_leaves_as_the_pseudonym(
    example_path: Path, context: AppContext, tmp_path: Path
):
    named = tmp_path / "Halima Osman IMR.docx"  # a name the author typed into the file name
    assert run(context, "export", str(example_path), "--out", str(named), "--draft") == 0
    out = tmp_path / "audit.csv"
    assert run(context, "audit", str(example_path), "--csv", str(out)) == 0
    assert b"Halima" not in out.read_bytes() and b"Osman" not in out.read_bytes()
    assert read_csv(out)[-1]["Details"].startswith("Amina ")
