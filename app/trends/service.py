"""Trends for charts, over a window of days in the person's timezone."""

import uuid
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.checkins import service as checkins
from app.outcomes import scoring
from app.outcomes import service as outcomes
from app.progress.models import ProgressSession
from app.progress.schemas import DailyPain
from app.trends.schemas import (
    CheckinDays,
    CheckinPainPoint,
    PegTrend,
    PegWeek,
    Trends,
)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def session_pain(
    db: Session, user_id: uuid.UUID, date_from: date, date_to: date
) -> list[DailyPain]:
    day = col(ProgressSession.local_date)
    before, after = col(ProgressSession.pain_before), col(ProgressSession.pain_after)
    rows = db.exec(
        select(day, func.count(), func.avg(before), func.avg(after))
        .where(ProgressSession.user_id == user_id, day >= date_from, day <= date_to)
        .group_by(day)
        .order_by(day)
    ).all()
    return [
        DailyPain(
            date=d,
            sessions=n,
            average_pain_before=round(float(b), 2),
            average_pain_after=round(float(a), 2),
        )
        for d, n, b, a in rows
    ]


def peg_trend(db: Session, user_id: uuid.UUID, date_from: date, date_to: date) -> PegTrend:
    rows = outcomes.responses(db, user_id)
    if not rows:
        return PegTrend(baseline_date=None, baseline_score=None, weekly=[])
    baseline = rows[0]
    weeks: dict[date, list[int]] = {}
    for row in rows:
        if date_from <= row.local_date <= date_to:
            weeks.setdefault(week_start(row.local_date), []).append(outcomes.total(row))
    return PegTrend(
        baseline_date=baseline.local_date,
        baseline_score=round(outcomes.total(baseline) / 3, 2),
        weekly=[
            PegWeek(
                week_start=start,
                score=round(totals[-1] / 3, 2),
                count=len(totals),
                change_percent=scoring.change_percent(outcomes.total(baseline), totals[-1]),
            )
            for start, totals in sorted(weeks.items())
        ],
    )


def trends(db: Session, user: User, date_from: date, date_to: date) -> Trends:
    rows = checkins.checkins_between(db, user.id, date_from, date_to)
    days = (date_to - date_from).days + 1
    return Trends(
        date_from=date_from,
        date_to=date_to,
        checkin_pain=[CheckinPainPoint(date=r.local_date, pain=r.pain) for r in rows],
        session_pain=session_pain(db, user.id, date_from, date_to),
        peg=peg_trend(db, user.id, date_from, date_to),
        checkin_days=CheckinDays(
            days=days, with_checkin=len(rows), without_checkin=days - len(rows)
        ),
    )
