"""The project's tagging rule: what a video is tagged with once its upload completes."""

from __future__ import annotations

UPLOADED = "uploaded"
# VOD allows at most 16 tags on a video.
MAX_TAGS = 16


def parse(tags: str | None) -> list[str]:
    return [tag.strip() for tag in (tags or "").split(",") if tag.strip()]


def after_upload(current: str | None, size: int) -> list[str]:
    """The video's tags plus ``uploaded`` and its size class, each once, in order."""
    added = [UPLOADED, "large" if size >= 100 * 1024 * 1024 else "small"]
    merged = parse(current)
    merged += [tag for tag in added if tag not in merged]
    return merged[:MAX_TAGS]
