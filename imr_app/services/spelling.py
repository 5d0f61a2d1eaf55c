"""British English spell checking, offline, with no system library and no Qt.

The dictionary is LibreOffice's en_GB Hunspell dictionary shipped unmodified in
``resources/spelling/``. Rather than depend on a Hunspell binding (a C library on
every platform) or a pure-Python Hunspell (80 MB and ~250 ms per suggestion on
en_GB), we expand its affix rules once at load time into a set of every word
form: ~394,000 forms, ~45 MB, checked in well under a microsecond. The expander
supports exactly the affix-file features en_GB uses and refuses any other, so a
replacement dictionary cannot be silently misread.

Loading takes about a second, so the GUI loads it on a background thread
(``imr_app.gui.spelling.SpellingService``); after that a checker is used from one
thread only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from imr_app.core.text import capitalised
from imr_app.files import write_atomically
from imr_app.paths import resource_path

DICTIONARY_NAME = "en_GB"
DOMAIN_WORDS_FILE = "domain-words.txt"
PERSONAL_WORDS_FILE = "personal-words.txt"

# Curly quotes come from Word pastes and smart-quote keyboards; the dictionary uses '.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})

# A word: letters (and digits, so "2nd" and "A1" are one token to skip), joined by
# apostrophes or hyphens ("Amina's", "multi-agency", "don't").
_WORD = re.compile(r"[^\W_]+(?:['\u2019\u2018\-][^\W_]+)*")
_URL_OR_EMAIL = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"  # web addresses
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # email addresses
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:uk|com|org|net|gov|nhs|police|io)(?:/\S*)?\b",  # bare domains
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"[A-Z]{2,6}s?")  # MARAC, IDVAs: ALL-CAPS, optionally pluralised
_DIGIT = re.compile(r"\d")

# Neighbouring keys on a UK QWERTY keyboard: a slip onto the next key is a cheap edit.
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS = frozenset("aeiouy")
# English digraphs whose h is often dropped ("wich", "tought", "rythm").
_H_DIGRAPH_HEADS = frozenset("cgpstwr")

# The one- and two-letter words a split may produce ("a lot", "as well", "in fact").
_SHORT_WORDS = frozenset(
    "a i an as at be by do go he if in is it me my no of on or so to up us we".split()  # noqa: SIM905
)

_CACHE_LIMIT = 50_000


class DictionaryError(Exception):
    """The dictionary files are missing, unreadable or use features we do not support."""


def _keyboard_neighbours() -> dict[str, frozenset[str]]:
    """Which keys touch which: used to rank slips of the finger above other substitutions."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for row_index, row in enumerate(_KEYBOARD_ROWS):
        for column, key in enumerate(row):
            for dr in (-1, 0, 1):
                other_row = row_index + dr
                if not 0 <= other_row < len(_KEYBOARD_ROWS):
                    continue
                for dc in (-1, 0, 1):
                    other_column = column + dc
                    if 0 <= other_column < len(_KEYBOARD_ROWS[other_row]):
                        neighbours[key].add(_KEYBOARD_ROWS[other_row][other_column])
            neighbours[key].discard(key)
    return {key: frozenset(keys) for key, keys in neighbours.items()}


_NEIGHBOURS = _keyboard_neighbours()


def normalise(word: str) -> str:
    """The spelling form of a word: straight apostrophes, no surrounding quotes."""
    return word.translate(_APOSTROPHES).strip("'")


def tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """Each checkable word as ``(start, end, word)``; URLs and emails are skipped whole.

    Offsets index ``text`` as Python sees it. Qt counts UTF-16 units, which only
    differs after a character outside the Basic Multilingual Plane (an emoji): the
    GUI converts.
    """
    skipped = [match.span() for match in _URL_OR_EMAIL.finditer(text)]
    for match in _WORD.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in skipped):
            continue
        word = match.group()
        # A closing quote typed as ' or ’ is not part of the word.
        while word and word[-1] in "'\u2019\u2018":
            word = word[:-1]
            end -= 1
        yield start, end, word


# --- The affix file -----------------------------------------------------------


@dataclass(frozen=True)
class _AffixRule:
    """One PFX or SFX line: strip ``strip``, add ``add``, where ``condition`` matches."""

    flag: str
    strip: str
    add: str
    condition: re.Pattern[str]
    cross_product: bool
    condition_length: int


@dataclass
class AffixFile:
    """The parts of a Hunspell ``.aff`` file this checker uses."""

    prefixes: dict[str, list[_AffixRule]] = field(default_factory=dict)
    suffixes: dict[str, list[_AffixRule]] = field(default_factory=dict)
    replacements: list[tuple[str, str]] = field(default_factory=list)
    try_characters: str = ""
    no_suggest_flag: str | None = None
    only_in_compound_flag: str | None = None

    # Directives that change what a word is: we cannot honour them, so we refuse.
    UNSUPPORTED = frozenset(
        {"FLAG", "AF", "AM", "NEEDAFFIX", "CIRCUMFIX", "FORBIDDENWORD", "COMPLEXPREFIXES", "IGNORE"}
    )

    @classmethod
    def read(cls, path: Path) -> AffixFile:
        aff = cls()
        header: dict[tuple[str, str], bool] = {}
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise DictionaryError(f"Cannot read {path.name}: {error}") from error
        for number, line in enumerate(lines, start=1):
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            keyword = parts[0]
            if keyword in cls.UNSUPPORTED:
                raise DictionaryError(f"{path.name}:{number}: {keyword} is not supported")
            if keyword == "SET" and parts[1:2] != ["UTF-8"]:
                raise DictionaryError(
                    f"{path.name}:{number}: only UTF-8 dictionaries are supported"
                )
            if keyword == "TRY" and len(parts) > 1:
                aff.try_characters = parts[1]
            elif keyword == "NOSUGGEST" and len(parts) > 1:
                aff.no_suggest_flag = parts[1]
            elif keyword == "ONLYINCOMPOUND" and len(parts) > 1:
                aff.only_in_compound_flag = parts[1]
            elif keyword == "REP" and len(parts) >= 3:
                aff.replacements.append((parts[1].replace("_", " "), parts[2].replace("_", " ")))
            elif keyword in ("PFX", "SFX") and len(parts) >= 4:
                flag = parts[1]
                if (keyword, flag) not in header:
                    header[(keyword, flag)] = parts[2] == "Y"
                    continue
                if len(parts) < 5:
                    raise DictionaryError(f"{path.name}:{number}: incomplete affix rule")
                aff._add_rule(keyword, flag, parts, header[(keyword, flag)], path.name, number)
        return aff

    def _add_rule(
        self, keyword: str, flag: str, parts: list[str], cross: bool, name: str, number: int
    ) -> None:
        strip = "" if parts[2] == "0" else parts[2]
        add = "" if parts[3] == "0" else parts[3]
        if "/" in add:
            raise DictionaryError(f"{name}:{number}: affixes with continuation flags")
        condition, length = _condition_pattern(parts[4], suffix=keyword == "SFX")
        rule = _AffixRule(flag, strip, add, condition, cross, length)
        table = self.suffixes if keyword == "SFX" else self.prefixes
        table.setdefault(flag, []).append(rule)


def _condition_pattern(condition: str, *, suffix: bool) -> tuple[re.Pattern[str], int]:
    """A Hunspell condition (``[^aeiou]y``) as an anchored regex, and its length in letters."""
    if condition == ".":
        return re.compile(""), 0
    pieces: list[str] = []
    index = 0
    while index < len(condition):
        char = condition[index]
        if char == "[":
            close = condition.index("]", index)
            body = condition[index + 1 : close]
            negate = body.startswith("^")
            letters = re.escape(body[1:] if negate else body)
            pieces.append(f"[{'^' if negate else ''}{letters}]")
            index = close + 1
        else:
            pieces.append("." if char == "." else re.escape(char))
            index += 1
    pattern = "".join(pieces)
    return re.compile(f"{pattern}$" if suffix else f"^{pattern}"), len(pieces)


# --- The word list ------------------------------------------------------------


@dataclass(frozen=True)
class WordList:
    """Every word form of a Hunspell dictionary, and those never to suggest."""

    words: frozenset[str]
    no_suggest: frozenset[str]
    replacements: tuple[tuple[str, str], ...]
    alphabet: str

    @classmethod
    def load(cls, directory: Path, name: str = DICTIONARY_NAME) -> WordList:
        aff = AffixFile.read(directory / f"{name}.aff")
        try:
            lines = (directory / f"{name}.dic").read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise DictionaryError(f"Cannot read {name}.dic: {error}") from error
        words: set[str] = set()
        no_suggest: set[str] = set()
        expander = _Expander(aff)
        # The first line is the approximate word count.
        for line in lines[1:]:
            entry = line.split("\t", 1)[0].strip()
            if not entry:
                continue
            stem, _, flags = entry.partition("/")
            if _DIGIT.search(stem):  # ordinals and numbers: words with digits are never checked
                continue
            if aff.only_in_compound_flag and aff.only_in_compound_flag in flags:
                continue
            forms = expander.expand(stem, flags)
            words.update(forms)
            if aff.no_suggest_flag and aff.no_suggest_flag in flags:
                no_suggest.update(forms)
        alphabet = "".join(
            dict.fromkeys(c for c in aff.try_characters.lower() if c.isalpha() or c in "'-")
        )
        return cls(
            frozenset(words),
            frozenset(no_suggest),
            tuple(aff.replacements),
            alphabet or "esiarntolcdugmphbyfvkwzxjq'-",
        )


class _Expander:
    """Applies affix rules to a stem, caching which rules fit a word ending.

    A condition only looks at a stem's last (or first) few letters, so the rules
    that apply to ``(flag, ending)`` are found once and reused: this makes the
    expansion of 97,000 stems take about a second instead of several.
    """

    def __init__(self, aff: AffixFile) -> None:
        self._aff = aff
        self._suffix_span = {
            flag: max(max(r.condition_length, len(r.strip)) for r in rules)
            for flag, rules in aff.suffixes.items()
        }
        self._prefix_span = {
            flag: max(max(r.condition_length, len(r.strip)) for r in rules)
            for flag, rules in aff.prefixes.items()
        }
        self._suffix_cache: dict[tuple[str, str, bool], list[_AffixRule]] = {}
        self._prefix_cache: dict[tuple[str, str, bool], list[_AffixRule]] = {}

    def _fitting_suffixes(self, flag: str, stem: str) -> list[_AffixRule]:
        span = self._suffix_span[flag]
        ending = stem[-span:] if span else ""
        key = (flag, ending, len(stem) > span)
        rules = self._suffix_cache.get(key)
        if rules is None:
            rules = [
                r
                for r in self._aff.suffixes[flag]
                if stem.endswith(r.strip)
                and len(stem) > len(r.strip)
                and r.condition.search(ending if span else stem)
            ]
            self._suffix_cache[key] = rules
        return rules

    def _fitting_prefixes(self, flag: str, stem: str) -> list[_AffixRule]:
        span = self._prefix_span[flag]
        beginning = stem[:span] if span else ""
        key = (flag, beginning, len(stem) > span)
        rules = self._prefix_cache.get(key)
        if rules is None:
            rules = [
                r
                for r in self._aff.prefixes[flag]
                if stem.startswith(r.strip)
                and len(stem) > len(r.strip)
                and r.condition.search(beginning if span else stem)
            ]
            self._prefix_cache[key] = rules
        return rules

    def expand(self, stem: str, flags: str) -> list[str]:
        forms = [stem]
        crossable: list[str] = []
        for flag in flags:
            if flag in self._aff.suffixes:
                for rule in self._fitting_suffixes(flag, stem):
                    form = stem[: len(stem) - len(rule.strip)] + rule.add
                    forms.append(form)
                    if rule.cross_product:
                        crossable.append(form)
        for flag in flags:
            if flag in self._aff.prefixes:
                for rule in self._fitting_prefixes(flag, stem):
                    forms.append(rule.add + stem[len(rule.strip) :])
                    if rule.cross_product:
                        forms.extend(rule.add + form[len(rule.strip) :] for form in crossable)
        return forms


# --- The checker --------------------------------------------------------------


class SpellChecker:
    """Says whether a word is spelt right in British English, and what it might have meant.

    Knows the shipped dictionary, the domain words every IMR uses (MARAC, IDVA…) and
    the author's personal word list, which is kept in a UTF-8 text file so it can be
    read, edited or copied to another machine by hand.
    """

    def __init__(
        self,
        word_list: WordList,
        domain_words: Iterable[str] = (),
        personal_file: Path | None = None,
    ) -> None:
        self._word_list = word_list
        self._words = word_list.words
        self._extra: set[str] = set()
        self._personal: set[str] = set()
        self._ignored: set[str] = set()
        self._personal_file = personal_file
        self._cache: dict[str, bool] = {}
        for word in domain_words:
            self._extra.update(_entry_words(word))
        if personal_file is not None:
            self._personal = set(read_word_file(personal_file))
            self._extra.update(self._personal)

    @classmethod
    def load(
        cls, config_dir: Path | None = None, dictionary_dir: Path | None = None
    ) -> SpellChecker:
        """The shipped dictionary and domain words, plus the personal list in ``config_dir``."""
        directory = dictionary_dir or resource_path("spelling")
        word_list = WordList.load(directory)
        domain = read_word_file(directory / DOMAIN_WORDS_FILE)
        personal = config_dir / PERSONAL_WORDS_FILE if config_dir is not None else None
        return cls(word_list, domain, personal)

    @property
    def personal_words(self) -> list[str]:
        return sorted(self._personal, key=str.casefold)

    def is_correct(self, word: str) -> bool:
        known = self._cache.get(word)
        if known is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            known = self._cache[word] = self._check(word)
        return known

    def misspellings(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Each misspelt word of ``text`` as ``(start, end, word)``."""
        for start, end, word in tokens(text):
            if not self.is_correct(word):
                yield start, end, word

    def add_to_personal(self, word: str) -> None:
        """Remember a word for good: written at once, so a crash does not lose it."""
        word = normalise(word.strip())
        if not word or word in self._personal:
            return
        self._personal.add(word)
        self._extra.add(word)
        self._cache.clear()
        if self._personal_file is not None:
            write_word_file(self._personal_file, self.personal_words)

    def ignore(self, word: str) -> None:
        """Accept a word until the app closes ("Ignore"), without adding it to any list."""
        self._ignored.add(normalise(word))
        self._cache.clear()

    # --- Checking ---

    def _check(self, word: str) -> bool:
        word = normalise(word)
        if len(word) < 2 or _DIGIT.search(word) or "_" in word:
            return True
        if _ACRONYM.fullmatch(word) or _URL_OR_EMAIL.fullmatch(word):
            return True
        if word in self._ignored or self._known(word):
            return True
        if word.endswith("'s") and self._known(word[:-2]):  # Amina's, the IDVA's
            return True
        if word.endswith("s'") and self._known(word[:-1]):  # the victims' families
            return True
        if "-" in word:  # a compound is right when each part is: "non-engagement"
            parts = word.split("-")
            return all(part and self._check(part) for part in parts)
        return False

    def _known(self, word: str) -> bool:
        """In a list as written, or a lower-case word capitalised at a sentence start or shouted."""
        if self._is_listed(word):
            return True
        lower = word.lower()
        if word == lower:
            return False
        if word[0].isupper() and word[1:] == lower[1:]:  # "Colour" at a sentence start
            return self._is_listed(lower)
        if word.isupper():  # "SAFEGUARDING" in a heading
            return self._is_listed(lower) or self._is_listed(word.capitalize())
        return False

    def _is_listed(self, word: str) -> bool:
        return word in self._words or word in self._extra or word in self._ignored

    # --- Suggestions ---

    def suggestions(self, word: str, limit: int = 5) -> list[str]:
        """Likely meant words, best first: cheapest edits, then the most similar spelling."""
        original = normalise(word)
        if not original:
            return []
        lower = original.lower()
        scored: dict[str, float] = {}

        def offer(candidate: str, cost: float) -> None:
            found = self._suggestable(candidate)
            if found is None or found == original:
                return
            if found != candidate:  # a name for a lower-case slip: "wich" is not "Wych"
                cost += 0.3
            if cost < scored.get(found, 99.0):
                scored[found] = cost

        offer(lower, -0.2)  # "london" -> "London"
        for candidate, cost in self._edits(lower):
            offer(candidate, cost)
        # Run together ("alot", "infact"): offered, but after the likelier single slips,
        # as most splits of a misspelling are nonsense ("persist ant" for "persistant").
        for head, tail in self._splits(lower):
            scored.setdefault(f"{head} {tail}", 0.85)
        if len(scored) < limit and len(lower) <= 20:
            for first, cost in list(self._edits(lower)):
                if cost >= 0.9:  # only extend the likelier first edits: keeps this fast
                    continue
                for candidate, second_cost in self._edits(first):
                    offer(candidate, cost + second_cost)
            for first, cost in list(self._edits(lower)):
                if cost < 0.9:
                    continue
                for candidate, second_cost in self._edits(first, replacements=False):
                    if second_cost < 0.9:
                        offer(candidate, cost + second_cost)
            if len(scored) < limit:
                for first, cost in list(self._edits(lower, replacements=False)):
                    for candidate, second_cost in self._edits(first, replacements=False):
                        offer(candidate, cost + second_cost + 0.1)
        ranked = sorted(
            scored, key=lambda c: (scored[c], -_similarity(lower, c.lower().replace(" ", "")), c)
        )
        return [_match_case(original, c) for c in ranked[:limit]]

    def _suggestable(self, candidate: str) -> str | None:
        """The listed spelling of a candidate (its capitalisation), unless it is never offered."""
        for form in (candidate, candidate.capitalize(), candidate.upper()):
            if form in self._words and form not in self._word_list.no_suggest:
                return form
            if form in self._extra:
                return form
        return None

    def _splits(self, word: str) -> Iterator[tuple[str, str]]:
        """Two words run together: "alot", "infact"."""
        for index in range(1, len(word)):
            head, tail = word[:index], word[index:]
            # Short parts are real words only when common: not "po session", "refer al".
            if any(len(part) < 3 and part not in _SHORT_WORDS for part in (head, tail)):
                continue
            # Lower-case words only (and "I"): "al OT" is no suggestion for "alot".
            if self._suggestable(head) in (head, "I") and self._suggestable(tail) == tail:
                yield head if head != "i" else "I", tail

    def _edits(self, word: str, *, replacements: bool = True) -> Iterator[tuple[str, float]]:
        """Every single edit of ``word`` with its cost: the likelier the mistake, the cheaper."""
        alphabet = self._word_list.alphabet
        for old, new in self._word_list.replacements:  # the dictionary's own confusions: f/ph
            start = word.find(old)
            while start != -1:
                yield word[:start] + new + word[start + len(old) :], 0.6
                start = word.find(old, start + 1)
        for i in range(len(word)):
            left, char, right = word[:i], word[i], word[i + 1 :]
            # Deleting a letter: a doubled one ("occurrred") is the commonest slip.
            doubled = (i > 0 and word[i - 1] == char) or (right[:1] == char)
            yield left + right, 0.5 if doubled else _vowel_pair_cost(word, i, char, 1)
            if right:  # swapping neighbours: "recieved"
                yield left + right[0] + char + right[1:], 0.6
            if replacements:
                for other in alphabet:
                    if other == char:
                        continue
                    if char in _VOWELS and other in _VOWELS:
                        cost = 0.7  # "definately"
                    elif other in _NEIGHBOURS.get(char, ()):
                        cost = 0.75
                    else:
                        cost = 1.0
                    yield left + other + right, cost
        if replacements:
            for i in range(len(word) + 1):
                left, right = word[:i], word[i:]
                for other in alphabet:
                    if i > 0 and word[i - 1] == other:
                        cost = 0.5  # doubling a letter: "ocur" -> "occur"
                    elif other == "h" and i > 0 and word[i - 1] in _H_DIGRAPH_HEADS:
                        cost = 0.7  # "wich" -> "which"
                    else:
                        cost = _vowel_pair_cost(word, i, other, 0)
                    yield left + other + right, cost


def _vowel_pair_cost(word: str, index: int, letter: str, width: int) -> float:
    """Adding or dropping a vowel beside another ("collegue", "truely") is a likely slip."""
    if letter in _VOWELS:
        before = word[index - 1 : index] if index > 0 else ""
        after = word[index + width : index + width + 1]
        if before in _VOWELS or after in _VOWELS:
            return 0.7
    return 0.9


def _entry_words(entry: str) -> list[str]:
    """A domain entry may be a phrase ("Clare's Law"): each of its words is known."""
    return [normalise(part) for part in entry.split() if normalise(part)]


def _similarity(a: str, b: str) -> float:
    """Shared letter pairs, as a fraction: breaks ties between equally cheap suggestions."""
    pairs_a = {a[i : i + 2] for i in range(len(a) - 1)}
    pairs_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if not pairs_a or not pairs_b:
        return 0.0
    return 2 * len(pairs_a & pairs_b) / (len(pairs_a) + len(pairs_b))


def _match_case(original: str, suggestion: str) -> str:
    """Keep the author's capitals: "Recieved" suggests "Received", "RECIEVED" "RECEIVED"."""
    if len(original) > 1 and original.isupper():
        return suggestion.upper()
    if original[:1].isupper() and suggestion[:1].islower():
        return capitalised(suggestion)
    return suggestion


# --- Word files ---------------------------------------------------------------


def read_word_file(path: Path) -> list[str]:
    """Words one a line; blank lines and ``#`` comments skipped; a missing file is empty."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    words: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.extend(_entry_words(line))
    return words


def write_word_file(path: Path, words: Iterable[str]) -> None:
    """Replace the file in one step (temp file, then rename) so it is never half-written."""
    text = "".join(f"{word}\n" for word in words)
    write_atomically(path, text.encode("utf-8"), make_folder=True)
