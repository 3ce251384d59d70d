import uuid

from app.core.errors import Conflict, InvalidInput, NotFound


class PlanNotFound(NotFound):
    """Also raised for another person's plan, so ids reveal nothing."""

    title = "Plan not found"
    slug = "plan-not-found"

    def __init__(self, plan_id: uuid.UUID) -> None:
        super().__init__("No plan with id '{plan_id}'.", plan_id=plan_id)


class TooManyPlans(Conflict):
    title = "Too many plans"
    slug = "too-many-plans"

    def __init__(self, limit: int) -> None:
        super().__init__(
            "You already have {limit} plans; delete one before adding another.", limit=limit
        )


class UnknownPlanRoutine(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "No such routine among the curated routines and your own.", loc=["body", "routine_id"]
        )


class EndBeforeStart(InvalidInput):
    def __init__(self) -> None:
        super().__init__("end_date must not be before start_date.", loc=["body", "end_date"])
