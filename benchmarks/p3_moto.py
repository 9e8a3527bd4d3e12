"""Part 3, for scale: a boto3 S3 put+get pair under moto's ``mock_aws``, beside part 1's call.

moto short-circuits botocore in its ``before-send`` hook, so this is what a mature in-process fake
costs per call pair on this machine; it has no target, it tells what "fast" means here.
"""

from __future__ import annotations

import contextlib
from typing import Any

from benchmarks.harness import NotAvailable, Profile, Row, Side, compare, ms

PART = 3
TITLE = "moto S3 put+get pair (for scale)"
PAYLOAD = b"x" * 1024


def run(profile: Profile, results: dict[str, float]) -> list[Row]:
    try:
        import boto3
        from moto import mock_aws
    except ImportError as exc:
        raise NotAvailable(f"moto/boto3 not installed: {exc.name}") from None

    with mock_aws():
        s3: Any = boto3.client(
            "s3",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        s3.create_bucket(Bucket="vodfc-bench")

        def pair() -> bytes:
            s3.put_object(Bucket="vodfc-bench", Key="object", Body=PAYLOAD)
            data: bytes = s3.get_object(Bucket="vodfc-bench", Key="object")["Body"].read()
            return data

        (moto,) = compare(
            [Side("moto", pair, contextlib.nullcontext)],
            warmup=profile.warmup,
            rounds=profile.rounds,
            inner=profile.moto_inner,
        )
    results["p3.moto"] = moto
    emulator = results.get("p1.emulator")
    return [
        Row(
            PART,
            "moto S3 put_object(1 KiB)+get_object pair under mock_aws (vs part 1's mock_vod call)",
            ms(moto),
            ms(emulator) if emulator else "",
            moto / emulator if emulator else None,
            "for scale",
            "—",
            "ratio = moto pair / one mock_vod GetVideoInfo"
            if emulator
            else "part 1 did not run in this invocation",
        )
    ]
