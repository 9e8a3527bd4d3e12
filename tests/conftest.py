"""Fixtures shared by every test tier. The emulator's own fixtures come from emulator/pytest_plugin.py."""
