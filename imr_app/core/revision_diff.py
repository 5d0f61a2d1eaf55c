"""What changed between two revisions, compared the way a reader would.

Each ToR answer word by word, changed single-value fields as "field: old → new", and list
entries (chronology first) added, removed or changed by their stable identifier. Kept apart
from ``core.revisions`` so opening a draft does not load it. No Qt and no SQL here.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Single-record parts compared field by field.
_FIELD_PARTS = ("review", "agency", "author", "sources")
# Lists compared by a stable key: (document key, key field, heading).
_KEYED_LISTS: tuple[tuple[str, str, str], ...] = (
    ("chronology", "id", "Chronology"),
    ("subjects", "id", "Subjects"),
    ("practice", "id", "Practice findings"),
    ("lessons", "id", "Lessons"),
    ("recommendations", "id", "Recommendations"),
)
_EQUALITY = ("equality", "subject_id", "Equality")
# Where a compared text lives (``TextDiff.key``): "answer:<number>", or prose outside the
# answers, compared word by word too.
ANSWER_KEY = "answer:"
PROSE_LABELS = {"analysis": "Analysis", "equality.statement": "Equality statement"}
_TOKENS = re.compile(r"\S+|\s+")
_BULLET = re.compile(r"(?m)^([ \t]*)[-*+][ \t]+")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`")
_ELIDE_OVER = 160  # equal runs longer than this are shortened in the text report
_ELIDE_KEEP = 60


class SegmentKind(StrEnum):
    EQUAL = "equal"
    INSERTED = "inserted"
    DELETED = "deleted"


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    text: str


@dataclass(frozen=True)
class TextDiff:
    """One long text (a ToR answer, the analysis) as equal / inserted / deleted segments.

    ``key`` says where the text lives (``answer:<number>``, ``analysis``, ``equality.statement``),
    so ``prose_text`` can fetch it from either snapshot to copy or restore it.
    """

    label: str
    segments: list[Segment]
    key: str = ""

    def render(self) -> str:
        out: list[str] = []
        for i, seg in enumerate(self.segments):
            if seg.kind is SegmentKind.DELETED:
                out.append(f"[-{seg.text}-]")
            elif seg.kind is SegmentKind.INSERTED:
                after_deletion = i and self.segments[i - 1].kind is SegmentKind.DELETED
                out.append(f"{' ' if after_deletion else ''}[+{seg.text}+]")
            else:
                out.append(elide(seg.text, first=i == 0, last=i == len(self.segments) - 1))
        return "".join(out)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str

    def render(self) -> str:
        return f"{self.field}: {self.old or '(empty)'} → {self.new or '(empty)'}"


@dataclass(frozen=True)
class EntryChange:
    """An entry of a list, named by its stable id; ``fields`` are those that changed.

    ``summary`` is what the entry says (a chronology entry's event), and ``changes`` the
    changed fields' old and new values, so a reader need not look the entry up.
    """

    part: str
    id: str
    label: str
    fields: tuple[str, ...] = ()
    summary: str = ""
    changes: tuple[FieldChange, ...] = ()


@dataclass
class RevisionDiff:
    fields: list[FieldChange] = field(default_factory=list)
    texts: list[TextDiff] = field(default_factory=list)
    added: list[EntryChange] = field(default_factory=list)
    removed: list[EntryChange] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.fields or self.texts or self.added or self.removed or self.changed)

    def render_text(self) -> str:
        """A plain-text report: "[+inserted+]" and "[-deleted-]" mark changed words."""
        if self.is_empty:
            return "No changes to the content.\n"
        lines: list[str] = []
        if self.fields:
            lines.append("Changed fields")
            lines += [f"  {c.render()}" for c in self.fields]
            lines.append("")
        for text in self.texts:
            lines.append(text.label)
            lines += [f"  {line}" for line in text.render().splitlines() or [""]]
            lines.append("")
        for _, _, heading in (*_KEYED_LISTS, _EQUALITY):
            added = [e for e in self.added if e.part == heading]
            removed = [e for e in self.removed if e.part == heading]
            changed = [e for e in self.changed if e.part == heading]
            if not (added or removed or changed):
                continue
            lines.append(
                f"{heading}: {len(added)} added, {len(removed)} removed, {len(changed)} changed"
            )
            lines += [f"  + {e.label} [{e.id}]" for e in added]
            lines += [f"  - {e.label} [{e.id}]" for e in removed]
            lines += [f"  ~ {e.label} [{e.id}] ({', '.join(e.fields)})" for e in changed]
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"


def diff(old_snapshot: str, new_snapshot: str) -> RevisionDiff:
    """What changed from one snapshot to another."""
    old, new = json.loads(old_snapshot), json.loads(new_snapshot)
    result = RevisionDiff()
    for part in _FIELD_PARTS:
        result.fields += _field_changes(part, old.get(part), new.get(part))
    old_answers = _answers(old)
    new_answers = _answers(new)
    for number in [*new_answers, *(n for n in old_answers if n not in new_answers)]:
        before, after = old_answers.get(number, {}), new_answers.get(number, {})
        if before == after:
            continue
        label = f"answer {number}"
        for key in ("status", "not_applicable_reason", "chronology_refs"):
            if before.get(key) != after.get(key):
                result.fields.append(
                    FieldChange(f"{label} {key}", _show(before.get(key)), _show(after.get(key)))
                )
        old_text, new_text = readable(before.get("text", "")), readable(after.get("text", ""))
        if old_text != new_text:
            result.texts.append(
                word_diff(f"Question {number}", old_text, new_text, f"{ANSWER_KEY}{number}")
            )
    old_eq, new_eq = old.get("equality", {}), new.get("equality", {})
    for key, label in PROSE_LABELS.items():
        old_text, new_text = readable(prose_text(old, key)), readable(prose_text(new, key))
        if old_text != new_text:
            result.texts.append(word_diff(label, old_text, new_text, key))
    for key, id_field, heading in _KEYED_LISTS:
        _keyed_changes(result, heading, id_field, old.get(key, []), new.get(key, []))
    _keyed_changes(
        result, _EQUALITY[2], _EQUALITY[1], old_eq.get("subjects", []), new_eq.get("subjects", [])
    )
    return result


def word_diff(label: str, old: str, new: str, key: str = "") -> TextDiff:
    """A word-level diff; the spaces between two changed words join them into one change.

    Words are compared as words: a line break inside a paragraph counts as a space (the
    editor wraps its Markdown at 80 columns, so an edit moves every later line break),
    and only a blank line, a new paragraph, differs from it. Unchanged runs are shown as
    the new text has them.
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    ka, kb = [_compared(t) for t in a], [_compared(t) for t in b]
    # Matching starts only on words (runs of spaces would make it quadratic), and the common
    # head and tail are cut off first: an edited answer usually differs in a few places.
    head = 0
    while head < min(len(a), len(b)) and ka[head] == kb[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and ka[-1 - tail] == kb[-1 - tail]:
        tail += 1
    matcher = difflib.SequenceMatcher(
        str.isspace, ka[head : len(a) - tail], kb[head : len(b) - tail], autojunk=False
    )
    opcodes = [
        (tag, i1 + head, i2 + head, j1 + head, j2 + head)
        for tag, i1, i2, j1, j2 in (matcher.get_opcodes())
    ]
    if head:
        opcodes.insert(0, ("equal", 0, head, 0, head))
    if tail:
        opcodes.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    segments: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            segments.append(Segment(SegmentKind.DELETED, "".join(deleted)))
        if inserted:
            segments.append(Segment(SegmentKind.INSERTED, "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for i, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            text = "".join(b[j1:j2])
            between = (deleted or inserted) and i + 1 < len(opcodes)
            if between and not text.strip():
                deleted.append(text)
                inserted.append(text)
                continue
            flush()
            if segments and segments[-1].kind is SegmentKind.EQUAL:  # the cut-off head
                text = segments.pop().text + text
            segments.append(Segment(SegmentKind.EQUAL, text))
        else:
            deleted += a[i1:i2]
            inserted += b[j1:j2]
    flush()
    return TextDiff(label, segments, key)


def prose_text(snapshot: str | dict[str, Any], key: str) -> str:
    """The text at ``key`` (a ``TextDiff.key``) in a snapshot; "" when it has none."""
    document = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
    if key.startswith(ANSWER_KEY):
        text = _answers(document).get(key.removeprefix(ANSWER_KEY), {}).get("text", "")
    elif key == "analysis":
        text = document.get("analysis", "")
    elif key == "equality.statement":
        text = document.get("equality", {}).get("statement", "")
    else:
        raise KeyError(key)
    return text if isinstance(text, str) else ""


def readable(markdown: str) -> str:
    """The words as the reader sees them: no emphasis or code marks, bullets as "•", no
    spaces or line breaks before the first word or after the last.

    A change of emphasis alone, or the final line break the editor writes, is therefore not
    shown as a change of words.
    """
    return _EMPHASIS.sub("", _BULLET.sub(r"\1• ", markdown)).strip()


def _compared(token: str) -> str:
    """How a token is compared: words as they are, spaces as a space or a paragraph break."""
    if not token.isspace():
        return token
    return "\n\n" if token.count("\n") > 1 else " "


def _answers(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    questions = doc.get("terms_of_reference", {}).get("questions", [])
    return {q["number"]: q.get("answer", {}) for q in questions}


def _field_changes(prefix: str, old: Any, new: Any) -> Iterator[FieldChange]:
    if old == new:
        return
    if isinstance(old, dict) or isinstance(new, dict):
        old_d = old if isinstance(old, dict) else {}
        new_d = new if isinstance(new, dict) else {}
        for key in [*new_d, *(k for k in old_d if k not in new_d)]:
            yield from _field_changes(f"{prefix}.{key}", old_d.get(key), new_d.get(key))
        return
    yield FieldChange(prefix, _show(old), _show(new))


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _keyed_changes(
    result: RevisionDiff,
    heading: str,
    key: str,
    old_list: list[dict[str, Any]],
    new_list: list[dict[str, Any]],
) -> None:
    """Entries added, removed and changed, matched by ``key``; equal entries cost one compare."""
    if old_list == new_list:
        return
    old_by = {e.get(key): e for e in old_list}
    new_by = {e.get(key): e for e in new_list}
    for entry_id, entry in new_by.items():
        before = old_by.get(entry_id)
        if before is None:
            result.added.append(
                EntryChange(heading, str(entry_id), _label(entry), summary=_summary(entry))
            )
        elif before != entry:
            fields = (
                *(k for k, v in entry.items() if k not in before or before[k] != v),
                *(k for k in before if k not in entry),
            )
            changes = tuple(
                FieldChange(f, _show(before.get(f)), _show(entry.get(f))) for f in fields
            )
            result.changed.append(
                EntryChange(heading, str(entry_id), _label(entry), fields, _summary(entry), changes)
            )
    for entry_id, entry in old_by.items():
        if entry_id not in new_by:
            result.removed.append(
                EntryChange(heading, str(entry_id), _label(entry), summary=_summary(entry))
            )


def _label(entry: dict[str, Any]) -> str:
    """A short name a reader recognises: the date and source, or the first words of the text."""
    parts = []
    if entry.get("date_as_recorded"):  # as typed: "?22/05/2020", "spring 2019"
        parts.append(str(entry["date_as_recorded"]))
    elif entry.get("date_start"):
        day = entry["date_start"]
        parts.append(f"{day[8:10]}/{day[5:7]}/{day[0:4]}" if len(day) >= 10 else day)
    for name in ("source", "pseudonym", "text", "event"):
        value = entry.get(name)
        if isinstance(value, str) and value:
            parts.append(value if len(value) <= 60 else value[:59].rstrip() + "…")
            if len(parts) >= 2:
                break
    return ": ".join(parts) or str(entry.get("id", entry.get("subject_id", "")))


def _summary(entry: dict[str, Any]) -> str:
    """What a chronology entry (or action, lesson …) says, in a line."""
    for name in ("event", "text", "action", "outcome", "description"):
        value = entry.get(name)
        if isinstance(value, str) and value.strip():
            line = " ".join(value.split())
            return line if len(line) <= 160 else line[:159].rstrip() + "…"
    return ""


def elide(
    text: str, first: bool, last: bool, over: int = _ELIDE_OVER, keep: int = _ELIDE_KEEP
) -> str:
    """Shorten a long unchanged run to its ends, keeping the context around each change.

    ``first`` and ``last`` say the run opens or closes the text: that end has no change
    beside it to give context to, so it is dropped.
    """
    if len(text) <= over:
        return text
    head = "" if first else text[:keep]
    tail = "" if last else text[-keep:]
    return f"{head}…{tail}"
