"""``python -m emulator`` is ``vodfc``."""

import sys

from emulator.cli import main

sys.exit(main())
