"""The progress summary with adherence: progress and plans composed above both, so neither
domain imports the other's summary."""

from datetime import datetime

from sqlmodel import Session

from app.accounts.models import User
from app.plans import service as plans
from app.progress import service as progress
from app.summary.schemas import ProgressSummary


def summarize(session: Session, user: User, now: datetime, days: int) -> ProgressSummary:
    base = progress.summarize(session, user, now, days)
    return ProgressSummary(**dict(base), adherence=plans.adherence(session, user, now))
