"""shared.events is tested through a real event function (auto_tag): the event-function harness's
fixtures (``vod`` is its FakeVod), registered for the tests here."""

from tests.functions.support.events import clock, fn, vod  # noqa: F401  (fixtures)
