"""The log capture's fixture (tests/shared/fc/support.py), for the shared.fc tests."""

from tests.shared.fc.support import fc_logs  # noqa: F401  (fixture)
