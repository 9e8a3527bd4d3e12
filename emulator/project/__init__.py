"""The project's functions as one model, and every file generated from it (``vodfc generate``).

A new function, or a new VOD action behind one, is written in four places by hand: the emulator's action,
the ``shared`` operation, the function (``functions/<folder>/index.py``: its ``app`` and, for the knobs its
code does not say, a ``Deploy`` record) and their tests. Everything that merely lists the functions follows
from those declarations and is generated here:

* :mod:`.discover` — import each ``functions/*/index.py`` and read its ``app`` into :mod:`.model`;
* :mod:`.vod_actions` — the VOD actions each function's code sends (static analysis of the source);
* :mod:`.fc2` — template.yml (FC 2.0, Funcraft format);
* :mod:`.openapi` — functions/openapi.json;
* :mod:`.docs` — the doc tables of functions and actions;
* :mod:`.generate` — all of them at once: write, or list what is stale.

This is development tooling: nothing here ships in a function's zip, and ``shared`` never imports it.
"""
