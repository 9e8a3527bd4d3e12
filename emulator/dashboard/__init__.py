"""The emulator's web dashboard: the library, events and deliveries, functions, faults, live, uploads.

Served by every emulator server on its own port under ``/_vodfc/`` (``vodfc up`` and ``vodfc emulator``
print its address with the admin token, ``admintoken.dashboard_url``). The pages are rendered on the
server from the Jinja templates in ``templates/``, with one small script (``static/dashboard.js``) for
live updates and uploads; no build step.

Each page shows one account and region, named in its URL (``?account=&region=``, ``scope.py``), picked
in the navigation.

The dashboard reads through the VOD actions (SearchMedia, GetVideoInfo, GetMezzanineInfo, GetPlayInfo,
...) and the components' own records (event log, invocations, fault rules), and writes only what the
APIs write, by their code: CreateUploadVideo through the VOD endpoint's call path and the file through
OSS with the upload's credentials, invocations through the FC runtime's invoke, fault switches through
the fault rules' model (``PATCH /_vodfc/faults/<id>`` does the same). ``vodfc.emulator.build`` builds
it (component ``dashboard``) and registers ``views.blueprint``. See docs/dashboard.md.
"""

from __future__ import annotations

from vodfc.emulator.admintoken import dashboard_url
from vodfc.emulator.dashboard.component import Dashboard

__all__ = ["Dashboard", "dashboard_url"]
