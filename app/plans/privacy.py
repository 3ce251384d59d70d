"""The person's plans in the account export and deletion."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.plans import service
from app.plans.models import Plan, PlanPause
from app.shared.personal_data import PersonalDataSource


def _delete(db: Session, user_id: uuid.UUID) -> None:
    # Pauses and reminders go with their plan (ON DELETE CASCADE).
    db.execute(
        delete(Plan)
        .where(col(Plan.user_id) == user_id)
        .execution_options(synchronize_session=False)
    )


PERSONAL_DATA = (
    PersonalDataSource(
        section="plans",
        tables=(Plan, PlanPause),
        export=service.export_plans,
        delete=_delete,
    ),
)
