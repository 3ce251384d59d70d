import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, UniqueConstraint, Uuid
from sqlmodel import Field, SQLModel

from app.accounts.models import User
from app.core.clock import utcnow
from app.core.db import check_one_of
from app.plans.models import Plan


class Platform(StrEnum):
    """Where a push token comes from."""

    IOS = "ios"
    ANDROID = "android"
    WEB = "web"


class Device(SQLModel, table=True):
    """A push token of one of the person's devices. A token belongs to one account at a time:
    registered again by another account (a phone changed hands), it moves there."""

    __tablename__ = "device"
    __table_args__ = (check_one_of("platform", Platform),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid,
            ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    token: str = Field(max_length=1024)
    # SHA-256 of the token: unique, and short enough for any index whatever the token's size.
    token_sha256: str = Field(max_length=64, unique=True)
    platform: str = Field(max_length=16)
    app_version: str = Field(max_length=32)
    locale: str = Field(max_length=35)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    registered_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class ReminderStatus(StrEnum):
    """Where a reminder is: `pending` waits for a worker; `sending` is claimed by one (until
    its lease runs out); `sent`, `skipped` (done already, paused, no device, or exercise on
    hold while a safety concern is open) and `failed` (gave up) are final."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


class Reminder(SQLModel, table=True):
    """The reminder for one occurrence of a plan. At most one per plan and local date, held by
    the database: two workers, or one restarted, can never create a second."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("plan_id", "local_date"),
        check_one_of("status", ReminderStatus),
        Index("ix_reminder_status_due", "status", "due_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    plan_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey(f"{Plan.__tablename__}.id", ondelete="CASCADE"), nullable=False
        )
    )
    user_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid,
            ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    local_date: date = Field(sa_column=Column(Date, nullable=False))
    due_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    status: str = Field(default=ReminderStatus.PENDING.value, max_length=16)
    attempts: int = 0
    # Who holds the claim (a fresh id per claim) and since when: a claim older than the lease
    # is a worker that died, and another may take the reminder over.
    claim_token: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    claimed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    outcome: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class DeliveryStatus(StrEnum):
    """What the sender reported for one device."""

    DELIVERED = "delivered"
    FAILED = "failed"
    INVALID_TOKEN = "invalid_token"


class ReminderDelivery(SQLModel, table=True):
    """The outcome of sending one reminder to one device. A retried reminder skips the devices
    it already reached."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (
        UniqueConstraint("reminder_id", "device_id"),
        check_one_of("status", DeliveryStatus),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    reminder_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("reminder.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    # Kept, without the link, when the device is removed.
    device_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(Uuid, ForeignKey("device.id", ondelete="SET NULL"), nullable=True),
    )
    platform: str = Field(max_length=16)
    status: str = Field(max_length=16)
    attempts: int
    detail: str | None = Field(default=None, max_length=200)
    finished_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
