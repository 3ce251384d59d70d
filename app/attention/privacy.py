"""Attention items are derived from check-ins, PEG responses and sessions; what is stored is
when the person acknowledged each. Both are in the export; the acknowledgements go with the
account."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.attention import service
from app.attention.models import AttentionAcknowledgement
from app.shared.personal_data import PersonalDataSource


def _delete(db: Session, user_id: uuid.UUID) -> None:
    db.execute(
        delete(AttentionAcknowledgement).where(col(AttentionAcknowledgement.user_id) == user_id)
    )


PERSONAL_DATA = (
    PersonalDataSource(
        section="attention",
        tables=(AttentionAcknowledgement,),
        export=service.export_items,
        delete=_delete,
    ),
)
