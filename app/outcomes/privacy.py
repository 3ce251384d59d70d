"""PEG responses are personal health data: in the account export, removed with the account."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.core.personal_data import PersonalDataSource
from app.outcomes import service
from app.outcomes.models import PegResponse


def _delete(session: Session, user_id: uuid.UUID) -> None:
    session.execute(delete(PegResponse).where(col(PegResponse.user_id) == user_id))


PERSONAL_DATA = (
    PersonalDataSource(
        section="peg_responses",
        tables=(PegResponse,),
        export=service.export_responses,
        delete=_delete,
    ),
)
