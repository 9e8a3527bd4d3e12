"""The repository root, found once: tests that read the project's files (template.yml, functions/,
shared/, docs/) take their paths from here rather than counting parent directories from their own place,
so a test file can move without its paths changing."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
