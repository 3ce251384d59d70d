"""Export and deletion, walking what every domain declared."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from app.accounts import service as accounts_service
from app.accounts.models import User
from app.privacy.schemas import AccountExport
from app.shared.personal_data import PersonalDataSource


def export_account(
    db: Session, user: User, now: datetime, sources: Sequence[PersonalDataSource]
) -> AccountExport:
    """One section per source; each comes from its own query."""
    sections = {source.section: source.export(db, user.id) for source in sources}
    return AccountExport(exported_at=now, **sections)


def delete_account(db: Session, user: User, sources: Sequence[PersonalDataSource]) -> None:
    """Each domain deletes its rows in SQL (last source first), then the account row."""
    for source in reversed(sources):
        source.delete(db, user.id)
    accounts_service.delete_user(db, user)
