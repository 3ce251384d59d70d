"""Safety concerns and what was reported with them are personal health data: in the account
export, removed with the account (and only with it)."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.safety import service
from app.safety.models import SafetyConcern, SafetyReport
from app.shared.personal_data import PersonalDataSource


def _delete(db: Session, user_id: uuid.UUID) -> None:
    db.execute(delete(SafetyReport).where(col(SafetyReport.user_id) == user_id))
    db.execute(delete(SafetyConcern).where(col(SafetyConcern.user_id) == user_id))


PERSONAL_DATA = (
    PersonalDataSource(
        section="safety",
        tables=(SafetyConcern, SafetyReport),
        export=service.export_concerns,
        delete=_delete,
    ),
)
