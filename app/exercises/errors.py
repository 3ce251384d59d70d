from app.core.errors import NotFound


class ExerciseNotFound(NotFound):
    title = "Exercise not found"
    slug = "exercise-not-found"

    def __init__(self, slug: str) -> None:
        super().__init__(f"No exercise with slug '{slug}'.")
        self.exercise_slug = slug
