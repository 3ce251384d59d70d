from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class CareReferral(SQLModel, table=True):
    """Where to send someone whom self-guided exercise does not suit. Seed-owned, keyed by slug;
    the one with `is_default` is offered by triage."""

    __tablename__ = "care_referral"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    is_default: bool = False
    name: str = Field(max_length=200)
    location: str = Field(max_length=200)
    summary: str = Field(max_length=1000)
    offers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source_title: str = Field(max_length=200)
    source_section: str = Field(max_length=200)
