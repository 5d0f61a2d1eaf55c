"""Preferences survive restarts, a damaged file never stops the app, and no case content leaks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from imr_app.core.model import ImrDraft, Subject, SubjectRole, WorkflowState
from imr_app.settings import MAX_RECENT, SETTINGS_FILE, RecentDraft, Settings, SettingsStore


@pytest.fixture
def store(tmp_path: Path) -> SettingsStore:
    return SettingsStore(tmp_path / "config")


def test_round_trip(store: SettingsStore):
    settings = Settings(
        idle_lock_minutes=5,
        user_name="Sam Patel",
        user_role="Detective Inspector",
        recent=[
            RecentDraft(
                "/drafts/amina.imr",
                "DHR Amina",
                "Northshire Police",
                "draft",
                "2026-03-04T09:05:00+00:00",
            )
        ],
    )
    store.save(settings)
    assert store.load() == settings
    assert store.path.name == SETTINGS_FILE


def test_missing_file_gives_defaults(store: SettingsStore):
    assert not store.path.exists()
    assert store.load() == Settings()


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b"", b'"just text"'],
    ids=["bad-json", "not-utf8", "a-list", "empty", "a-string"],
)
def test_corrupt_file_gives_defaults(store: SettingsStore, content: bytes):
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)
    assert store.load() == Settings()


def test_bad_fields_fall_back_one_by_one_and_unknown_keys_are_ignored(store: SettingsStore):
    store.path.parent.mkdir(parents=True)
    good = {"path": "/d/a.imr", "review_name": "DHR Amina", "agency": "Police"}
    good |= {"state": "draft", "last_edited": "2026-03-04T09:05:00"}
    data = {
        "idle_lock_minutes": True,  # a bool is not a number of minutes
        "user_name": "Sam Patel",
        "user_role": 42,
        "recent": [good, {"path": "/d/b.imr"}, "not an entry", {**good, "path": ""}],
        "theme": "dark",
    }
    store.path.write_text(json.dumps(data), encoding="utf-8")
    settings = store.load()
    assert settings.idle_lock_minutes == 15
    assert settings.user_name == "Sam Patel"
    assert settings.user_role == ""
    assert [r.path for r in settings.recent] == ["/d/a.imr"]


def _draft(name: str, real_name: str = "") -> ImrDraft:
    from imr_app.core.drafts import new_draft
    from imr_app.core.question_sets import default_question_set

    draft = new_draft(default_question_set(), name, agency="Northshire Police")
    draft.subjects.append(Subject("Amina", SubjectRole.VICTIM, real_name=real_name))
    draft.analysis = "Officers did not complete a DASH risk assessment."
    return draft


def test_remember_recent_puts_the_draft_first_with_only_what_the_start_screen_shows(
    store: SettingsStore, tmp_path: Path
):
    first, second = tmp_path / "a.imr", tmp_path / "b.imr"
    store.remember_recent(first, _draft("DHR Amina"))
    draft = _draft("SAR Joan", real_name="Jane Example")
    draft.workflow.state = WorkflowState.SUBMITTED
    returned = store.remember_recent(second, draft)

    recent = store.load().recent
    assert returned.recent == recent
    assert [Path(r.path) for r in recent] == [second.resolve(), first.resolve()]
    top = recent[0]
    assert (top.review_name, top.agency, top.state) == (
        "SAR Joan",
        "Northshire Police",
        "submitted",
    )
    assert top.last_edited  # an ISO datetime
    text = store.path.read_text(encoding="utf-8")
    assert "Jane Example" not in text
    assert "DASH" not in text


def test_recent_is_deduplicated_by_resolved_path(store: SettingsStore, tmp_path: Path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "amina.imr"
    store.remember_recent(path, _draft("DHR Amina"))
    store.remember_recent(tmp_path / "b.imr", _draft("SAR Joan"))
    store.remember_recent(tmp_path / "sub" / ".." / "amina.imr", _draft("DHR Amina (renamed)"))
    recent = store.load().recent
    assert [r.review_name for r in recent] == ["DHR Amina (renamed)", "SAR Joan"]


def test_recent_is_capped(store: SettingsStore, tmp_path: Path):
    for i in range(MAX_RECENT + 3):
        store.remember_recent(tmp_path / f"d{i}.imr", _draft(f"DHR {i}"))
    assert len(json.loads(store.path.read_text(encoding="utf-8"))["recent"]) == MAX_RECENT
    recent = store.load().recent
    assert len(recent) == MAX_RECENT
    assert recent[0].review_name == f"DHR {MAX_RECENT + 2}"
    assert recent[-1].review_name == "DHR 3"


def test_forget_recent_leaves_the_file_alone(store: SettingsStore, tmp_path: Path):
    path = tmp_path / "amina.imr"
    path.write_bytes(b"draft")
    store.remember_recent(path, _draft("DHR Amina"))
    store.remember_recent(tmp_path / "b.imr", _draft("SAR Joan"))
    store.forget_recent(path)
    assert [r.review_name for r in store.load().recent] == ["SAR Joan"]
    assert path.read_bytes() == b"draft"


def test_save_leaves_no_temporary_file(store: SettingsStore):
    store.save(Settings(user_name="Sam Patel"))
    store.save(Settings(user_name="Sam Patel", idle_lock_minutes=30))
    assert sorted(p.name for p in store.path.parent.iterdir()) == [SETTINGS_FILE]


def test_a_failed_save_keeps_the_old_file_whole(
    store: SettingsStore, monkeypatch: pytest.MonkeyPatch
):
    store.save(Settings(user_name="Sam Patel"))

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        store.save(Settings(user_name="Someone Else"))
    assert store.load().user_name == "Sam Patel"
    assert sorted(p.name for p in store.path.parent.iterdir()) == [SETTINGS_FILE]
