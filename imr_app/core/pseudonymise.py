"""Real names out, pseudonyms in: the copy of a draft that may leave the author's machine.

Authors draft with the real names in their agency's records; the register of subjects maps
each real name to its pseudonym. Export works on a pseudonymised deep copy, so the author's
own draft keeps its wording and a bad replacement can never damage it.

A real name is looked for as the author might type it: the full name, the first and last
name without the middle ones, the surname alone, the first name alone, each half of a
hyphenated surname, with a title before a surname ("Mrs Osman"), with or without its
accents ("Zoe" for "Zoë"). Matching is whole words only, case-insensitive, and leaves a
possessive ending in place ("Halima's" becomes "Amina's"). A name part shorter than three
letters, a part that is an ordinary word ("Rose", "Brown"), or a part that is also a word of
a pseudonym is not looked for alone, since it would hit ordinary prose or the pseudonyms
themselves; an ordinary-word surname is still found after a title ("Mrs Brown"). A part
two subjects share with different pseudonyms (a surname in a family) cannot be told
apart, so it is left for the leak scan to show and the author to decide.

The same :class:`NameRegister` drives the leak scan, so what the scan looks for is exactly
what the pseudonymisation replaces, plus the ambiguous parts it could not.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from typing import Any

from imr_app.core.model import ImrDraft, Subject

MIN_PART_LETTERS = 3

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")

# Names that are also ordinary English words: looked for alone, they would turn "she had a
# brown coat" into "she had a Smith coat". Lower case; only parts of 3+ letters matter.
_COMMON_WORDS_TEXT = """
    amber angel apple april archer art ash august autumn baker bank banks bell berry best bill
    bird birch bishop black bloom bob booth bright brook brown buck bush butler cash chance
    chapel charity chase cherry child church clay cliff cook cooper crane cross crystal daisy
    dale dawn day dean don drake dusty east eve faith fair field fields fisher ford forest fox
    frank french frost gale gay ginger glass glen gold golden good grace gray green grey guy
    hale hall hardy hazel heath heather hero hill holly honey honour hope hunter iris ivy jack
    jade jay jolly joy judge june king knight lake lamb lance lane lily little lock long love
    major mark marsh mason may merry miles mill miller moon moor moss new nick night noble north
    oak olive page park parker patience pearl pepper pierce pine plum poppy pope porter price
    rain ransom ray reed rich river robin rock rose ruby rush rusty sage salt sandy shepherd
    short sky small snow south spring star stone storm strong summer sunny swan sweet swift
    taylor turner violet walker wall ward west white will winter wolf wood woods young dove
    fleet mercy penny sterling
"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())

# Fields holding identifiers, references or codes rather than prose: never rewritten.
_IDENTIFIER_FIELDS = frozenset(
    {
        "id",
        "subject_id",
        "subjects",  # ChronologyEntry.subjects holds subject ids
        "question_number",
        "number",
        "chronology_refs",
        "cites",
        "question_refs",
        "ref",
        "kind",
        "parent_id",
        "content_hash",
        "real_name",
    }
)

_APOSTROPHES = "'’‘ʼ"
_HYPHENS = "-‐‑"
_TITLE_PATTERN = r"(?:" + "|".join(TITLES) + r")\.?\s+"


@dataclass(frozen=True)
class NameForm:
    """One way a subject's real name can appear in prose, and what replaces it.

    ``replacement`` is None when the form cannot be replaced safely: two subjects share it
    with different pseudonyms, or the subject has no pseudonym yet.
    """

    text: str
    subject_id: str
    replacement: str | None
    titled: bool = False


def fold_accents(text: str) -> str:
    """The text without combining accents: authors often type "Zoe" for "Zoë"."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def nfc(text: str) -> str:
    """NFC text: a name pasted from a Mac may spell "ë" as "e" plus a combining mark."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _letters(word: str) -> int:
    return sum(c.isalpha() for c in word)


def _form_regex(text: str) -> str:
    """A regex for one form, tolerant of how spaces, hyphens and apostrophes get typed."""
    out: list[str] = []
    for char in text:
        if char.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif char in _HYPHENS:
            out.append(f"[{_HYPHENS}]")
        elif char in _APOSTROPHES:
            out.append(f"[{_APOSTROPHES}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


class NameRegister:
    """Every form of every real name in the register, compiled once into one regex.

    Longer forms come first in the alternation, so a full name or a hyphenated surname
    is replaced whole before any of its parts could be.
    """

    def __init__(self, subjects: Iterable[Subject]) -> None:
        subjects = list(subjects)
        protected = set()  # pseudonyms and their words: never looked for as real names
        for subject in subjects:
            pseudonym = nfc(subject.pseudonym.strip()).casefold()
            if pseudonym:
                protected.add(pseudonym)
                protected.update(pseudonym.split())
                protected.update(fold_accents(w) for w in pseudonym.split())
        candidates: dict[tuple[str, bool], list[NameForm]] = {}
        for subject in subjects:
            for form in _subject_forms(subject, protected):
                candidates.setdefault((form.text.casefold(), form.titled), []).append(form)
        forms = []
        for group in candidates.values():
            targets = {f.replacement for f in group}
            first = group[0]
            if len(targets) == 1:
                forms.append(first)
            else:  # shared by subjects with different pseudonyms: find it, never guess
                forms.append(NameForm(first.text, "", None, first.titled))
        forms.sort(key=lambda f: (-len(f.text) - 6 * f.titled, f.text.casefold()))
        self.forms: tuple[NameForm, ...] = tuple(forms)
        self.pattern: re.Pattern[str] | None = None
        if forms:
            alternatives = "|".join(
                "(" + (_TITLE_PATTERN if f.titled else "") + _form_regex(f.text) + ")"
                for f in forms
            )
            self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        # The longest run of letters of each form: every match contains it, lower-cased,
        # so a plain substring search can find where to look before the regex runs.
        self.anchors: tuple[str, ...] = tuple(
            sorted({max(re.findall(r"\w+", f.text.lower()), key=len) for f in forms})
        )

    def __bool__(self) -> bool:
        return self.pattern is not None

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[tuple[re.Match[str], NameForm]]:
        """Each real name in ``text`` (NFC) with the form it matched."""
        if self.pattern is None:
            return
        end = len(text) if endpos is None else endpos
        for match in self.pattern.finditer(text, pos, end):
            yield match, self.forms[(match.lastindex or 1) - 1]

    def replace(self, text: str) -> str:
        """``text`` with every replaceable real name swapped for its pseudonym, in one pass."""
        if self.pattern is None or not text:
            return text
        return self.pattern.sub(self._substitute, nfc(text))

    def _substitute(self, match: re.Match[str]) -> str:
        form = self.forms[(match.lastindex or 1) - 1]
        if form.replacement is None:
            return match.group()
        if form.titled:  # keep the title as typed: "Mrs Osman" becomes "Mrs Smith"
            title = re.match(r"\S+\s+", match.group())
            return (title.group() if title else "") + form.replacement
        return form.replacement


def _subject_forms(subject: Subject, protected: set[str]) -> Iterator[NameForm]:
    """The forms of one subject's real name, each with its replacement."""
    words = nfc(subject.real_name).split()
    if not words:
        return
    pseudonym = nfc(subject.pseudonym.strip())
    whole = pseudonym or None
    first_target, last_target = _part_targets(pseudonym)

    def make(text: str, target: str | None, titled: bool = False) -> Iterator[NameForm]:
        for variant in dict.fromkeys((text, fold_accents(text))):
            if variant.casefold() not in protected:
                yield NameForm(variant, subject.id, target, titled)

    # part -> (its replacement, whether it is (part of) a surname)
    parts: dict[str, tuple[str | None, bool]] = {}
    if len(words) == 1:
        # A lone name may be a first name or a surname: the whole pseudonym stands in,
        # and the lone name obeys the same rules as any part.
        parts[words[0]] = (whole, True)
    else:
        yield from make(" ".join(words), whole)
        if len(words) >= 3:
            yield from make(f"{words[0]} {words[-1]}", whole)
            yield from make(" ".join(words[1:]), last_target)
        for index, word in enumerate(words):
            parts.setdefault(word, (first_target, False) if index == 0 else (last_target, True))
    for word, (target, surname) in list(parts.items()):
        pieces = [p for p in re.split(f"[{_HYPHENS}]", word) if p]
        if len(pieces) > 1:
            for piece in pieces:
                parts.setdefault(piece, (target, surname))
    for part, (target, surname) in parts.items():
        if _letters(part) < MIN_PART_LETTERS:
            continue
        if fold_accents(part).casefold() in COMMON_WORDS or part.casefold() in COMMON_WORDS:
            if surname:  # "Mrs Brown" is a name, "brown" alone is a colour
                yield from make(part, target, titled=True)
            continue
        yield from make(part, target)


def _part_targets(pseudonym: str) -> tuple[str | None, str | None]:
    """What replaces a real first name and a real surname when either appears alone.

    A person-like pseudonym ("Connie Smith") lends its own first name and surname; a
    role-like or single pseudonym ("Child B", "Amina") stands in whole, since "Child"
    alone or "Mrs B" would read as nonsense.
    """
    if not pseudonym:
        return None, None
    words = pseudonym.split()
    if len(words) >= 2 and all(_letters(w) >= 2 for w in words):
        return words[0], words[-1]
    return pseudonym, pseudonym


# -- the draft's text ----------------------------------------------------------------------


@dataclass(frozen=True)
class TextSlot:
    """Where one piece of text lives in a draft, so it can be read and written back."""

    path: str
    owner: object
    attr: str
    index: int | None = None

    def get(self) -> str:
        value = getattr(self.owner, self.attr)
        return str(value if self.index is None else value[self.index])

    def set(self, text: str) -> None:
        if self.index is None:
            setattr(self.owner, self.attr, text)
        else:
            getattr(self.owner, self.attr)[self.index] = text


def text_slots(draft: ImrDraft) -> Iterator[TextSlot]:
    """Every piece of free text in the draft, found by walking its dataclasses.

    A walk rather than a list of fields, so a prose field added to the model later is
    pseudonymised without anyone remembering to list it here. Identifiers, references,
    enumerations, dates and the register's real names are left out.
    """
    yield from _walk(draft, "")


def _walk(obj: Any, path: str) -> Iterator[TextSlot]:
    for f in fields(obj):
        value = getattr(obj, f.name)
        here = f"{path}.{f.name}" if path else f.name
        # An identifier field's strings are skipped; a list of dataclasses under a name
        # like "subjects" (the register, the equality section) is still walked.
        prose = f.name not in _IDENTIFIER_FIELDS
        if isinstance(value, Enum):
            continue
        if isinstance(value, str):
            if prose:
                yield TextSlot(here, obj, f.name)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Enum):
                    continue
                if isinstance(item, str):
                    if prose:
                        yield TextSlot(f"{here}[{i}]", obj, f.name, i)
                elif is_dataclass(item) and not isinstance(item, type):
                    yield from _walk(item, f"{here}[{i}]")
        elif is_dataclass(value) and not isinstance(value, type):
            yield from _walk(value, here)


def pseudonymise(draft: ImrDraft, register: NameRegister | None = None) -> ImrDraft:
    """A deep copy with every real name replaced by its pseudonym and the real names blanked.

    ``register`` may be passed in when the caller already built one (the export builds it
    once for the pseudonymisation and the leak scan alike).
    """
    register = register if register is not None else NameRegister(draft.subjects)
    out = copy.deepcopy(draft)
    if register:
        for slot in text_slots(out):
            text = slot.get()
            if text:
                replaced = register.replace(text)
                if replaced != text:
                    slot.set(replaced)
    for subject in out.subjects:
        subject.real_name = ""
    return out


def without_real_names(draft: ImrDraft, register: NameRegister | None = None) -> ImrDraft:
    """The copy for the machine-readable data: pseudonymised, subjects by pseudonym and role.

    A subject's notes go too: they are the author's working notes about a person (often a
    date of birth or an address) and the Chair's tools have no use for them.
    """
    out = pseudonymise(draft, register)
    for subject in out.subjects:
        subject.notes = ""
    return out
