"""``python -m vodfc`` is the ``vodfc`` command."""

import sys

from vodfc.emulator.cli import main

sys.exit(main())
