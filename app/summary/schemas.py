from pydantic import Field

from app.plans.schemas import Adherence
from app.progress import schemas as progress


class ProgressSummary(progress.ProgressSummary):
    """How the user is doing, computed from every session they logged, and how closely they
    keep to their plans."""

    adherence: Adherence = Field(
        description="Done against planned over the last 7 and 28 days, per plan and overall."
    )
