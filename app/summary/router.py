from typing import Annotated

from fastapi import APIRouter, Query

from app.accounts.dependencies import CurrentUser
from app.core.clock import NowDep
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.summary import service
from app.summary.schemas import ProgressSummary

router = APIRouter(tags=["progress"])


@router.get(
    "/progress/summary",
    response_model=ProgressSummary,
    summary="Progress summary",
    responses=problem_responses(401, 422),
)
def get_summary(
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    days: Annotated[
        int,
        Query(ge=1, le=366, description="Days of daily pain to return, ending today (1-366)."),
    ] = 30,
) -> ProgressSummary:
    """Totals, streaks (days counted in your timezone), pain trends, flare-ups and how often
    each move was done, all from your logged sessions; and adherence: sessions done against
    your plans over the last 7 and 28 days."""
    return service.summarize(db, user, now, days)
