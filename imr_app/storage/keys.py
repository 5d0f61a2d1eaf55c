"""Draft keys: a raw 256-bit SQLCipher key derived from the passphrase and the file's salt.

We derive the key ourselves (PBKDF2-HMAC-SHA512, SQLCipher 4's own parameters)
and hand SQLCipher the raw key, so the same key can be remembered in the OS
keyring and open the file in well under a millisecond. The salt is the file's
first 16 bytes (plaintext, as in any SQLCipher file), so it also names the
keyring entry: copies of one draft share it, and a re-keyed draft gets a new one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

KDF_ITERATIONS = 256_000
KEY_BYTES = 32
SALT_BYTES = 16


@dataclass(frozen=True)
class DraftKey:
    key: bytes
    salt: bytes

    @classmethod
    def from_passphrase(cls, passphrase: str, salt: bytes) -> DraftKey:
        raw = hashlib.pbkdf2_hmac(
            "sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES
        )
        return cls(raw, salt)

    @classmethod
    def new(cls, passphrase: str) -> DraftKey:
        return cls.from_passphrase(passphrase, secrets.token_bytes(SALT_BYTES))

    def pragma_value(self) -> str:
        """The key with its salt, as SQLCipher's raw-key literal (used when creating a file)."""
        return f"x'{self.key.hex()}{self.salt.hex()}'"

    def __repr__(self) -> str:  # never print key material
        return f"DraftKey(salt={self.salt.hex()})"


def read_salt(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(SALT_BYTES)


def keyring_account(salt: bytes) -> str:
    return f"draft-{salt.hex()}"
