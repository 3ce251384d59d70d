"""Trends for charts: series from check-ins, PEG responses and sessions over a window of days
in the person's timezone (the progress summary carries them, app.summary)."""

from datetime import date

from pydantic import BaseModel, Field

from app.progress.schemas import DailyPain


class CheckinPainPoint(BaseModel):
    """Pain now on one day's check-in."""

    date: date
    pain: int


class PegWeek(BaseModel):
    """The PEG score of one week (Monday to Sunday, in your timezone)."""

    week_start: date = Field(description="The Monday the week begins on.")
    score: float = Field(description="The score of the week's latest response, 0 to 10.")
    count: int = Field(description="Responses that week.")
    change_percent: float | None = Field(
        description="Change from the baseline, in percent of it; negative is better. Null when "
        "the baseline score was 0."
    )


class PegTrend(BaseModel):
    """The PEG score per week, with the baseline it is compared with."""

    baseline_date: date | None = Field(description="Day of the first response; null with none.")
    baseline_score: float | None
    weekly: list[PegWeek] = Field(description="One point per week with a response, oldest first.")


class CheckinDays(BaseModel):
    """How many days of the window have a check-in."""

    days: int = Field(description="Days in the window.")
    with_checkin: int
    without_checkin: int


class Trends(BaseModel):
    """Series for charts over the requested window, days counted in your timezone."""

    date_from: date = Field(description="First day of the window.")
    date_to: date = Field(description="Last day of the window (today for the summary).")
    checkin_pain: list[CheckinPainPoint] = Field(
        description="Pain from daily check-ins, one point per day with a check-in, oldest first."
    )
    session_pain: list[DailyPain] = Field(
        description="Sessions' pain before and after, averaged per day with sessions: a "
        "separate series from the check-ins."
    )
    peg: PegTrend
    checkin_days: CheckinDays
