"""Under tests/functions, ``vod`` is the event functions' FakeVod (not the plugin's emulator): the
harness's fixtures, registered for every test here."""

from tests.functions.support.events import clock, fn, vod  # noqa: F401  (fixtures)
