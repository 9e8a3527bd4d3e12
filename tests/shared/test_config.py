"""Where credentials, region and endpoint come from, checked on the request the SDK actually sends."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from shared import VodClient
from shared.config import Endpoint, resolve_credentials, resolve_endpoint, resolve_region
from shared.errors import MissingCredentials, ValidationError

ENV = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in (*ENV, "FC_REGION", "VOD_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


def fc_context(ak="ctx-ak", secret="ctx-secret", token="ctx-token", region=None):
    credentials = SimpleNamespace(access_key_id=ak, access_key_secret=secret, security_token=token)
    return SimpleNamespace(credentials=credentials, region=region, request_id="r1")


def set_env(monkeypatch, ak="env-ak", secret="env-secret", token=None):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ak)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
    if token:
        monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", token)


def sent_params(client, fake_vod):
    fake_vod.on("GetVideoInfo", {"Video": {"VideoId": "v1"}})
    client.get_video_info("v1")
    return fake_vod.requests[-1]


def test_explicit_arguments_win_over_context_and_environment(monkeypatch, fake_vod):
    set_env(monkeypatch)
    client = VodClient(access_key_id="arg-ak", access_key_secret="arg-secret", context=fc_context())
    params = sent_params(client, fake_vod)["params"]
    assert params["AccessKeyId"] == "arg-ak"
    assert "SecurityToken" not in params
    assert client.credentials_source == "explicit"


def test_context_sts_credentials_win_over_environment(monkeypatch, fake_vod):
    set_env(monkeypatch, token="env-token")
    client = VodClient.from_context(fc_context())
    params = sent_params(client, fake_vod)["params"]
    assert params["AccessKeyId"] == "ctx-ak"
    assert params["SecurityToken"] == "ctx-token"
    assert client.credentials_source == "context"


def test_context_as_dict_is_accepted():
    context = SimpleNamespace(
        credentials={"access_key_id": "a", "access_key_secret": "b", "security_token": "t"}
    )
    creds = resolve_credentials(context=context, environ={})
    assert (creds.access_key_id, creds.security_token, creds.source) == ("a", "t", "context")


def test_environment_is_the_last_resort_and_carries_the_sts_token(monkeypatch, fake_vod):
    set_env(monkeypatch, token="env-token")
    client = VodClient.from_env()
    params = sent_params(client, fake_vod)["params"]
    assert params["AccessKeyId"] == "env-ak"
    assert params["SecurityToken"] == "env-token"


def test_context_without_credentials_falls_back_to_environment(monkeypatch):
    set_env(monkeypatch)
    creds = resolve_credentials(context=SimpleNamespace(credentials=None))
    assert creds.source == "environment"


def test_half_an_access_key_pair_in_a_source_is_skipped(monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "only-id")
    with pytest.raises(MissingCredentials):
        resolve_credentials(context=fc_context(secret=None))


def test_half_an_explicit_pair_is_an_error():
    with pytest.raises(MissingCredentials, match="access_key_secret"):
        resolve_credentials(access_key_id="a", environ={})


def test_no_credentials_anywhere_names_the_variables():
    with pytest.raises(MissingCredentials, match="ALIBABA_CLOUD_ACCESS_KEY_ID"):
        VodClient()


def test_credentials_repr_hides_secrets():
    creds = resolve_credentials(access_key_id="a", access_key_secret="s3cr3t", security_token="tok3n")
    assert "s3cr3t" not in repr(creds) and "tok3n" not in repr(creds)


def test_region_order_argument_context_env_default(monkeypatch):
    monkeypatch.setenv("FC_REGION", "cn-beijing")
    assert resolve_region("ap-southeast-1", context=fc_context(region="cn-hangzhou")) == "ap-southeast-1"
    assert resolve_region(None, context=fc_context(region="cn-hangzhou")) == "cn-hangzhou"
    assert resolve_region(None, context=fc_context()) == "cn-beijing"
    assert resolve_region(None, environ={}) == "cn-shanghai"


def test_region_reaches_the_wire_and_the_default_endpoint(monkeypatch, fake_vod):
    monkeypatch.setenv("FC_REGION", "cn-beijing")
    request = sent_params(VodClient(access_key_id="a", access_key_secret="b"), fake_vod)
    assert request["params"]["RegionId"] == "cn-beijing"
    assert request["host"] == "vod.cn-beijing.aliyuncs.com"
    assert request["scheme"] == "https"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://127.0.0.1:9000", Endpoint("127.0.0.1:9000", "http")),
        ("https://vod.example.com", Endpoint("vod.example.com", "https")),
        ("127.0.0.1:9000", Endpoint("127.0.0.1:9000", "http")),
        ("HTTP://localhost:9000/", Endpoint("localhost:9000", "http")),
    ],
)
def test_endpoint_forms(value, expected):
    assert Endpoint.parse(value) == expected


@pytest.mark.parametrize("value", ["ftp://host", "http://"])
def test_bad_endpoints_are_refused(value):
    with pytest.raises(ValidationError) as caught:
        Endpoint.parse(value)
    assert caught.value.field == "endpoint"


def test_endpoint_argument_beats_env(monkeypatch):
    monkeypatch.setenv("VOD_ENDPOINT", "127.0.0.1:1")
    assert resolve_endpoint("https://h:2") == Endpoint("h:2", "https")
    assert resolve_endpoint() == Endpoint("127.0.0.1:1", "http")
    assert resolve_endpoint(environ={}) is None


@pytest.mark.parametrize(
    ("endpoint", "url_start"),
    [
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000/?"),
        ("vod.local:8443", "http://vod.local:8443/?"),
        ("https://vod.local", "https://vod.local/?"),
    ],
)
def test_endpoint_override_reaches_the_wire(monkeypatch, fake_vod, endpoint, url_start):
    monkeypatch.setenv("VOD_ENDPOINT", endpoint)
    request = sent_params(VodClient(access_key_id="a", access_key_secret="b"), fake_vod)
    assert request["url"].startswith(url_start)


def test_an_existing_acs_client_is_used_as_is(fake_vod):
    from aliyunsdkcore.client import AcsClient

    acs = AcsClient("own-ak", "own-secret", "cn-hangzhou")
    client = VodClient(acs, endpoint="127.0.0.1:9000")
    request = sent_params(client, fake_vod)
    assert client.region == "cn-hangzhou"
    assert request["params"]["AccessKeyId"] == "own-ak"
    assert request["host"] == "127.0.0.1:9000"
