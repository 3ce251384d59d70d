"""Check-ins are personal health data: in the account export, removed with the account."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.checkins import service
from app.checkins.models import Checkin
from app.shared.personal_data import PersonalDataSource


def _delete(db: Session, user_id: uuid.UUID) -> None:
    db.execute(delete(Checkin).where(col(Checkin.user_id) == user_id))


PERSONAL_DATA = (
    PersonalDataSource(
        section="checkins", tables=(Checkin,), export=service.export_checkins, delete=_delete
    ),
)
