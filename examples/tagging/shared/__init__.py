"""The project's own shared code (a top-level package named ``shared``, as vodfc's own is not: it installs
as ``vodfc.shared``). It ships beside each function's code, as FC's code package holds it."""

OWNER = "examples/tagging"
