from __future__ import annotations

from typing import Any

from vodfc.emulator.fc.context import Credentials, local_context

from shared.fc import ClientProvider


def test_client_is_built_once_per_instance_and_rebuilt_when_sts_credentials_rotate() -> None:
    built: list[Any] = []

    def factory(context: Any) -> Any:
        built.append(context.credentials.security_token)
        return object()

    provider = ClientProvider(factory)
    first = local_context(Credentials("ak", "secret-one-12345", "token-one-12345"))
    again = local_context(Credentials("ak", "secret-one-12345", "token-one-12345"))
    rotated = local_context(Credentials("ak", "secret-two-12345", "token-two-12345"))
    client = provider.get(first)
    assert provider.get(again) is client
    assert provider.get(rotated) is not client
    assert built == ["token-one-12345", "token-two-12345"]


def test_override_injects_a_client_or_a_factory_and_none_restores() -> None:
    provider = ClientProvider(lambda context: "real")
    provider.override("fake-client")  # type: ignore[arg-type]
    assert provider.get(local_context()) == "fake-client"
    provider.override(lambda context: f"for {context.region}")
    assert provider.get(local_context(region="cn-beijing")) == "for cn-beijing"
    provider.override(None)
    assert provider.get(local_context()) == "real"


def test_default_factory_builds_a_vod_client_from_the_context_credentials() -> None:
    provider = ClientProvider()
    client = provider.get(local_context(Credentials("ak-id", "ak-secret", "sts-token"), region="cn-beijing"))
    assert type(client).__name__ == "VodClient"
    assert client.region == "cn-beijing"
    assert client.credentials_source == "context"
