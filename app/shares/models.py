"""Share links: what a person shares with a clinician, for how long, and every opening."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, Uuid
from sqlmodel import Field, SQLModel

from app.accounts.models import User


class ShareScope(StrEnum):
    """What a link shows: `summary` (the headline figures), `diary` (daily pain, areas and
    notes), `peg` (PEG responses and scores), `sessions` (sessions with their moves), `safety`
    (warning signs reported and open safety concerns)."""

    SUMMARY = "summary"
    DIARY = "diary"
    PEG = "peg"
    SESSIONS = "sessions"
    SAFETY = "safety"


class ShareEnd(StrEnum):
    """Why a link stopped working before it expired."""

    REVOKED = "revoked"
    CONSENT_WITHDRAWN = "consent_withdrawn"


class ShareOpened(StrEnum):
    """What was opened through a link: the page, the PDF, the CSV or the FHIR bundle."""

    PAGE = "page"
    PDF = "pdf"
    CSV = "csv"
    FHIR = "fhir"


class ShareClient(StrEnum):
    """The kind of client that opened a link, told from its User-Agent (nothing else of it is
    kept): `browser`, `fhir_client` (a FHIR library or record system), `script` (curl, an
    HTTP library) or `unknown`."""

    BROWSER = "browser"
    FHIR_CLIENT = "fhir_client"
    SCRIPT = "script"
    UNKNOWN = "unknown"


def _owner() -> Column[uuid.UUID]:
    return Column(Uuid, ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"), nullable=False)


class ClinicianShare(SQLModel, table=True):
    """A read-only link to part of a person's diary. Only the SHA-256 of its token is kept."""

    __tablename__ = "clinician_share"
    __table_args__ = (Index("ix_clinician_share_user_created", "user_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=_owner())
    token_hash: str = Field(max_length=64, unique=True)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    date_from: date = Field(sa_column=Column(Date, nullable=False))
    date_to: date = Field(sa_column=Column(Date, nullable=False))
    clinician_email: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    ended_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    ended_by: str | None = Field(default=None, max_length=32)


class ClinicianShareAccess(SQLModel, table=True):
    """One opening of a link: when, what, and the kind of client (no address, no raw
    User-Agent)."""

    __tablename__ = "clinician_share_access"
    __table_args__ = (Index("ix_clinician_share_access_share", "share_id", "accessed_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    share_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("clinician_share.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: uuid.UUID = Field(sa_column=_owner())
    accessed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    opened: str = Field(max_length=16)
    client: str = Field(max_length=16)
