"""Which of two copies of one draft is newer, or whether both were changed apart.

The author hands the ``.imr`` file to the lead and both may keep and edit a copy. Each
copy carries its *lineage*: one ``WritingSession`` per opening of the file that wrote
anything (appended by the storage layer on the first write, never changed afterwards),
and the revisions kept at submission and sign-off. A copy inherits the lineage of the
file it was copied from, so:

- one copy's sessions continuing the other's means it is the newer copy (a hand-back);
- each holding sessions the other lacks means both were edited since they parted.

Session ids are random and appended once, so the last session two copies share marks
where they parted: everything before it is the same in both. No Qt and no SQL here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from imr_app.core.model import WorkflowState
from imr_app.core.workflow import STATE_LABELS


class Relation(Enum):
    SAME = "same"
    A_NEWER = "a_newer"  # a holds everything in b, and more
    B_NEWER = "b_newer"
    DIVERGED = "diverged"  # each holds changes the other does not
    UNRELATED = "unrelated"  # different drafts, not copies of one


@dataclass(frozen=True)
class WritingSession:
    """One opening of a copy that wrote to it: who, on which computer, from when."""

    id: str
    started_at: datetime  # the session's first write
    user: str
    computer: str
    revisions: int  # how many revisions the copy held at that first write
    writes: int = 0  # transactions committed in it (0: not counted, an older app's copy)

    def describe(self) -> str:
        return f"{self.user or 'someone'} on {self.computer or 'an unknown computer'}"


@dataclass(frozen=True)
class RevisionMark:
    """A revision as lineage needs it: no snapshot, no reason (which may be case content)."""

    id: str
    number: int
    created_at: datetime
    actor: str
    state: WorkflowState

    def describe(self) -> str:
        state, who = STATE_LABELS[self.state].lower(), self.actor or "someone"
        return f"Revision {self.number} ({state}), {_when(self.created_at)}, by {who}"


@dataclass(frozen=True)
class Lineage:
    """A copy's history: its draft id, writing sessions and revisions, oldest first."""

    draft_id: str
    sessions: list[WritingSession] = field(default_factory=list)
    revisions: list[RevisionMark] = field(default_factory=list)


@dataclass(frozen=True)
class Changes:
    """What one copy holds that the other does not."""

    sessions: list[WritingSession] = field(default_factory=list)
    revisions: list[RevisionMark] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sessions or self.revisions)

    def lines(self, limit: int | None = None) -> list[str]:
        """Plain sentences, one per run of sessions by one person on one computer, then
        one per revision; at most ``limit`` lines, the rest counted in the last."""
        lines = [_describe_run(run) for run in _runs(self.sessions)]
        lines += [r.describe() for r in self.revisions]
        if limit is not None and len(lines) > limit:
            hidden = len(lines) - (limit - 1)
            lines = [*lines[: limit - 1], f"… and {hidden} more"]
        return lines


@dataclass(frozen=True)
class Comparison:
    relation: Relation
    common: WritingSession | None = None  # the last session both copies share
    a_only: Changes = field(default_factory=Changes)
    b_only: Changes = field(default_factory=Changes)

    def parted(self) -> str:
        """Where the two copies' histories part, in a sentence."""
        if self.common is None:
            return (
                "The two copies share no editing history (one may predate this check, or "
                "have been made with imr-app import)."
            )
        who = self.common.user or "someone"
        where = f"the computer “{self.common.computer}”" if self.common.computer else "a computer"
        return (
            f"Both copies hold what {who} wrote on {where} from "
            f"{_when(self.common.started_at)}; they differ only in what came after."
        )


def compare(a: Lineage, b: Lineage) -> Comparison:
    """How copy ``a`` stands to copy ``b``: the sessions and revisions each holds alone."""
    if a.draft_id != b.draft_id:
        return Comparison(Relation.UNRELATED)
    in_b = {s.id: i for i, s in enumerate(b.sessions)}
    common_a = next((i for i in range(len(a.sessions) - 1, -1, -1) if a.sessions[i].id in in_b), -1)
    common_b = in_b[a.sessions[common_a].id] if common_a >= 0 else -1
    # A copy taken in the middle of a session shares its id but not its later writes.
    shared = [(s, b.sessions[in_b[s.id]]) for s in a.sessions if s.id in in_b]
    a_revisions = {r.id for r in a.revisions}
    b_revisions = {r.id for r in b.revisions}
    a_only = Changes(
        [*(sa for sa, sb in shared if sa.writes > sb.writes), *a.sessions[common_a + 1 :]],
        [r for r in a.revisions if r.id not in b_revisions],
    )
    b_only = Changes(
        [*(sb for sa, sb in shared if sb.writes > sa.writes), *b.sessions[common_b + 1 :]],
        [r for r in b.revisions if r.id not in a_revisions],
    )
    relation = {
        (False, False): Relation.SAME,
        (True, False): Relation.A_NEWER,
        (False, True): Relation.B_NEWER,
        (True, True): Relation.DIVERGED,
    }[(bool(a_only), bool(b_only))]
    common = next((sa for sa, sb in reversed(shared) if sa.writes == sb.writes), None)
    return Comparison(relation, common, a_only, b_only)


def _when(at: datetime) -> str:
    return f"{at:%d/%m/%Y %H:%M}"


def _runs(sessions: list[WritingSession]) -> list[list[WritingSession]]:
    """Consecutive sessions by the same person on the same computer, grouped."""
    runs: list[list[WritingSession]] = []
    for session in sessions:
        last = runs[-1][-1] if runs else None
        if last is not None and (last.user, last.computer) == (session.user, session.computer):
            runs[-1].append(session)
        else:
            runs.append([session])
    return runs


def _describe_run(run: list[WritingSession]) -> str:
    first, last = run[0], run[-1]
    if len(run) == 1:
        return f"Edited by {first.describe()}, {_when(first.started_at)}"
    return (
        f"Edited by {first.describe()}, {len(run)} times from {_when(first.started_at)} "
        f"to {_when(last.started_at)}"
    )
