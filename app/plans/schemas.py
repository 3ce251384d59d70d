import uuid
from datetime import date, time
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.contract.types import BoundedDate, StrictBoolean, Uuid, omittable
from app.core.clock import UtcDatetime
from app.plans.schedule import Weekday
from app.safety.schemas import SafetyState

# Plans a person may keep at once: enough for a morning and an evening routine every day.
MAX_PLANS = 20
LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"

LocalTime = Annotated[
    str,
    Field(
        min_length=5,
        max_length=5,
        pattern=LOCAL_TIME_PATTERN,
        description="Local time of day in your timezone, 24-hour `HH:MM`.",
        examples=["07:30"],
    ),
]
Weekdays = Annotated[
    list[Weekday],
    Field(
        min_length=1,
        max_length=7,
        description="Days of the week the routine is due on, each at most once.",
        json_schema_extra={"uniqueItems": True},
    ),
]

PLAN_EXAMPLE: dict[str, Any] = {
    "routine_id": "606f439d-4995-5d35-8605-6b0a16a6db54",
    "weekdays": ["mon", "wed", "fri"],
    "local_time": "07:30",
    "start_date": "2026-11-16",
    "end_date": None,
}


def parse_local_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _distinct(days: list[Weekday] | None) -> list[Weekday] | None:
    if days is not None and len(set(days)) != len(days):
        raise ValueError("names a weekday more than once")
    return days


class PlanCreate(BaseModel):
    """A routine to do on some weekdays at a local time."""

    model_config = ConfigDict(json_schema_extra={"examples": [PLAN_EXAMPLE]})

    routine_id: Uuid = Field(description="A curated routine or one of your own.")
    weekdays: Weekdays
    local_time: LocalTime
    start_date: BoundedDate | None = Field(
        default=None, description="First day the plan is due on (YYYY-MM-DD); today if omitted."
    )
    end_date: BoundedDate | None = Field(
        default=None, description="Last day it is due on; null for no end. Not before start_date."
    )
    paused: StrictBoolean = Field(default=False, description="Create it paused.")

    _weekdays = field_validator("weekdays")(_distinct)


class PlanUpdate(BaseModel):
    """Changes to a plan. Omitted fields stay as they are; `paused` pauses or resumes it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"paused": True}, {"weekdays": ["tue", "thu"], "local_time": "18:00"}]
        }
    )

    weekdays: Weekdays | None = Field(default=None, json_schema_extra=omittable)
    local_time: LocalTime | None = Field(default=None, json_schema_extra=omittable)
    start_date: BoundedDate | None = Field(
        default=None, description="New first day.", json_schema_extra=omittable
    )
    end_date: BoundedDate | None = Field(
        default=None, description="New last day; null removes the end."
    )
    paused: StrictBoolean | None = Field(
        default=None,
        description="true pauses the plan (no reminders, the days count neither as planned nor "
        "as missed); false resumes it.",
        json_schema_extra=omittable,
    )

    @field_validator("weekdays", "local_time", "start_date", "paused", mode="after")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be omitted but not null")
        return value

    _weekdays = field_validator("weekdays")(_distinct)


class PlanPublic(BaseModel):
    """A scheduled routine."""

    id: uuid.UUID
    routine_id: uuid.UUID
    routine_name: str
    weekdays: list[Weekday] = Field(description="Monday first.")
    local_time: str = Field(description="`HH:MM` in your timezone.")
    start_date: date
    end_date: date | None
    paused: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime


class PlanList(BaseModel):
    """The caller's plans, oldest first."""

    data: list[PlanPublic]
    count: int = Field(description=f"Number of plans (at most {MAX_PLANS}).")


class DuePlan(BaseModel):
    """A plan due on the day, and whether it is done."""

    plan_id: uuid.UUID
    routine_id: uuid.UUID
    routine_name: str
    local_time: str = Field(description="`HH:MM` in your timezone.")
    due_at: UtcDatetime = Field(description="The instant it is due.")
    done: bool = Field(
        description="A session with this routine is logged for the day (its `local_date`)."
    )
    session_ids: list[uuid.UUID] = Field(description="Those sessions, oldest first.")


class DuePlans(BaseModel):
    """What is due on one day in your timezone, earliest first. Paused plans are left out.
    While a concern in your safety state holds exercise, today and later days list nothing:
    `safety` says what to do instead."""

    date: date
    timezone: str
    safety: SafetyState = Field(
        description="Your safety state now (the same as GET /v1/me/safety): show its `message` "
        "first. With `exercise` `on_hold`, `data` is empty for today and later days."
    )
    data: list[DuePlan]
    done: int = Field(description="How many of them are done.")


class AdherenceWindow(BaseModel):
    """Done against planned over the last days, today included once done."""

    days: int
    planned: int = Field(
        description="Occurrences due: past days the plan was due on (not paused), and today's "
        "once it is done."
    )
    done: int = Field(description="Of those, days with a session of the plan's routine.")
    rate: float | None = Field(description="done / planned, 0 to 1; null when nothing was due.")


class PlanAdherence(BaseModel):
    """One plan's adherence."""

    plan_id: uuid.UUID
    routine_id: uuid.UUID
    routine_name: str
    paused: bool
    last_7_days: AdherenceWindow
    last_28_days: AdherenceWindow


class Adherence(BaseModel):
    """Sessions done against the plans, counted by day in your timezone."""

    last_7_days: AdherenceWindow = Field(description="Every plan together.")
    last_28_days: AdherenceWindow = Field(description="Every plan together.")
    plans: list[PlanAdherence]
