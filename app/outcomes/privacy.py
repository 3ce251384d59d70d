"""PEG responses are personal health data: in the account export, removed with the account."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.outcomes import service
from app.outcomes.models import PegResponse
from app.shared.personal_data import PersonalDataSource


def _delete(db: Session, user_id: uuid.UUID) -> None:
    db.execute(delete(PegResponse).where(col(PegResponse.user_id) == user_id))


PERSONAL_DATA = (
    PersonalDataSource(
        section="peg_responses",
        tables=(PegResponse,),
        export=service.export_responses,
        delete=_delete,
    ),
)
