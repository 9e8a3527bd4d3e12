"""pytest fixtures for the vodfc emulator, loaded through the ``pytest11`` entry point."""
