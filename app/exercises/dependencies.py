from typing import Annotated

from fastapi import Path

from app.contract.types import NO_NUL_PATTERN

ExerciseSlug = Annotated[
    str,
    Path(
        description="Exercise slug, e.g. `cat-camel`, or one of the move's other names "
        "from the article, e.g. `hairballs` (answered with a redirect to the slug).",
        max_length=64,
        pattern=NO_NUL_PATTERN,
        examples=["cat-camel"],
    ),
]
