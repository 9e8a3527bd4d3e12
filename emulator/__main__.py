"""``python -m vodfc.emulator`` is ``vodfc`` (as is ``python -m vodfc``)."""

import sys

from vodfc.emulator.cli import main

sys.exit(main())
