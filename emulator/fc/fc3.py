"""FC 3.0's view of the loaded functions: names without services, and HTTP trigger domains.

**Names.** FC 3.0 has no services: a function is its name. A function created as an FC 3.0 function
(``Function.fc_version`` 3, an s.yaml's) is found by its name. A function of an FC 2.0 template is found as
``<service>$<function>``, the name FC 3.0 shows a function created under FC 2.0 (users meet it after
upgrading: Serverless-Devs#768), and also by its bare name, which is how it is listed: the name it has
once deployed as an FC 3.0 function. When two functions share a bare name (two services of the
template each with a ``Thumbnail``, or a service's function and an FC 3.0 one), that name finds
neither: each is listed and found as ``<service>$<function>`` (an FC 3.0 function keeps its name),
and asking for the bare name answers ``FunctionNotFound`` naming the candidates.

**HTTP trigger domains.** FC 3.0 gives an HTTP trigger the URL ``https://<prefix>.<region>.fcapp.run``
(``<prefix>.<region>-vpc.fcapp.run`` inside a VPC). The prefix FC hands out is the function's name
(``<service>-<function>`` for an FC 2.0 function: ``svc-func-xxxxxxxx`` in FC's own example),
lower-cased, and a random suffix; URLs seen in the wild end in 10 lower-case letters. The emulator
derives the suffix from the account, region, service and function, so a function keeps its URL from
one run to the next and a test can compute it (``trigger_domain``).
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

from vodfc.emulator.fc.template import Function

# The HTTP trigger hosts of every region (and their -vpc twins).
FCAPP_HOST = r"(?P<prefix>[a-z0-9-]+)\.(?P<region>[a-z0-9-]+?)(?:-vpc)?\.fcapp\.run"
SEPARATOR = "$"
_SUFFIX_LETTERS = 10
_LABEL_MAX = 63  # a DNS label
_NOT_IN_LABEL = re.compile(r"[^a-z0-9-]+")


def qualified_name(function: Function) -> str:
    """The name FC 3.0 gives ``function``: its own for an FC 3.0 function, ``<service>$<function>``
    for an FC 2.0 one."""
    return function.name if function.fc_version == 3 else f"{function.service}{SEPARATOR}{function.name}"


@dataclass(frozen=True)
class Fc3Functions:
    """The functions as FC 3.0 names them: ``listed`` (the name each is listed under), ``ambiguous``
    (a bare name several functions share -> their qualified names)."""

    listed: dict[str, Function]
    aliases: dict[str, Function] = field(default_factory=dict)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, functions: Iterable[Function]) -> Fc3Functions:
        by_bare: dict[str, list[Function]] = {}
        for function in functions:
            by_bare.setdefault(function.name, []).append(function)
        listed: dict[str, Function] = {}
        aliases: dict[str, Function] = {}
        ambiguous: dict[str, list[str]] = {}
        for bare, found in by_bare.items():
            own = [f for f in found if f.fc_version == 3]
            if len(found) == 1 or len(own) == 1:
                # The bare name is one function's: the only one, or the FC 3.0 function (its name is
                # its own; same-named FC 2.0 functions keep their qualified names).
                chosen = found[0] if len(found) == 1 else own[0]
                listed[bare] = chosen
                if chosen.fc_version != 3:
                    aliases[qualified_name(chosen)] = chosen
                others = [f for f in found if f is not chosen]
            else:
                ambiguous[bare] = sorted(qualified_name(f) for f in found)
                others = found
            for function in others:
                listed[qualified_name(function)] = function
        return cls(listed, aliases, ambiguous)

    def find(self, name: str) -> Function | None:
        return self.listed.get(name) or self.aliases.get(name)

    def name_of(self, function: Function) -> str:
        for name, found in self.listed.items():
            if found is function:
                return name
        return qualified_name(function)


def domain_prefix(function: Function, account_id: str, region: str) -> str:
    """The first label of the function's HTTP trigger host: its name and a stable 10-letter suffix."""
    base = function.name if function.fc_version == 3 else f"{function.service}-{function.name}"
    label = _NOT_IN_LABEL.sub("-", base.lower()).strip("-") or "fc"
    digest = hashlib.sha256(f"{account_id}/{region}/{function.service}/{function.name}".encode()).digest()
    suffix = "".join(string.ascii_lowercase[b % 26] for b in digest[:_SUFFIX_LETTERS])
    return f"{label[: _LABEL_MAX - _SUFFIX_LETTERS - 1].rstrip('-')}-{suffix}"


def trigger_domain(function: Function, account_id: str, region: str, *, vpc: bool = False) -> str:
    """``<prefix>.<region>.fcapp.run`` (``<region>-vpc`` with ``vpc``)."""
    return f"{domain_prefix(function, account_id, region)}.{region}{'-vpc' if vpc else ''}.fcapp.run"


def trigger_function(
    functions: Iterable[Function], prefix: str, account_id: str, region: str
) -> Function | None:
    """The HTTP-triggered function whose trigger host starts with ``prefix`` (None: no such trigger)."""
    for function in functions:
        if function.http_trigger is not None and domain_prefix(function, account_id, region) == prefix:
            return function
    return None
