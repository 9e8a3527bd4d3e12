"""The fake VOD endpoint's fixtures (tests/shared/support.py), for every test of ``shared``."""

from tests.shared.support import client, fake_vod, sleeps  # noqa: F401  (fixtures)
