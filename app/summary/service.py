"""The progress summary with the safety state, adherence and the diary's trends: progress,
plans and trends composed above all three, so none imports another's summary."""

from datetime import datetime, timedelta

from sqlmodel import Session

from app.accounts.models import User
from app.core.clock import local_date
from app.plans import service as plans
from app.progress import service as progress
from app.safety import service as safety
from app.summary.schemas import ProgressSummary
from app.trends import service as trends


def summarize(db: Session, user: User, now: datetime, days: int) -> ProgressSummary:
    base = progress.session_figures(db, user, now, days)
    today = local_date(now, user.timezone)
    return ProgressSummary(
        **dict(base),
        safety=safety.safety_state(db, user.id, now),
        adherence=plans.adherence(db, user, now),
        trends=trends.trends(db, user, today - timedelta(days=days - 1), today),
    )
