"""Fixtures shared by every test tier. The emulator's own fixtures come from emulator/pytest_plugin.py.

The functions import the core module as the top-level package ``shared`` (as it sits in their FC code
package), so the repository root goes on ``sys.path`` for the tests that load them; with it there, test
helpers are imported by their full name (``from tests.emulator.fc.support import ...``). The emulator is
only ever imported as ``vodfc.emulator`` (ruff bans the bare name).
"""

import atexit
import os
import shutil
import sys
import tempfile

from tests.repo import REPO

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# Servers the tests start (`vodfc up`, `vodfc emulator` in subprocesses) leave their admin token in the
# state dir: a temporary one, never the home directory of whoever runs the tests.
if not os.environ.get("VODFC_STATE_DIR"):
    _STATE_DIR = tempfile.mkdtemp(prefix="vodfc-test-state-")
    os.environ["VODFC_STATE_DIR"] = _STATE_DIR
    atexit.register(shutil.rmtree, _STATE_DIR, True)
