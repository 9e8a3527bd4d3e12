"""The protocol is tested over the fake VOD backend: the plugin's ``vod`` runs on it here."""

from tests.emulator.support.plugin_over_fakes import fake_mock_app, fake_server  # noqa: F401  (fixtures)
