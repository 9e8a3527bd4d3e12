"""The emulator's Function Compute component: template.yml's functions, run locally, behind FC's API.

* :mod:`vodfc.emulator.fc.template` — load and validate template.yml (Funcraft format);
* :mod:`vodfc.emulator.fc.runtime` — the runtime: instances (subprocesses), context, environment,
  timeouts, triggers; :mod:`~vodfc.emulator.fc.pool`, :mod:`~vodfc.emulator.fc.instances` and
  :mod:`~vodfc.emulator.fc.worker` (the bootstrap each instance runs) below it;
* :mod:`vodfc.emulator.fc.component` — the component: template, runtime, accounts, internal server;
* :mod:`vodfc.emulator.fc.api` — the FC 2.0 API and HTTP-trigger proxy on the shared app, signature-checked.

``get_fc(app)`` gives the component; ``get_fc(app).runtime`` the ``FunctionRuntime`` (loaded lazily from
``VODFC_TEMPLATE``, else ``./template.yml``, else ``./s.yaml``; with none of them it runs no functions);
``get_fc(app).load(path)`` switches templates. Once a template is loaded that way, VOD events from the event
bus reach every function with an ``MNSTopic`` trigger on the ``vodfc-vod-events`` topic whose ``FilterTag``
(if any) is the event's ``EventType``; the lazily loaded default template serves the API only
(``deliver_events``).
"""

from __future__ import annotations

from flask import Flask
from vodfc.emulator.fc.component import FcComponent, default_template_path
from vodfc.emulator.fc.runtime import Delivery, FunctionRuntime, Invocation, Throttled
from vodfc.emulator.fc.template import Function, Template, TemplateError
from vodfc.emulator.lookup import component_of

# The FC API host of every account and region (also <region>-internal).
FC_HOST = r"(?P<account>[0-9]+)\.(?P<region>[a-z0-9-]+)\.fc\.aliyuncs\.com"

__all__ = [
    "Delivery",
    "FcComponent",
    "Function",
    "FunctionRuntime",
    "Invocation",
    "Template",
    "TemplateError",
    "Throttled",
    "default_template_path",
    "get_fc",
]


def get_fc(app: Flask) -> FcComponent:
    return component_of(app, "fc", FcComponent)
