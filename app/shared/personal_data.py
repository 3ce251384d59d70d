"""The personal data each domain keeps, for the account export and deletion.

A domain declares its data in its own `privacy.py` as `PERSONAL_DATA`, one
`PersonalDataSource` per kind: the export document's section it fills, the tables holding
the person's rows, how to export them and how to delete them. The app factory (`app.main`)
hands every domain's sources to the app, and the routes that act across domains (the export,
the deletion, withdrawing health-data consent) take them as the `PersonalData` dependency; a
test fails when a table with a `user_id` column is in no source.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlmodel import Session, SQLModel


@dataclass(frozen=True)
class PersonalDataSource:
    section: str
    """Key of this data in the export document."""
    tables: tuple[type[SQLModel], ...]
    """Tables whose rows belong to one person."""
    export: Callable[[Session, uuid.UUID], Any]
    """The section's content for one person (schemas, lists of schemas, plain JSON)."""
    delete: Callable[[Session, uuid.UUID], None]
    """Removes the person's rows in these tables (before the user row goes)."""
    on_health_data_withdrawn: Callable[[Session, uuid.UUID, datetime], None] | None = None
    """Ends, at that moment, what health-data consent allowed (share links), if anything."""


def personal_data(request: Request) -> tuple[PersonalDataSource, ...]:
    """Every domain's sources, as the app factory handed them over."""
    sources: tuple[PersonalDataSource, ...] = request.app.state.personal_data
    return sources


PersonalData = Annotated[tuple[PersonalDataSource, ...], Depends(personal_data)]
