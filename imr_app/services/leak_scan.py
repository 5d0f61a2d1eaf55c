"""The last look before an IMR leaves the machine: personal data left in the built .docx.

Pseudonymisation replaces the names the register knows; this scan reads what was actually
written, every XML part of the package (body, tables, headers, footers, comments, notes,
document properties, the embedded machine-readable copy, link targets, comment authors)
and the file name, for what must not travel: real names from the register, dates of birth,
NHS numbers, National Insurance numbers, UK postcodes and phone numbers. A hit names its
kind, the text, where it is and a little of the text around it; the author fixes it or
accepts it with a reason (see :func:`accepted_key`). Run it on the plain .docx, before any
password protection: an encrypted package cannot be read.

The scan has to be quick on a 10,000-row chronology, so it works on whole texts, never run
by run: each Word part becomes one string with a paragraph per line (runs joined, so a name
split over two runs is still whole), names and dates of birth are looked for only on the
lines where a plain substring search finds a word they must contain, and every number-like
hit comes from one precompiled regex pass that the engine can start only at a digit, a plus
or a bracket.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import AnyStr

from lxml import etree

from imr_app.core.field_names import describe_field
from imr_app.core.model import ImrDraft, Subject
from imr_app.core.pseudonymise import NameRegister, fold_accents, nfc, pseudonymise, text_slots


class LeakKind(StrEnum):
    REAL_NAME = "real_name"
    DATE_OF_BIRTH = "date_of_birth"
    NHS_NUMBER = "nhs_number"
    NI_NUMBER = "ni_number"
    POSTCODE = "postcode"
    PHONE = "phone"

    @property
    def label(self) -> str:
        """The kind as an author reads it in the list of hits."""
        return _LABELS[self]


_LABELS = {
    LeakKind.REAL_NAME: "real name",
    LeakKind.DATE_OF_BIRTH: "date of birth",
    LeakKind.NHS_NUMBER: "NHS number",
    LeakKind.NI_NUMBER: "National Insurance number",
    LeakKind.POSTCODE: "postcode",
    LeakKind.PHONE: "phone number",
}

FILE_NAME = "file name"


@dataclass(frozen=True)
class Leak:
    """One hit: what was found, where (part and paragraph, or "file name") and around it.

    ``part`` is the package part (``word/document.xml``), "file name", or for a scan of
    the draft's own text the field's path; ``subject_id`` says whose real name it is, when
    the name belongs to one subject only.
    """

    kind: LeakKind
    text: str
    location: str
    context: str
    part: str = ""
    subject_id: str = ""


# -- acceptance ----------------------------------------------------------------------------


def accepted_key(leak: Leak) -> str:
    """A key that names the same detail in every export: its kind and its text.

    Where it stands is left out: an edit above it moves it, and one detail shows in the
    body and again in the Chair's embedded copy, so accepting it once accepts it wherever
    it appears. The text is normalised ("943 476 5919" and "9434765919" are
    one NHS number) and recorded as a digest: the key goes into the audit trail, which
    travels in the export's machine-readable copy, and must not carry the data it accepts
    to one more place (or trip the next scan).
    """
    digest = hashlib.sha256(f"{leak.kind}\n{normalised_text(leak)}".encode()).hexdigest()
    return f"{leak.kind}:{digest[:24]}"


# Package parts in the words of someone reading the document (``place_in_words``).
_PLACES = (
    ("word/document.xml", "The report"),
    ("customxml/", "The Chair's data copy"),
    ("word/header", "A page header"),
    ("word/footer", "A page footer"),
    ("word/footnotes", "A footnote"),
    ("word/comments", "A comment"),
    ("docprops/", "The document's properties"),
)


def place_in_words(leak: Leak) -> str:
    """Where a hit is, as a reader would say it: "The report, paragraph 126", "The file name"."""
    if leak.part == FILE_NAME:
        return "The file name"
    part = leak.part.lower()
    place = next((words for prefix, words in _PLACES if part.startswith(prefix)), None)
    if place is None:  # a part we do not name: as the scan put it
        return leak.location
    paragraph = re.search(r"paragraph \d+$", leak.location)
    return f"{place}, {paragraph[0]}" if paragraph else place


# Parts of the draft the author does not edit as the report's text: not places to fix.
_NOT_TO_FIX = ("comments", "audit", "workflow")


def places_in_draft(draft: ImrDraft) -> dict[str, list[str]]:
    """For each detail the export would carry (by ``accepted_key``), the fields of the draft
    that hold it, named as the author finds them ("Question iv"): where to fix it.

    About half a second for a draft of 10,000 entries: run it off the GUI thread.
    """
    places: dict[str, list[str]] = {}
    for leak in LeakScanner(draft.subjects).scan_draft(pseudonymise(draft)):
        if leak.part.startswith(_NOT_TO_FIX):
            continue
        named = places.setdefault(accepted_key(leak), [])
        field_name = describe_field(draft, leak.part)
        if field_name not in named:
            named.append(field_name)
    return places


def normalised_text(leak: Leak) -> str:
    """The hit's text with the differences that do not matter taken out."""
    text = leak.text
    if leak.kind is LeakKind.PHONE:
        return _national_digits(text)
    if leak.kind is LeakKind.NHS_NUMBER:
        return re.sub(r"\D", "", text)
    if leak.kind in (LeakKind.NI_NUMBER, LeakKind.POSTCODE):
        return re.sub(r"[^0-9A-Za-z]", "", text).upper()
    text = re.sub(r"['’‘ʼ]", "'", fold_accents(nfc(text)))
    return " ".join(text.casefold().split())


# -- what is looked for --------------------------------------------------------------------

_SPACE = r"[ \u00a0]"

# Every number-like hit in one pass. The pattern starts with one character class, so the
# regex engine skips all other text at C speed and tries the alternatives only at a digit,
# a plus or a bracket; each alternative checks what comes before it with a look-behind.
_NUMBERS = re.compile(
    r"""
    [0-9+(]
    (?:
        # NHS number: 3-3-4 digits, spaced consistently or not at all
        (?<=[0-9])(?<![\w+][0-9])
        (?P<nhs>[0-9]{2}(?P<gap>[ \u00a0]?)[0-9]{3}(?P=gap)[0-9]{4})(?!\w)
      |
        # UK phone number: +44 (optionally "(0)"), "(0" or "0", a first digit 1, 2, 3 or 7,
        # the rest of the area code, then one to three groups; the length is checked later
        (?<![\w+(][+(0])
        (?P<phone>
            (?:(?<=\+)44[ \u00a0-]?(?:\(0\)[ \u00a0-]?)?|(?<=\()0|(?<=0))
            [1237][0-9]{0,4}\)?(?:[ \u00a0-]?[0-9]{3,7}){1,3}
        )(?!\w)
      |
        # National Insurance number: two letters (checked later), six digits, A to D
        (?<=[0-9])
        (?:(?<=(?<!\w)[A-Za-z]{2}[0-9])|(?<=(?<!\w)[A-Za-z]{2}[ \u00a0][0-9]))
        (?P<ni>[0-9](?:[ \u00a0]?[0-9]{2}){2}[ \u00a0]?[A-Da-d])(?!\w)
      |
        # postcode: one or two letters before this digit, then the rest (checked later)
        (?<=[0-9])
        (?:(?<=(?<!\w)[A-Za-z][0-9])|(?<=(?<!\w)[A-Za-z]{2}[0-9]))
        (?P<postcode>[0-9A-Za-z]?[ \u00a0]?[0-9][A-Za-z]{2})(?!\w)
    )
    """,
    re.VERBOSE,
)

# The official pattern (GOV.UK data standards), with the letters each position may hold.
_POSTCODE = re.compile(
    r"""
    (?:
        [A-PR-UWYZ][0-9][0-9]?
      | [A-PR-UWYZ][A-HK-Y][0-9][0-9]?
      | [A-PR-UWYZ][0-9][A-HJKPSTUW]
      | [A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]
    )
    [ \u00a0]?[0-9][ABD-HJLNP-UW-Z]{2}
    """,
    re.VERBOSE | re.IGNORECASE,
)

# National Insurance prefixes never issued (HMRC's rules): these letters never first or
# second, O never second, and these pairs not at all.
_NI_NOT_FIRST = frozenset("DFIQUV")
_NI_NOT_SECOND = frozenset("DFIOQUV")
_NI_NOT_PREFIX = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = rf"""(?:
    [0-9]{{1,2}}[/.-][0-9]{{1,2}}[/.-](?:[0-9]{{4}}|[0-9]{{2}})
  | [0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}
  | [0-9]{{1,2}}(?:st|nd|rd|th)?{_SPACE}+(?:of{_SPACE}+)?{_MONTH},?{_SPACE}+[0-9]{{4}}
  | {_MONTH}{_SPACE}+[0-9]{{1,2}}(?:st|nd|rd|th)?,?{_SPACE}+[0-9]{{4}}
  | {_MONTH}{_SPACE}+[0-9]{{4}}
)"""
_DOB_WORD = rf"(?:d\.?o\.?b\.?|date{_SPACE}+of{_SPACE}+birth|born)"
# A date after "DOB", "date of birth" or "born" in the same sentence (within 40 characters),
# or straight before "DOB" ("12/05/1985 (DOB)"). A bare year is not a date of birth.
_DOB = re.compile(
    rf"""
        (?<!\w){_DOB_WORD}(?!\w)[^.!?;\n"]{{0,40}}?(?<![\w/.-])(?P<after>{_DATE})(?![\w/])
      | (?<![\w/.-])(?P<before>{_DATE})(?![\w/]){_SPACE}*[(\[,:–-]?{_SPACE}*d\.?o\.?b(?!\w)
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Every date of birth hit contains one of these (lower case): the lines to look at.
_DOB_ANCHORS = ("dob", "d.o.b", "birth", "born")


def nhs_number_is_valid(digits: str) -> bool:
    """Ten digits whose last is the Modulus 11 check digit of the first nine."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def ni_number_is_valid(text: str) -> bool:
    """Two letters HMRC issues as a prefix, six digits and a suffix from A to D."""
    compact = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{6}[A-D]", compact):
        return False
    prefix = compact[:2]
    return (
        prefix[0] not in _NI_NOT_FIRST
        and prefix[1] not in _NI_NOT_SECOND
        and prefix not in _NI_NOT_PREFIX
    )


def postcode_is_valid(text: str) -> bool:
    """A UK postcode by the official pattern (not a check that the postcode exists)."""
    return _POSTCODE.fullmatch(text) is not None


def _national_digits(text: str) -> str:
    """A phone number's digits as dialled within the UK: +44 (0)20… becomes 020…"""
    digits = re.sub(r"\D", "", text)
    if text.lstrip().startswith("+44"):
        digits = digits[2:]
        if not digits.startswith("0"):
            digits = "0" + digits
    return digits


def phone_number_is_valid(text: str) -> bool:
    """A UK geographic (01, 02, 03) or mobile (07) number of the right length."""
    digits = _national_digits(text)
    if digits[:2] in ("02", "03", "07"):
        return len(digits) == 11
    if digits[:2] == "01":
        return len(digits) in (10, 11)
    return False


# -- scanning ------------------------------------------------------------------------------


class _Lines:
    """Line numbers of offsets in a text, counted on from the last one asked for.

    Hits are located in the order they lie in the text, so counting the line breaks
    between one hit and the next reads the text once in all, however many hits there are.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._line = 1

    def number(self, pos: int) -> int:
        if pos < self._pos:
            self._pos, self._line = 0, 1
        self._line += self._text.count("\n", self._pos, pos)
        self._pos = pos
        return self._line


class _Windows:
    """Stretches of a text around each occurrence of some words, in any case.

    Names and dates of birth are rare, and a substring search runs at memory speed where a
    regex crawls: only the stretches that could hold one are handed to the regex. A
    stretch reaches some way either side of the word (further than any hit can span) but
    never past a line break, so a hit stays within its paragraph, and a one-line text (the
    embedded JSON is one line of megabytes) is never read whole for one hit.

    An ASCII text is lower-cased as it is; any other is searched as UTF-8 bytes lower-cased
    in their ASCII letters, because ``str.lower`` of a text with one curly quote walks the
    Unicode tables character by character, several times slower. The words are then looked
    for in their lower, upper and title case, which covers their other letters.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lower_text = text.lower() if text.isascii() else None
        self._lower_bytes = None if text.isascii() else text.encode("utf-8").lower()

    def around(self, words: Iterable[str], reach: int = 200) -> list[tuple[int, int]]:
        """Sorted, disjoint (start, end) offsets of the stretches around ``words``."""
        if self._lower_text is not None:
            needles = {w.lower() for w in words if w.isascii()}
            spans = _spans(self._lower_text, needles, "\n", reach)
        else:
            assert self._lower_bytes is not None
            encoded = {v.encode("utf-8").lower() for w in words for v in (w, w.upper(), w.title())}
            # Four bytes at most to a character: the reach in bytes is at least as long.
            spans = self._to_text_offsets(_spans(self._lower_bytes, encoded, b"\n", 4 * reach))
        return _merged(self._snapped(spans))

    def _snapped(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Each stretch ended where a word ends: a regex cannot look past its end offset."""
        text = self._text
        out = []
        for start, end in spans:
            while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                end += 1
            out.append((start, end))
        return out

    def _to_text_offsets(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Byte offsets to character offsets, in one sweep through the merged spans."""
        data = self._lower_bytes
        assert data is not None
        out = []
        byte_at = char_at = 0
        for start, end in _merged(spans):
            # Never cut a character's UTF-8 bytes: widen to whole characters.
            while start > 0 and 0x80 <= data[start] < 0xC0:
                start -= 1
            while end < len(data) and 0x80 <= data[end] < 0xC0:
                end += 1
            start = max(start, byte_at)
            char_at += len(data[byte_at:start].decode("utf-8"))
            text_start = char_at
            char_at += len(data[start:end].decode("utf-8"))
            byte_at = end
            out.append((text_start, char_at))
        return out


def _spans(
    haystack: AnyStr, needles: Iterable[AnyStr], newline: AnyStr, reach: int
) -> list[tuple[int, int]]:
    """(start, end) around each occurrence of any needle, within ``reach`` and its line."""
    spans = []
    size = len(haystack)
    for needle in needles:
        at = haystack.find(needle)
        while at != -1:
            low = max(0, at - reach)
            found = haystack.rfind(newline, low, at)
            start = found + 1 if found != -1 else low
            high = min(size, at + len(needle) + reach)
            found = haystack.find(newline, at, high)
            end = found if found != -1 else high
            spans.append((start, end))
            at = haystack.find(needle, at + len(needle))
    return spans


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


Locate = Callable[[int], str]


class LeakScanner:
    """The scan for one register of subjects: the name pattern is compiled once, here."""

    def __init__(
        self, subjects: Iterable[Subject] = (), register: NameRegister | None = None
    ) -> None:
        self.register = register if register is not None else NameRegister(subjects)
        # How far either side of its longest word a name can reach ("Mrs" before a surname).
        longest = max((len(form.text) for form in self.register.forms), default=0)
        self._name_reach = max(200, 2 * longest + 20)

    # .docx

    def scan_docx(self, path: str | Path, file_name: str | None = None) -> list[Leak]:
        """Every hit in the package at ``path`` and in its file name.

        ``file_name`` is the name the file will have, when the scan runs on a temporary
        file that is renamed once accepted.
        """
        leaks: list[Leak] = []
        with zipfile.ZipFile(path) as package:
            for info in package.infolist():
                name = info.filename
                if not name.lower().endswith((".xml", ".rels")):
                    continue
                leaks += self._scan_part(name, _decode(package.read(info)))
        shown = file_name if file_name is not None else Path(path).name
        shown = nfc(re.sub(r"[_.]+", " ", shown))  # "Halima_Osman.docx": "_" is a letter to \w
        leaks += self._scan(shown, FILE_NAME, lambda _: FILE_NAME)
        return list(dict.fromkeys(leaks))  # a text box's fallback copy repeats its hits

    def _scan_part(self, part: str, xml: str) -> list[Leak]:
        leaks = []
        text, segments = _part_text(xml)
        if text is not None:
            text = nfc(text)
            lines = _Lines(text)
            leaks += self._scan(text, part, lambda pos: f"{part}, paragraph {lines.number(pos)}")
        elif segments:
            leaks += self._scan_segments(part, segments)
        attributes = _attribute_values(part, xml)
        if attributes:
            leaks += self._scan_segments(part, attributes)
        return leaks

    def _scan_segments(self, part: str, segments: Sequence[tuple[str, str]]) -> list[Leak]:
        """Texts from one part, each labelled (an element, an attribute), scanned as one.

        The Chair's data copy is JSON: its escaped line breaks read as spaces in the context.
        """
        # The embedded copy's identifiers (quoted 32-hex ids) are a fifth of its characters
        # and mostly digits, where the number pass does its work; a quoted hex word can
        # hold none of the things looked for, so they are dropped before the scan.
        segments = [
            (label, nfc(_QUOTED_ID.sub('""', t) if '"' in t else t)) for label, t in segments
        ]
        text = "\n".join(t for _, t in segments)
        starts = []
        offset = 0
        for _, segment in segments:
            starts.append(offset)
            offset += len(segment) + 1
        lines = _Lines(text)

        def locate(pos: int) -> str:
            i = bisect.bisect_right(starts, pos) - 1
            label, segment = segments[i]
            if "\n" not in segment:
                return f"{part}, {label}"
            return f"{part}, {label}, line {lines.number(pos) - lines.number(starts[i]) + 1}"

        leaks = self._scan(text, part, locate)
        if not part.lower().startswith("customxml/"):
            return leaks
        return [
            replace(leak, context=" ".join(leak.context.replace("\\n", " ").split()))
            for leak in leaks
        ]

    # text

    def scan_text(self, text: str, location: str = "text", part: str = "draft") -> list[Leak]:
        """Every hit in a piece of text (a field of the draft, a paste), for a pre-scan."""
        text = nfc(text)
        lines = _Lines(text)

        def locate(pos: int) -> str:
            return f"{location}, line {lines.number(pos)}" if "\n" in text else location

        return self._scan(text, part, locate)

    def scan_draft(self, draft: ImrDraft) -> list[Leak]:
        """Every hit in the draft's text, located by field path (``chronology[3].event``).

        Scan ``pseudonymise(draft)`` to see what the export would still leak; scan the
        draft itself to see everywhere a real name was used. The register's own real names
        are not hits.
        """
        leaks = []
        for slot in text_slots(draft):
            text = slot.get()
            if text.strip():
                leaks += self.scan_text(text, slot.path, slot.path)
        return leaks

    # the scan itself

    def _scan(self, text: str, part: str, locate: Locate) -> list[Leak]:
        """The hits in ``text`` (NFC, so "ë" is one character whichever way it was typed)."""
        found: list[_Hit] = []
        windows = _Windows(text)
        if self.register:
            for start, end in windows.around(self.register.anchors, self._name_reach):
                for match, form in self.register.finditer(text, start, end):
                    hit = (match.start(), match.end(), LeakKind.REAL_NAME, form.subject_id)
                    found.append(hit)
        for start, end in windows.around(_DOB_ANCHORS):
            for match in _DOB.finditer(text, start, end):
                group = "after" if match.group("after") is not None else "before"
                found.append((match.start(group), match.end(group), LeakKind.DATE_OF_BIRTH, ""))
        for match in _NUMBERS.finditer(text):
            found += _numbers(text, match)
        found.sort(key=lambda hit: (hit[0], hit[1]))
        return [
            Leak(kind, text[start:end], locate(start), _context(text, start, end), part, whose)
            for start, end, kind, whose in found
        ]


_Hit = tuple[int, int, LeakKind, str]  # start, end, kind, whose name (a subject id)


def _numbers(text: str, match: re.Match[str]) -> list[_Hit]:
    """The hits of one number-like match, once their check digits and lengths are checked."""
    hits: list[_Hit] = []
    start = match.start()
    if match.group("nhs") is not None:
        end = match.end()
        candidate = text[start:end]
        digits = re.sub(r"\D", "", candidate)
        if nhs_number_is_valid(digits):
            hits.append((start, end, LeakKind.NHS_NUMBER, ""))
        if digits.startswith("0") and phone_number_is_valid(digits):
            hits.append((start, end, LeakKind.PHONE, ""))
    elif match.group("phone") is not None:
        candidate = text[start : match.end()]
        # A number followed by another group ("07700 900123 456") may still start with a
        # valid phone number: drop trailing groups until it fits or nothing is left.
        while not phone_number_is_valid(candidate):
            cut = max(candidate.rfind(" "), candidate.rfind("\u00a0"), candidate.rfind("-"))
            if cut <= 0:
                return hits
            candidate = candidate[:cut].rstrip(" \u00a0-")
        hits.append((start, start + len(candidate), LeakKind.PHONE, ""))
    elif match.group("ni") is not None:
        begin = start - 3 if text[start - 1] in " \u00a0" else start - 2
        candidate = text[begin : match.end()]
        if ni_number_is_valid(candidate):
            hits.append((begin, match.end(), LeakKind.NI_NUMBER, ""))
    elif match.group("postcode") is not None:
        for begin in (start - 2, start - 1):
            if begin < 0 or not text[begin].isalpha():
                continue
            if begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] == "_"):
                continue
            candidate = text[begin : match.end()]
            if postcode_is_valid(candidate):
                hits.append((begin, match.end(), LeakKind.POSTCODE, ""))
                break
    return hits


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    """A little of the paragraph around a hit, on one line, "…" where it was cut."""
    # Bounded searches: the embedded JSON is one line of megabytes.
    found = text.rfind("\n", max(0, start - width), start)
    left = found + 1 if found != -1 else max(0, start - width)
    found = text.find("\n", end, end + width)
    right = found if found != -1 else min(len(text), end + width)
    cut_left = left > 0 and text[left - 1] != "\n"
    cut_right = right < len(text) and text[right] != "\n"
    snippet = " ".join(text[left:right].split())
    return ("…" if cut_left else "") + snippet + ("…" if cut_right else "")


# -- reading the package -------------------------------------------------------------------

_W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
_PARAGRAPH_END = re.compile(r"</w:p>|<w:p(?:\s[^>]*)?/>")
_SPACING_TAG = re.compile(r"<w:(?:tab|br|cr)(?:\s[^>]*)?/>")
_TAG = re.compile(r"<[^>]*>")
_BETWEEN_TAGS = re.compile(r">([^<]+)<")
_LAYOUT = re.compile(r">[ \t\r]*\n\s*<")  # indentation between tags, never a preserved space
_QUOTED_ID = re.compile(r'"[0-9a-f]{32}"')
# A text and the tag before it (a text after an end tag is labelled by the closed element).
_LABELLED_TEXT = re.compile(r"</?([\w:.-]+)[^>]*>([^<]+)")
_HEAD = 20_000


def _parser() -> etree.XMLParser:
    """A parser per part: an lxml parser must not be shared between threads."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=True
    )


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _part_text(xml: str) -> tuple[str | None, list[tuple[str, str]]]:
    """A Word part's text, a paragraph a line; or, for any other part, its labelled texts.

    Reading the text between the tags with a regex is several times quicker than building
    a tree of a large document, so it is used when the part is written as Word and
    python-docx write it (prefix ``w`` bound on the root, no comments, no CDATA). Anything
    else is parsed with lxml.
    """
    # No comment, CDATA section or DOCTYPE: every "<" opens a tag, so a regex can read it.
    plain = "<!" not in xml
    if plain:
        head = xml[:_HEAD]  # the root element's start tag, with its namespace declarations
        if any(f'xmlns:w="{ns}"' in head for ns in _W_NAMESPACES) and "<w:p" in xml:
            return _word_text(xml), []
        return None, _labelled_texts(xml)
    try:
        root = etree.fromstring(xml.encode("utf-8"), _parser())
    except etree.XMLSyntaxError:
        # Not well-formed: still scanned, tags stripped, so nothing escapes unread.
        return None, [("text", html.unescape(_TAG.sub(" ", xml)))]
    namespace = etree.QName(root).namespace
    if namespace in _W_NAMESPACES:
        return _word_text_tree(root, namespace), []
    return None, _element_texts(root)


def _word_text(xml: str) -> str:
    """Paragraph texts, one a line, with the runs of each joined."""
    # Word writes no line breaks between tags, but a hand-made template may: they are
    # layout, not text, and must not split a paragraph into lines.
    if xml.find("\n", xml.find("\n") + 1) != -1:
        xml = _LAYOUT.sub("><", xml).replace("\r", " ").replace("\n", " ")
    # A line break as text at each paragraph's end (or empty paragraph), a space for each
    # tab or break, each between two tags so the text between the tags reads right. The
    # replacements are literal (no backreference), which keeps ``sub`` in C.
    xml = _PARAGRAPH_END.sub("\n<_/>", xml)
    if "<w:tab" in xml or "<w:br" in xml or "<w:cr" in xml:
        xml = _SPACING_TAG.sub("<_/> <_/>", xml)
    start = xml.find("<", xml.find("?>") + 2) if xml.startswith("<?") else 0
    text = "".join(_BETWEEN_TAGS.findall(xml, max(start, 0)))
    return html.unescape(text) if "&" in text else text


def _word_text_tree(root: etree._Element, ns: str) -> str:
    """The same text from a parsed part (any prefix, comments and CDATA allowed)."""
    for element in root.iter(f"{{{ns}}}tab", f"{{{ns}}}br", f"{{{ns}}}cr"):
        element.text = " "
    for paragraph in root.iter(f"{{{ns}}}p"):
        paragraph.tail = "\n"
    return str(etree.tostring(root, method="text", encoding="unicode"))


def _labelled_texts(xml: str) -> list[tuple[str, str]]:
    """(element name, text) for each text in a part read with a regex (see _part_text)."""
    return [
        (name, html.unescape(text) if "&" in text else text)
        for name, text in _LABELLED_TEXT.findall(xml)
        if text.strip()
    ]


def _element_texts(root: etree._Element) -> list[tuple[str, str]]:
    """(element name, text) for each element of a non-Word part that holds text."""
    segments = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        label = _qualified(element)
        if element.text and element.text.strip():
            segments.append((label, element.text))
        parent = element.getparent()
        if element.tail and element.tail.strip() and parent is not None:
            segments.append((_qualified(parent), element.tail))
    return segments


def _qualified(element: etree._Element) -> str:
    local = etree.QName(element).localname
    return f"{element.prefix}:{local}" if element.prefix else local


# Attributes that hold people's words or names: comment and revision authors, alt text of
# pictures, link targets (a path under C:\Users\<name>, a mailto: address).
# A large part is the body or a header: comments' initials, people's user ids and link
# targets live in parts of their own, always read in full.
_LARGE_PART_ATTRIBUTES = ("author", "descr", "title")
_SMALL_PART = 1_000_000
_ATTRIBUTE = re.compile(
    r'(?<![\w:])((?:[\w.-]+:)?(?:author|initials|userId|descr|title|Target))="([^"]*)"'
)


def _attribute_values(part: str, xml: str) -> list[tuple[str, str]]:
    """(attribute name, value) of the attributes that may hold a person's name or words.

    Only Word's own parts and the relationship parts hold such attributes; in a large
    part a plain substring test first spares the regex a pass that would find nothing.
    """
    if not (part.startswith("word/") or part.endswith(".rels")):
        return []
    if len(xml) > _SMALL_PART and not any(f'{n}="' in xml for n in _LARGE_PART_ATTRIBUTES):
        return []
    return [
        (f"attribute {m.group(1)}", html.unescape(m.group(2)))
        for m in _ATTRIBUTE.finditer(xml)
        if m.group(2).strip()
    ]


# -- the functions the export and the GUI call ---------------------------------------------


def scan_docx(path: str | Path, draft: ImrDraft, file_name: str | None = None) -> list[Leak]:
    """Every hit in the built .docx at ``path`` for the draft's register of subjects."""
    return LeakScanner(draft.subjects).scan_docx(path, file_name)


def scan_text(
    text: str, draft: ImrDraft, location: str = "text", part: str = "draft"
) -> list[Leak]:
    """Every hit in one piece of text; build a :class:`LeakScanner` to scan many."""
    return LeakScanner(draft.subjects).scan_text(text, location, part)


def scan_draft(draft: ImrDraft) -> list[Leak]:
    """Every hit in the draft's own text (see :meth:`LeakScanner.scan_draft`)."""
    return LeakScanner(draft.subjects).scan_draft(draft)


def unaccepted(leaks: Iterable[Leak], accepted: Iterable[str]) -> list[Leak]:
    """The hits whose key is not among ``accepted``: what blocks a final export."""
    keys = set(accepted)
    return [leak for leak in leaks if accepted_key(leak) not in keys]


def describe(leaks: Iterable[Leak]) -> Iterator[str]:
    """One line per hit, for the CLI's stderr and logs an author reads."""
    for leak in leaks:
        yield f"{leak.location}: {leak.kind.label} {leak.text!r} in “{leak.context}”"
