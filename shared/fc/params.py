"""Parameters several operation functions share, declared once (VOD's names, limits and enums).

Lists that ``shared`` sends in chunks of 20 are capped at :data:`MAX_IDS` per invocation: more would be
split into so many VOD requests that the invocation risks FC's timeout halfway through a batch.
"""

from __future__ import annotations

from .. import validation
from .schema import Field

MAX_IDS = 200


def ids(name: str, description: str, *, limit: int = MAX_IDS, required: bool = False) -> Field:
    """A list of IDs (JSON array or comma-separated string) capped at ``limit``."""
    return Field(
        name,
        "strings",
        required=required,
        description=description,
        max_items=limit,
        too_many_code=f"{name}ExceededMax",
    )


VIDEO_ID = Field("VideoId", required=True, description="The video's ID.")
VIDEO_IDS = ids("VideoIds", "Video IDs.")
REFERENCE_IDS = ids("ReferenceIds", "Custom reference IDs (6-64 characters of A-Z a-z 0-9 _ -).")
OUTPUT_TYPE = Field(
    "OutputType", choices=validation.OUTPUT_TYPES, description="URL type: oss (origin) or cdn (default)."
)
AUTH_TIMEOUT = Field("AuthTimeout", "integer", minimum=1, description="Validity of signed URLs, in seconds.")
PAGE_NO = Field("PageNo", "integer", minimum=1, description="Page number, from 1 (default 1).")
PAGE_SIZE = Field(
    "PageSize",
    "integer",
    minimum=1,
    maximum=validation.MAX_PAGE_SIZE,
    description=f"Items per page, 1-{validation.MAX_PAGE_SIZE} (default 10).",
)
TITLE = Field("Title", description="Title, at most 128 bytes of UTF-8.")
DESCRIPTION = Field("Description", description="Description, at most 1024 bytes of UTF-8.")
TAGS = Field("Tags", "strings", description="Tags: at most 16, each at most 32 bytes.")
CATE_ID = Field("CateId", "integer", description="Category ID.")
UPDATE_CONTENT_LIMIT = MAX_IDS
