from typing import Annotated

from fastapi import Depends, Path

from app.core.db import SessionDep
from app.core.types import NO_NUL_PATTERN
from app.exercises import service
from app.exercises.models import Exercise


def valid_exercise(
    session: SessionDep,
    slug: Annotated[
        str,
        Path(
            description="Exercise slug, e.g. `cat-camel`.",
            max_length=64,
            pattern=NO_NUL_PATTERN,
            examples=["cat-camel"],
        ),
    ],
) -> Exercise:
    return service.get_exercise(session, slug)


ExerciseDep = Annotated[Exercise, Depends(valid_exercise)]
