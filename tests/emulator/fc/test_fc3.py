"""FC 3.0's names for the template's functions, and its HTTP trigger domains."""

from __future__ import annotations

from pathlib import Path

from vodfc.emulator.fc.fc3 import (
    Fc3Functions,
    domain_prefix,
    qualified_name,
    trigger_domain,
    trigger_function,
)
from vodfc.emulator.fc.template import Function, Trigger

HTTP = Trigger("http", "HTTP", {"AuthType": "anonymous", "Methods": ["GET"]})


def _function(service: str, name: str, *, fc3: bool = False, http: bool = False) -> Function:
    return Function(
        service,
        name,
        "index.handler",
        "python3.10",
        Path("/code"),
        fc_version=3 if fc3 else 2,
        triggers=(HTTP,) if http else (),
    )


def test_a_unique_name_is_listed_bare_and_also_found_qualified() -> None:
    only = _function("svc", "Only")
    functions = Fc3Functions.of([only])
    assert list(functions.listed) == ["Only"]
    assert functions.find("Only") is functions.find("svc$Only") is only
    assert functions.name_of(only) == "Only"


def test_a_shared_name_is_listed_qualified_and_the_bare_name_finds_none() -> None:
    a, b = _function("a", "Twin"), _function("b", "Twin")
    functions = Fc3Functions.of([a, b])
    assert sorted(functions.listed) == ["a$Twin", "b$Twin"]
    assert functions.find("Twin") is None
    assert functions.ambiguous == {"Twin": ["a$Twin", "b$Twin"]}
    assert functions.name_of(b) == "b$Twin"


def test_an_fc3_function_keeps_its_name_beside_a_same_named_fc2_one() -> None:
    new, old = _function("fc3", "Thumb", fc3=True), _function("svc", "Thumb")
    functions = Fc3Functions.of([old, new])
    assert functions.find("Thumb") is new
    assert functions.find("svc$Thumb") is old
    assert qualified_name(new) == "Thumb" and not functions.ambiguous


def test_trigger_domains_are_stable_dns_labels_with_a_ten_letter_suffix() -> None:
    old = _function("vodfc", "GetVideoInfo_Http", http=True)
    new = _function("x", "Web3", fc3=True, http=True)
    prefix = domain_prefix(old, "123", "cn-shanghai")
    assert prefix.startswith("vodfc-getvideoinfo-http-") and len(prefix.rsplit("-", 1)[1]) == 10
    assert prefix == domain_prefix(old, "123", "cn-shanghai") != domain_prefix(old, "456", "cn-shanghai")
    assert trigger_domain(new, "123", "cn-beijing").startswith("web3-")
    assert trigger_domain(new, "123", "cn-beijing", vpc=True).endswith(".cn-beijing-vpc.fcapp.run")
    assert trigger_function([old, new], prefix, "123", "cn-shanghai") is old
    assert trigger_function([old, new], "nope-abcdefghij", "123", "cn-shanghai") is None
