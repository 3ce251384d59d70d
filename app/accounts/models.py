import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Uuid
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
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
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
