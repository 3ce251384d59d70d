"""Safety concerns and what was reported with them are personal health data: in the account
export, removed with the account (and only with it)."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.core.personal_data import PersonalDataSource
from app.safety import service
from app.safety.models import SafetyConcern, SafetyReport


def _delete(session: Session, user_id: uuid.UUID) -> None:
    session.execute(delete(SafetyReport).where(col(SafetyReport.user_id) == user_id))
    session.execute(delete(SafetyConcern).where(col(SafetyConcern.user_id) == user_id))


PERSONAL_DATA = (
    PersonalDataSource(
        section="safety",
        tables=(SafetyConcern, SafetyReport),
        export=service.export_concerns,
        delete=_delete,
    ),
)
