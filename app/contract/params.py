"""Query parameters shared by list endpoints."""

from typing import Annotated

from fastapi import Query

from app.shared.sync import TOKEN_MAX_LENGTH, TOKEN_PATTERN, TOMBSTONE_DAYS

MAX_PAGE_SIZE = 100

Limit = Annotated[
    int,
    Query(ge=1, le=MAX_PAGE_SIZE, description=f"Page size, 1 to {MAX_PAGE_SIZE}."),
]
Offset = Annotated[
    int,
    Query(ge=0, le=100_000, description="Number of items to skip (0 or more)."),
]

Cursor = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=TOKEN_MAX_LENGTH,
        pattern=TOKEN_PATTERN,
        description="`next_cursor` of the previous page: the page after it, in the same order "
        "(send the same other parameters). Stable while items are added or removed meanwhile; "
        "`offset` then counts from the cursor.",
    ),
]
ChangedSince = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=TOKEN_MAX_LENGTH,
        pattern=TOKEN_PATTERN,
        description="`sync_token` from the last page of your previous walk: only what changed "
        "since, in change order, with deletions in `deleted`. Takes no filters. A token over "
        f"{TOMBSTONE_DAYS} days old is refused with 410: sync again from the start.",
    ),
]
