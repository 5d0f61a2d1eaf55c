"""Where things live: shipped resources, the user's drafts folder and settings.

Resources resolve the same way from a source tree and from a PyInstaller bundle.
User folders come from platformdirs and can be redirected with environment
variables (tests point them at a temporary folder).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "IMR Author"
DRAFT_SUFFIX = ".imr"

ENV_DRAFTS_DIR = "IMR_APP_DRAFTS_DIR"
ENV_CONFIG_DIR = "IMR_APP_CONFIG_DIR"


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


@dataclass(frozen=True)
class UserPaths:
    drafts_dir: Path
    config_dir: Path

    @classmethod
    def from_environment(cls) -> UserPaths:
        import platformdirs

        drafts = os.environ.get(ENV_DRAFTS_DIR) or (
            Path(platformdirs.user_documents_dir()) / APP_NAME
        )
        config = os.environ.get(ENV_CONFIG_DIR) or platformdirs.user_config_dir(
            APP_NAME, appauthor=False
        )
        return cls(Path(drafts), Path(config))
