"""The sessions a person logged, for export and deletion (`app.privacy`)."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.core.personal_data import PersonalDataSource, register
from app.progress.models import ProgressSession, SessionTombstone
from app.progress.service import list_all_sessions


def _delete(session: Session, user_id: uuid.UUID) -> None:
    # The moves of each session go with it (ON DELETE CASCADE).
    for table, owner in (
        (SessionTombstone, SessionTombstone.user_id),
        (ProgressSession, ProgressSession.user_id),
    ):
        session.execute(
            delete(table).where(col(owner) == user_id).execution_options(synchronize_session=False)
        )


register(
    PersonalDataSource("sessions", (ProgressSession, SessionTombstone), list_all_sessions, _delete)
)
