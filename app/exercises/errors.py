from app.core.errors import InvalidInput, NotFound, ServiceUnavailable


class ExerciseNotFound(NotFound):
    title = "Exercise not found"
    slug = "exercise-not-found"

    def __init__(self, slug: str) -> None:
        super().__init__("No exercise with slug '{slug}'.", slug=slug)
        self.exercise_slug = slug


class UnknownExercise(InvalidInput):
    """A request names a move the catalog does not have: a 422 naming that field."""

    def __init__(self, slug: str, loc: list[str | int]) -> None:
        super().__init__("No move with slug '{slug}' in the catalog.", loc=loc, slug=slug)


class ArticleNotLoaded(ServiceUnavailable):
    title = "Catalog not loaded"
    slug = "catalog-not-loaded"

    def __init__(self) -> None:
        super().__init__("The source article is missing from the database; load the seed data.")
