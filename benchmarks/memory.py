"""``python -m benchmarks.memory``: does the emulator's memory stay flat over many signed requests?

Sends N signed RPC calls (GetVideoInfo of a demo video, each with a fresh SignatureNonce, RPC v1
signature) straight into the emulator's WSGI entry, in-process, and samples the process's resident
memory every N/20 calls after a warm-up. Every call goes through the whole request cycle (guard,
decoding, signature check, nonce cache, backend, envelope), and nothing but the emulator runs in
the process, so what grows is what the emulator keeps per call. Prints the samples, the growth
after warm-up and a verdict against the target (±5 MB); exits 1 on a miss with ``--strict``.

The signing is the SDK's algorithm written out (a benchmark may not use the emulator's own code to
make what the emulator checks); it is checked once against aliyunsdkcore's composer at start.
"""

from __future__ import annotations

import argparse
import base64
import gc
import hmac
import io
import os
import sys
import time
import uuid
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

ACCESS_KEY_ID = "vodfc-access-key-id"
ACCESS_KEY_SECRET = "vodfc-access-key-secret"
VIDEO_ID = "0d1901ed284165bc16982470da7615fc"  # the demo library's first video
TARGET_MB = 5.0


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def signed_query(params: dict[str, str]) -> str:
    """The query string of an RPC v1 (HMAC-SHA1) call, as aliyunsdkcore builds it."""
    canonical = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"GET&%2F&{_encode(canonical)}"
    digest = hmac.digest(f"{ACCESS_KEY_SECRET}&".encode(), to_sign.encode(), "sha1")
    return canonical + "&Signature=" + _encode(base64.b64encode(digest).decode())


def call_params(timestamp: str, nonce: str) -> dict[str, str]:
    return {
        "Action": "GetVideoInfo",
        "Version": "2017-03-21",
        "Format": "JSON",
        "AccessKeyId": ACCESS_KEY_ID,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": nonce,
        "Timestamp": timestamp,
        "RegionId": "cn-shanghai",
        "VideoId": VIDEO_ID,
    }


def check_signer() -> None:
    """Our signature equals the core SDK's for the same parameters."""
    from aliyunsdkcore.auth.composer import rpc_signature_composer

    params = call_params("2026-01-01T00:00:00Z", "fixed-nonce")
    compose = rpc_signature_composer.__dict__["__compose_string_to_sign"]
    sign = rpc_signature_composer.__dict__["__get_signature"]
    theirs = sign(compose("GET", params), ACCESS_KEY_SECRET)
    ours = signed_query(params).rsplit("&Signature=", 1)[1]
    if _encode(theirs) != ours:
        raise SystemExit(f"the signer disagrees with aliyunsdkcore: {ours} != {theirs}")


def rss_mb() -> float:
    """Resident set size now (Linux /proc; ru_maxrss elsewhere, which only grows)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def environ(query: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "9000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:9000",
        "CONTENT_LENGTH": "0",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--requests", type=int, default=200_000, help="signed calls to send (default 200,000)"
    )
    parser.add_argument("--warmup", type=int, default=5_000, help="calls before the baseline sample")
    parser.add_argument("--strict", action="store_true", help="exit 1 when memory grows past the target")
    args = parser.parse_args(argv)

    check_signer()
    from vodfc.emulator.app import create_app
    from vodfc.emulator.config import EmulatorConfig

    app = create_app(EmulatorConfig(seed=True))
    statuses: dict[str, int] = {}

    def call() -> None:
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        query = signed_query(call_params(now, uuid.uuid4().hex))

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            statuses[status] = statuses.get(status, 0) + 1

        for _ in app(environ(query), start_response):
            pass

    for _ in range(args.warmup):
        call()
    gc.collect()
    baseline = rss_mb()
    samples = [(0, baseline)]
    step = max(1, args.requests // 20)
    started = time.perf_counter()
    for n in range(1, args.requests + 1):
        call()
        if n % step == 0 or n == args.requests:
            gc.collect()
            samples.append((n, rss_mb()))
            print(f"  {n:>8,} signed calls: RSS {samples[-1][1]:7.1f} MB", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started

    peak = max(mb for _, mb in samples)
    growth = samples[-1][1] - baseline
    ok = peak - baseline <= TARGET_MB and abs(growth) <= TARGET_MB
    answered = ", ".join(f"{count:,} × {status}" for status, count in sorted(statuses.items()))
    print(f"signed requests: {args.requests:,} after {args.warmup:,} warm-up ({elapsed:.0f} s, {answered})")
    print(f"RSS after warm-up {baseline:.1f} MB, peak {peak:.1f} MB, at the end {samples[-1][1]:.1f} MB")
    verdict = "ok" if ok else "MISS"
    print(f"growth {growth:+.1f} MB (peak {peak - baseline:+.1f} MB): {verdict} (target ±{TARGET_MB:.0f} MB)")
    from vodfc.emulator.app import get_state

    nonces = get_state(app).authenticator.nonces
    print(f"nonce cache: {len(nonces):,} entries" if hasattr(nonces, "__len__") else "nonce cache: unbounded")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
