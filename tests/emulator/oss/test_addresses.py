"""Object addresses (``emulator/oss/addresses.py``): the OSS endpoint each client reaches, and which object a
URL names."""

from __future__ import annotations


def test_upload_endpoints_per_mode() -> None:
    from types import SimpleNamespace

    from vodfc.emulator.oss.addresses import endpoint_for

    assert (
        endpoint_for(
            SimpleNamespace(mode="inprocess", host_url="https://vod.cn-shanghai.aliyuncs.com"), "cn-beijing"
        )
        == "https://oss-cn-beijing.aliyuncs.com"
    )
    assert (
        endpoint_for(SimpleNamespace(mode="server", host_url="http://127.0.0.1:9000"), "cn-shanghai")
        == "http://127.0.0.1:9000"
    )
    assert (
        endpoint_for(
            SimpleNamespace(mode="server", host_url="http://vod.cn-shanghai.aliyuncs.com"), "cn-shanghai"
        )
        == "http://oss-cn-shanghai.aliyuncs.com"
    )


def test_object_addresses_read_from_urls_and_written_for_each_client() -> None:
    from types import SimpleNamespace

    from vodfc.emulator.oss.addresses import ObjectAddress, object_url, parse_object_url

    hosted = "http://outin-abc.oss-cn-beijing.aliyuncs.com/sv/a%20b/c.mp4"
    assert parse_object_url(hosted) == ObjectAddress("outin-abc", "sv/a b/c.mp4", "cn-beijing")
    assert parse_object_url("http://127.0.0.1:9000/outin-abc/sv/c.mp4") == ObjectAddress(
        "outin-abc", "sv/c.mp4"
    )
    for other in (
        "http://vod.cn-shanghai.aliyuncs.com/x/y",
        "http://127.0.0.1:9000/x",
        "ftp://h/b/k",
        "c.jpg",
    ):
        assert parse_object_url(other) is None
    inprocess = SimpleNamespace(mode="inprocess", host_url="http://vod.cn-shanghai.aliyuncs.com")
    server = SimpleNamespace(mode="server", host_url="http://127.0.0.1:9000")
    address = parse_object_url(hosted)
    assert address is not None
    assert object_url(inprocess, hosted + "?x=1", address, "cn-shanghai") == hosted  # type: ignore[arg-type]
    assert (
        object_url(server, hosted, address, "cn-shanghai")  # type: ignore[arg-type]
        == "http://127.0.0.1:9000/outin-abc/sv/a%20b/c.mp4"
    )
    path_style = "http://127.0.0.1:9000/outin-abc/k.mp4"
    found = parse_object_url(path_style)
    assert found is not None
    assert (
        object_url(inprocess, path_style, found, "cn-shanghai")  # type: ignore[arg-type]
        == "https://outin-abc.oss-cn-shanghai.aliyuncs.com/k.mp4"
    )
