"""The person's plans in the account export and deletion."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.core.personal_data import PersonalDataSource
from app.plans import service
from app.plans.models import Plan, PlanPause


def _delete(session: Session, user_id: uuid.UUID) -> None:
    # Pauses and reminders go with their plan (ON DELETE CASCADE).
    session.execute(
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
