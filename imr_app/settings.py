"""The user's preferences: typed, in a small JSON file, apart from window state.

Window geometry and dock positions are Qt's business (QSettings); what lives here is read by
code that never imports Qt. The file sits unencrypted in the user's profile, so it holds no
case content: the recent-drafts list keeps only what the start screen may show before a draft
is unlocked, and the known copies of each draft only ids, times and names of people and
computers. A missing or damaged file means defaults, never a crash: losing the recent list is
an inconvenience, refusing to start is not.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from imr_app.core import codec
from imr_app.core.drafts import now
from imr_app.core.errors import InterchangeError
from imr_app.core.lineage import Lineage, Relation, compare
from imr_app.core.model import ImrDraft
from imr_app.files import write_atomically

SETTINGS_FILE = "settings.json"
MAX_RECENT = 10
MAX_KNOWN_COPIES = 30
DEFAULT_IDLE_LOCK_MINUTES = 15


@dataclass
class RecentDraft:
    """A draft the user opened lately, as the start screen lists it before anything is unlocked.

    Only the review name (which uses the pseudonym, e.g. "DHR Amina"), the agency, the workflow
    state and when it was last edited (an ISO datetime). Never case content: no subjects, real
    names, dates or text from the draft, because this file is not encrypted.
    """

    path: str
    review_name: str
    agency: str
    state: str
    last_edited: str


@dataclass
class KnownCopy:
    """The copy of a draft this computer last saw, so opening another copy can be checked.

    ``lineage`` is ``core.lineage.Lineage`` as plain values: the draft id, writing sessions
    (ids, times, user and computer names) and revisions (ids, numbers, times, who, state;
    never their reasons or snapshots). No case content, like ``RecentDraft``.
    """

    path: str
    seen_at: str
    lineage: dict[str, Any]

    def as_lineage(self) -> Lineage | None:
        """The lineage, or None when the stored value is damaged (then it is ignored)."""
        try:
            return codec.from_plain(Lineage, self.lineage)
        except (InterchangeError, TypeError, ValueError):
            return None


@dataclass
class Settings:
    idle_lock_minutes: int = DEFAULT_IDLE_LOCK_MINUTES
    user_name: str = ""
    user_role: str = ""
    recent: list[RecentDraft] = field(default_factory=list)
    copies: list[KnownCopy] = field(default_factory=list)  # most recently seen first


class SettingsStore:
    """Reads and writes ``settings.json`` in the config folder; the only code that touches it."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / SETTINGS_FILE

    def load(self) -> Settings:
        """The saved settings; defaults for a missing or unreadable file or any bad field."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # ValueError covers bad JSON and bad UTF-8
            return Settings()
        return _settings_from(data) if isinstance(data, dict) else Settings()

    def save(self, settings: Settings) -> None:
        """Write the whole file through a temporary file, so a crash never leaves half of it.

        Raises ``OSError`` when the config folder cannot be written.
        """
        text = json.dumps(asdict(settings), indent=2, ensure_ascii=False) + "\n"
        write_atomically(self.path, text.encode("utf-8"), make_folder=True)

    def remember_recent(self, path: Path, draft: ImrDraft) -> Settings:
        """Put the draft at the top of the recent list (once, by resolved path) and save.

        Takes from ``draft`` only its review name, agency and state: see ``RecentDraft``.
        """
        settings = self.load()
        key = _resolved(path)
        entry = RecentDraft(
            path=key,
            review_name=draft.review.name,
            agency=draft.agency.name,
            state=draft.workflow.state.value,
            last_edited=now().isoformat(),
        )
        others = [r for r in settings.recent if _resolved(r.path) != key]
        settings.recent = [entry, *others][:MAX_RECENT]
        self.save(settings)
        return settings

    def set_identity(self, name: str, role: str) -> Settings:
        """Remember who uses the app here; review steps and comments are recorded as them."""
        settings = self.load()
        settings.user_name, settings.user_role = name.strip(), role.strip()
        self.save(settings)
        return settings

    def forget_recent(self, path: Path) -> Settings:
        """Take a draft off the recent list (the file itself is never touched) and save."""
        settings = self.load()
        key = _resolved(path)
        settings.recent = [r for r in settings.recent if _resolved(r.path) != key]
        self.save(settings)
        return settings

    # ---- copies of a draft (core/lineage.py) ---------------------------------------------
    def known_copy(self, draft_id: str) -> KnownCopy | None:
        """Where and when this computer last saw the draft (with a readable lineage)."""
        return _known(self.load().copies, draft_id)

    def forget_copy(self, draft_id: str) -> None:
        """Stop comparing copies of this draft with the one seen (it turned out damaged)."""
        settings = self.load()
        settings.copies = [c for c in settings.copies if c.lineage.get("draft_id") != draft_id]
        self.save(settings)

    def remember_copy(self, path: Path, lineage: Lineage) -> bool:
        """Remember this copy as the draft's latest, and save; False when nothing changed.

        A copy older than the one remembered is not remembered: the newer one must still be
        pointed at next time. A copy that diverged replaces it: the user chose to edit this one.
        """
        settings = self.load()
        key = _resolved(path)
        known = _known(settings.copies, lineage.draft_id)
        known_lineage = known.as_lineage() if known is not None else None
        if known is not None and known_lineage is not None:
            relation = compare(lineage, known_lineage).relation
            if relation is Relation.B_NEWER or (relation is Relation.SAME and known.path == key):
                return False
        entry = KnownCopy(key, now().isoformat(), codec.to_plain(lineage))
        others = [c for c in settings.copies if c.lineage.get("draft_id") != lineage.draft_id]
        settings.copies = [entry, *others][:MAX_KNOWN_COPIES]
        self.save(settings)
        return True


def _known(copies: list[KnownCopy], draft_id: str) -> KnownCopy | None:
    """The draft's entry, when its lineage is readable (only that one is decoded)."""
    return next(
        (c for c in copies if c.lineage.get("draft_id") == draft_id and c.as_lineage() is not None),
        None,
    )


def _resolved(path: Path | str) -> str:
    """One spelling per file, so a draft opened by two routes is listed once."""
    candidate = Path(path).expanduser()
    try:
        return str(candidate.resolve())
    except (OSError, RuntimeError):  # symlink loops, unreachable network paths
        return str(candidate.absolute())


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _settings_from(data: dict[str, Any]) -> Settings:
    """Each field checked on its own: one bad value costs that value, not the whole file."""
    minutes = data.get("idle_lock_minutes")
    if not (isinstance(minutes, int) and not isinstance(minutes, bool) and minutes >= 1):
        minutes = DEFAULT_IDLE_LOCK_MINUTES
    return Settings(
        idle_lock_minutes=minutes,
        user_name=_text(data.get("user_name")),
        user_role=_text(data.get("user_role")),
        recent=_recent_from(data.get("recent")),
        copies=_copies_from(data.get("copies")),
    )


def _copies_from(items: object) -> list[KnownCopy]:
    if not isinstance(items, list):
        return []
    copies = [
        KnownCopy(item["path"], item["seen_at"], item["lineage"])
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("path"), str)
        and isinstance(item.get("seen_at"), str)
        and isinstance(item.get("lineage"), dict)
    ]
    return copies[:MAX_KNOWN_COPIES]


def _recent_from(items: object) -> list[RecentDraft]:
    if not isinstance(items, list):
        return []
    names = RecentDraft.__dataclass_fields__
    recent = [
        RecentDraft(**{name: item[name] for name in names})
        for item in items
        if isinstance(item, dict)
        and all(isinstance(item.get(name), str) for name in names)
        and item["path"]
    ]
    return recent[:MAX_RECENT]
