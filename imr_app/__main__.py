"""``python -m imr_app`` runs the same entry point as ``imr-app``."""

import sys

from imr_app.cli import main

sys.exit(main())
