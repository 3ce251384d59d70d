"""The routines a person made, for export and deletion (`app.privacy`)."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.routines.models import Routine, RoutineTombstone
from app.routines.service import list_owned_routines
from app.shared.personal_data import PersonalDataSource


def _delete(db: Session, user_id: uuid.UUID) -> None:
    # Steps and areas go with their routine (ON DELETE CASCADE).
    for table, owner in (
        (RoutineTombstone, RoutineTombstone.owner_id),
        (Routine, Routine.owner_id),
    ):
        db.execute(
            delete(table).where(col(owner) == user_id).execution_options(synchronize_session=False)
        )


PERSONAL_DATA = (
    PersonalDataSource("routines", (Routine, RoutineTombstone), list_owned_routines, _delete),
)
