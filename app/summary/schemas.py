from pydantic import Field

from app.plans.schemas import Adherence
from app.progress.schemas import SessionFigures
from app.safety.schemas import SafetyState
from app.trends.schemas import Trends


class ProgressSummary(SessionFigures):
    """How the user is doing, computed from every session they logged, how closely they keep
    to their plans, and the trends of their pain diary."""

    safety: SafetyState = Field(
        description="Your safety state now (the same as GET /v1/me/safety): the concerns open, "
        'whether exercise is on hold, and whether a follow-up ("Were you seen?") is due.'
    )
    adherence: Adherence = Field(
        description="Done against planned over the last 7 and 28 days, per plan and overall."
    )
    trends: Trends = Field(
        description="Over the same window as `daily_pain` (`days`, ending today): daily pain "
        "from check-ins, the sessions' pain before and after, the PEG score per week with its "
        "baseline, and days with and without a check-in."
    )
