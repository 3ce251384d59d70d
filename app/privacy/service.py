"""Export and deletion, walking what every domain registered."""

from datetime import datetime

from sqlmodel import Session

from app.accounts import service as accounts_service
from app.accounts.models import User
from app.privacy.domains import all_sources
from app.privacy.schemas import AccountExport


def export_account(session: Session, user: User, now: datetime) -> AccountExport:
    """One section per registered source; each comes from its own query."""
    sections = {source.section: source.export(session, user.id) for source in all_sources()}
    return AccountExport(exported_at=now, **sections)


def delete_account(session: Session, user: User) -> None:
    """Each domain deletes its rows in SQL (last registered first), then the account row."""
    for source in reversed(all_sources()):
        source.delete(session, user.id)
    accounts_service.delete_user(session, user)
