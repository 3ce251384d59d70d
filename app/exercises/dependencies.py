from typing import Annotated

from fastapi import Depends, Path

from app.core.db import SessionDep
from app.core.errors import raises
from app.core.types import NO_NUL_PATTERN
from app.exercises import service
from app.exercises.errors import ExerciseNotFound


@raises(ExerciseNotFound)
def found_exercise(
    session: SessionDep,
    slug: Annotated[
        str,
        Path(
            description="Exercise slug, e.g. `cat-camel`, or one of the move's other names "
            "from the article, e.g. `hairballs` (answered with a redirect to the slug).",
            max_length=64,
            pattern=NO_NUL_PATTERN,
            examples=["cat-camel"],
        ),
    ],
) -> service.Found:
    return service.find_exercise(session, slug)


FoundExercise = Annotated[service.Found, Depends(found_exercise)]
