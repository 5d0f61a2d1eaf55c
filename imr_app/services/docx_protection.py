"""Password protection of an exported IMR, the way Word itself encrypts a document.

An IMR travels by email to the Independent Chair. Word's "Encrypt with Password" turns the
.docx (a zip) into an OLE2 compound file holding the zip encrypted with ECMA-376 Agile
encryption (AES-256, SHA-512); Word, LibreOffice and the Chair's tools all open that with the
password alone. ``msoffcrypto-tool`` writes exactly that format, so nothing new has to be
installed at the Chair's end.

Encryption works on bytes, so the export can encrypt the document in memory and never write
the readable version to disk at all; ``protect`` encrypts a file that already exists, in
place, through a temporary file in the same folder so that a failure leaves the original as
it was.
"""

from __future__ import annotations

import io
from pathlib import Path

from msoffcrypto import exceptions as crypto_errors
from msoffcrypto.format.ooxml import OOXMLFile

from imr_app.core.errors import ImrError
from imr_app.files import write_atomically

# The first eight bytes of every OLE2 compound file: an encrypted .docx is one, a plain
# .docx is a zip and starts "PK".
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# Word's own limit on an opening password; a longer one could never be typed into Word.
MAX_PASSWORD_LENGTH = 255
# Refuses "abc", which anyone with the file could guess; three short words read out pass.
MIN_PASSWORD_LENGTH = 10


class ProtectionError(ImrError):
    """The document could not be protected, or a protected one could not be opened."""


class WrongPasswordError(ProtectionError):
    """The password given does not open the protected document."""

    def __init__(self) -> None:
        super().__init__("The password does not open this document.")


def check_password(password: str) -> None:
    """Refuse a password Word could not use or the Chair could not be told reliably.

    Checked before any work is done, so a bad password never costs the author an export.
    Surrounding spaces are refused because they cannot be read out over the phone, and a
    password the Chair cannot reproduce locks the document for good.
    """
    if not password:
        raise ProtectionError("The password is empty; choose a password to protect the IMR.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ProtectionError(
            f"The password is longer than Word accepts ({MAX_PASSWORD_LENGTH} characters)."
        )
    if password != password.strip():
        raise ProtectionError(
            "The password starts or ends with a space; the Chair could not type it reliably."
        )
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in password):
        raise ProtectionError("The password holds a control character that cannot be typed.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ProtectionError(
            f"The password is shorter than {MIN_PASSWORD_LENGTH} characters: anyone who gets "
            "the file could guess it. Three or four unrelated words are long enough and easy "
            "to read out."
        )


def encrypt_bytes(data: bytes, password: str) -> bytes:
    """A .docx (its bytes) encrypted as Word would: an OLE2 file that needs the password."""
    check_password(password)
    try:
        out = io.BytesIO()
        OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    except crypto_errors.FileFormatError as exc:
        raise ProtectionError("Only a Word document (.docx) can be protected.") from exc
    except crypto_errors.EncryptionError as exc:
        raise ProtectionError(f"The document could not be protected: {exc}") from exc
    return out.getvalue()


def decrypt_bytes(data: bytes, password: str) -> bytes:
    """The .docx inside a protected document; ``WrongPasswordError`` if the password fails.

    The password is verified against the file's verifier first, so a wrong one is told
    apart from a damaged file instead of yielding garbage.
    """
    try:
        file = OOXMLFile(io.BytesIO(data))
        if not file.is_encrypted():
            raise ProtectionError("The document is not protected with a password.")
        file.load_key(password=password, verify_password=True)
        out = io.BytesIO()
        file.decrypt(out)
    except crypto_errors.InvalidKeyError as exc:
        raise WrongPasswordError() from exc
    except (crypto_errors.FileFormatError, crypto_errors.DecryptionError) as exc:
        raise ProtectionError(f"The protected document cannot be read: {exc}") from exc
    return out.getvalue()


def protect(path: Path, password: str) -> None:
    """Encrypt the finished .docx at ``path`` in place.

    The encrypted copy is written beside it under a temporary name and moved over the
    original only when complete, so an interruption never leaves half a file behind.
    """
    path = Path(path)
    encrypted = encrypt_bytes(path.read_bytes(), password)
    write_atomically(path, encrypted)


def is_protected(path: Path) -> bool:
    """Whether the file is an encrypted Office document (OLE2) rather than a plain .docx."""
    with open(path, "rb") as stream:
        return stream.read(len(OLE2_SIGNATURE)) == OLE2_SIGNATURE


def is_protected_bytes(data: bytes) -> bool:
    return data[: len(OLE2_SIGNATURE)] == OLE2_SIGNATURE
