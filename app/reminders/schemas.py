import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.clock import UtcDatetime
from app.reminders.models import DeliveryStatus, Platform, ReminderStatus

# Phones and browsers one person keeps registered; registering one more drops the one
# registered least recently (reinstalled apps leave stale tokens behind).
MAX_DEVICES = 10

DEVICE_EXAMPLE: dict[str, Any] = {
    "token": "f3b9c2d1e4a5968778695a4b3c2d1e0ff3b9c2d1e4a5968778695a4b3c2d1e0f",
    "platform": "ios",
    "app_version": "2.3.1",
    "locale": "de-DE",
}


class DeviceRegister(BaseModel):
    """A push token of the device the app runs on."""

    model_config = ConfigDict(json_schema_extra={"examples": [DEVICE_EXAMPLE]})

    token: Annotated[str, Field(min_length=1, max_length=1024, pattern=r"^[!-~]+$")] = Field(
        description="The push token from APNs, FCM or the browser's push service (printable "
        "ASCII, no spaces)."
    )
    platform: Platform
    app_version: Annotated[
        str, Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")
    ] = Field(description="The app's version, e.g. `2.3.1`.")
    locale: Annotated[
        str,
        Field(min_length=2, max_length=35, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$"),
    ] = Field(description="BCP 47 language tag the app shows, e.g. `de-DE`.")


class DevicePublic(BaseModel):
    """A registered device."""

    id: uuid.UUID
    token: str
    platform: Platform
    app_version: str
    locale: str
    created_at: UtcDatetime = Field(description="When this account first registered it.")
    registered_at: UtcDatetime = Field(description="When it was last registered.")


class DeviceList(BaseModel):
    """Your registered devices, most recently registered first."""

    data: list[DevicePublic]
    count: int = Field(description=f"Number of devices (at most {MAX_DEVICES}).")


class DeliveryPublic(BaseModel):
    """What happened when a reminder went to one device."""

    device_id: uuid.UUID | None = Field(description="Null once the device was removed.")
    platform: Platform
    status: DeliveryStatus
    attempts: int
    detail: str | None
    finished_at: UtcDatetime


REMINDER_EXAMPLE: dict[str, Any] = {
    "id": "8d2f6a41-3c7e-4b15-9a08-51e6c4b7d932",
    "plan_id": "e4a7c1d2-9b35-4f68-8c21-7d0e3a6b5f94",
    "local_date": "2026-11-23",
    "due_at": "2026-11-23T13:30:00Z",
    "status": "sent",
    "attempts": 1,
    "outcome": None,
    "finished_at": "2026-11-23T13:30:04Z",
    "deliveries": [
        {
            "device_id": "5f0c2b7e-8a14-4d39-b6e2-93c1d7a4f805",
            "platform": "ios",
            "status": "delivered",
            "attempts": 1,
            "detail": None,
            "finished_at": "2026-11-23T13:30:04Z",
        },
        {
            "device_id": None,
            "platform": "android",
            "status": "invalid_token",
            "attempts": 1,
            "detail": "the push service no longer knows this token",
            "finished_at": "2026-11-23T13:30:03Z",
        },
    ],
}


class ReminderPublic(BaseModel):
    """One reminder of a plan's occurrence (in the account export)."""

    model_config = ConfigDict(json_schema_extra={"examples": [REMINDER_EXAMPLE]})

    id: uuid.UUID
    plan_id: uuid.UUID
    local_date: date
    due_at: UtcDatetime
    status: ReminderStatus
    attempts: int
    outcome: str | None
    finished_at: UtcDatetime | None
    deliveries: list[DeliveryPublic]
