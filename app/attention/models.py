import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Uuid
from sqlmodel import Field, SQLModel

from app.accounts.models import User


class AttentionAcknowledgement(SQLModel, table=True):
    """A person has seen an attention item. Items themselves are derived from the diary on
    every read (app.attention.rules); only the acknowledgement is stored."""

    __tablename__ = "attention_acknowledgement"

    user_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"), primary_key=True
        )
    )
    item_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    kind: str = Field(max_length=32)
    acknowledged_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
