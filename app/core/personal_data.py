"""Where each domain declares the personal data it keeps, for export and deletion.

A domain registers one `PersonalDataSource` per kind of data, from its own `privacy.py`:
the export document's section it fills, the tables holding the person's rows, how to export
them and how to delete them. The account export and deletion, which live above every domain,
walk the registry, so a new domain joins both without editing accounts; a test fails when a
table with a `user_id` column is in no source.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


_SOURCES: dict[str, PersonalDataSource] = {}


def register(source: PersonalDataSource) -> PersonalDataSource:
    existing = _SOURCES.get(source.section)
    if existing is not None and existing != source:
        raise ValueError(f"personal data section {source.section!r} registered twice")
    _SOURCES[source.section] = source
    return source


def sources() -> list[PersonalDataSource]:
    """Every registered source, in registration order."""
    return list(_SOURCES.values())
