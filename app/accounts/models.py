import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow


class User(SQLModel, table=True):
    """A person with an account. `user` is reserved in PostgreSQL, hence `user_account`."""

    __tablename__ = "user_account"

    # Random ids: they reveal neither how many accounts exist nor in which order they came.
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # Stored lower-cased, so the unique constraint makes sign-up case-insensitive.
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=255)
    display_name: str | None = Field(default=None, max_length=100)
    # IANA name; streaks and daily series count days in this zone.
    timezone: str = Field(default="UTC", max_length=64)
    usual_areas: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Optional; the safety screen uses the age it gives when a request leaves `age` out.
    birth_year: int | None = None
    # ISO 3166-1 alpha-2: the care routes the answers name.
    region: str | None = Field(default=None, max_length=2)
    # A supported language (`es`): emails and reminders are written in it.
    language: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # When the person followed the link sent to this address; changing it would clear it.
    email_verified_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # Explicit consent to process health data (pain, sessions, check-ins, plans), or None:
    # the latest of the consent records for that purpose, kept here so every write can check it
    # without reading the history.
    health_data_consent_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class RefreshToken(SQLModel, table=True):
    """One refresh token. Only its SHA-256 is stored, so a database leak yields no usable
    token. Every rotation adds a row to the same family; presenting a token that was already
    used means someone else holds a copy, and the whole family is revoked."""

    __tablename__ = "refresh_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    family_id: uuid.UUID = Field(index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # Set when the token is exchanged for a new pair; a second exchange is a reuse.
    used_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # What the person signed in on (the sign-in's `device` field or its User-Agent), copied
    # to every token of the family so the sign-in can be recognised in the list.
    device: str | None = Field(default=None, max_length=200)


def _user_fk(nullable: bool = False) -> Column:
    return Column(
        Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=nullable, index=True
    )


class AccountTokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    EMAIL_VERIFICATION = "email_verification"


class AccountToken(SQLModel, table=True):
    """A single-use token sent by email (password reset, address verification). Like refresh
    tokens, only its SHA-256 is stored; the first use claims it."""

    __tablename__ = "account_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=_user_fk())
    purpose: str = Field(max_length=32)
    token_hash: str = Field(max_length=64, unique=True)
    # The address the link went to: verifying it proves this address, not a later one.
    email: str = Field(max_length=254)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    used_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class EmailOutbox(SQLModel, table=True):
    """An email to send, written in the same transaction as the change it tells about and
    delivered after the commit; a failed send is retried and a sent one never goes twice."""

    __tablename__ = "email_outbox"
    __table_args__ = (Index("ix_email_outbox_status_next", "status", "next_attempt_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID | None = Field(default=None, sa_column=_user_fk(nullable=True))
    to_address: str = Field(max_length=254)
    template: str = Field(max_length=64)
    subject: str = Field(max_length=200)
    # Erased once sent: they may carry a single-use link.
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = 0
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    claimed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    sent_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    last_error: str | None = Field(default=None, max_length=500)
    # The W3C traceparent of the request that queued it, so the send links to that trace.
    trace_parent: str | None = Field(default=None, max_length=55)
    # The single-use token whose link the body carries. The body holds a placeholder, never the
    # token: a new token is drawn when the message is sent, and only its hash is stored.
    account_token_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(
            Uuid, ForeignKey("account_token.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )


class PolicyKind(StrEnum):
    """A kind of document people accept: the terms of use or the privacy notice."""

    TERMS = "terms"
    PRIVACY_NOTICE = "privacy_notice"


class ConsentPurpose(StrEnum):
    """What a consent is for: the terms, the privacy notice, storing health data, or sharing
    part of the diary with a clinician."""

    TERMS = "terms"
    PRIVACY_NOTICE = "privacy_notice"
    # Explicit consent to process health data (GDPR art. 9(2)(a)), given under the privacy
    # notice's version.
    HEALTH_DATA = "health_data"
    # Recorded when the person creates a link for a clinician (under the privacy notice's
    # version); given only that way, never through the consents endpoint.
    SHARE_WITH_CLINICIAN = "share_with_clinician"


class GrantablePurpose(StrEnum):
    """What a person consents to on its own: the terms, the privacy notice, or storing health
    data. (A share with a clinician is consented to by creating the share.)"""

    TERMS = "terms"
    PRIVACY_NOTICE = "privacy_notice"
    HEALTH_DATA = "health_data"


class PolicyDocument(SQLModel, table=True):
    """A published version of the terms or the privacy notice (from `seed/policies.json`).
    The newest published version of each kind is the one people accept."""

    __tablename__ = "policy_document"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    version: str = Field(max_length=32)
    title: str = Field(max_length=200)
    url: str = Field(max_length=500)
    published_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ConsentRecord(SQLModel, table=True):
    """One consent given or withdrawn, never changed afterwards: the history is the proof."""

    __tablename__ = "consent_record"
    __table_args__ = (Index("ix_consent_record_user_recorded", "user_id", "recorded_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    )
    purpose: str = Field(max_length=32)
    version: str = Field(max_length=32)
    granted: bool = Field(sa_column=Column(Boolean, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
