"""Query parameters shared by list endpoints."""

from typing import Annotated

from fastapi import Query

MAX_PAGE_SIZE = 100

Limit = Annotated[
    int,
    Query(ge=1, le=MAX_PAGE_SIZE, description=f"Page size, 1 to {MAX_PAGE_SIZE}."),
]
Offset = Annotated[
    int,
    Query(ge=0, le=100_000, description="Number of items to skip (0 or more)."),
]
