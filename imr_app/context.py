"""The one ``AppContext`` built in ``main()`` and passed down: no global singletons."""

from __future__ import annotations

from dataclasses import dataclass, field

from imr_app.paths import UserPaths
from imr_app.storage.keystore import BACKEND_FILE, KeyStore


@dataclass
class AppContext:
    paths: UserPaths = field(default_factory=UserPaths.from_environment)
    keystore: KeyStore = field(default_factory=KeyStore)

    def __post_init__(self) -> None:
        if self.keystore.remembered is None:  # the OS keyring's backend, found once
            self.keystore.remembered = self.paths.config_dir / BACKEND_FILE
