"""The one ``AppContext`` built in ``main()`` and passed down: no global singletons."""

from __future__ import annotations

from dataclasses import dataclass, field

from imr_app.paths import UserPaths
from imr_app.storage.keystore import KeyStore


@dataclass
class AppContext:
    paths: UserPaths = field(default_factory=UserPaths.from_environment)
    keystore: KeyStore = field(default_factory=KeyStore)
