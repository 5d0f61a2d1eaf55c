"""Text as Word can store it: pastes from case systems carry control characters."""

from __future__ import annotations

import re

# XML 1.0 forbids these; \x0b (vertical tab) is Word's own line break in pastes.
_BREAKS = re.compile("[\x0b\x0c]")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Line breaks for Word's line-break characters, and nothing for the other illegal ones."""
    text = (
        text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    )
    return _ILLEGAL.sub("", text)


def capitalised(text: str) -> str:
    """The first letter in capitals, the rest as it is ("NHS number" stays, "postcode" rises)."""
    return text[:1].upper() + text[1:]
