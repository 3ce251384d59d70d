"""The sessions a person logged, for export and deletion (`app.privacy`).

The kept figures (totals, days, move counts, streaks) are computed from the sessions: they
go with them, and the export carries the sessions they come from.
"""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.progress.models import (
    ProgressDay,
    ProgressExerciseCount,
    ProgressSession,
    ProgressStreak,
    ProgressTotals,
    SessionTombstone,
)
from app.progress.service import list_all_sessions
from app.shared.personal_data import PersonalDataSource

TABLES = (
    ProgressSession,
    SessionTombstone,
    ProgressTotals,
    ProgressDay,
    ProgressExerciseCount,
    ProgressStreak,
)


def _delete(db: Session, user_id: uuid.UUID) -> None:
    # The moves of each session go with it (ON DELETE CASCADE).
    for table in reversed(TABLES):
        db.execute(
            delete(table)
            .where(col(table.user_id) == user_id)
            .execution_options(synchronize_session=False)
        )


PERSONAL_DATA = (PersonalDataSource("sessions", TABLES, list_all_sessions, _delete),)
