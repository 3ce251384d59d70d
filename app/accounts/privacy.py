"""What accounts keep about a person, for export and deletion (`app.privacy`)."""

import uuid

from sqlmodel import Session

from app.accounts import service
from app.accounts.models import AccountToken, ConsentRecord, EmailOutbox, RefreshToken, User
from app.accounts.schemas import UserPublic
from app.shared.personal_data import PersonalDataSource


def _user(db: Session, user_id: uuid.UUID) -> UserPublic:
    user = db.get(User, user_id)
    assert user is not None
    return service.to_public(user)


def _nothing(db: Session, user_id: uuid.UUID) -> None:
    """The account row itself goes last, after every domain removed its data."""


PERSONAL_DATA = (
    PersonalDataSource("user", (User,), _user, _nothing),
    PersonalDataSource(
        "sign_ins",
        (RefreshToken,),
        service.sign_in_records,
        lambda db, user_id: service.delete_rows(db, user_id, RefreshToken),
    ),
    PersonalDataSource(
        "consents",
        (ConsentRecord,),
        service.consent_history,
        lambda db, user_id: service.delete_rows(db, user_id, ConsentRecord),
    ),
    # Single-use links are only their hashes; the emails that carried them are listed.
    PersonalDataSource(
        "emails",
        (EmailOutbox, AccountToken),
        service.email_records,
        lambda db, user_id: service.delete_rows(db, user_id, EmailOutbox, AccountToken),
    ),
)
