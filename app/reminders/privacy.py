"""The person's devices and reminder history in the account export and deletion."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col

from app.reminders import devices, history
from app.reminders.models import Device, Reminder, ReminderDelivery
from app.shared.personal_data import PersonalDataSource


def _delete_devices(db: Session, user_id: uuid.UUID) -> None:
    db.execute(
        delete(Device)
        .where(col(Device.user_id) == user_id)
        .execution_options(synchronize_session=False)
    )


def _delete_reminders(db: Session, user_id: uuid.UUID) -> None:
    # Deliveries go with their reminder (ON DELETE CASCADE).
    db.execute(
        delete(Reminder)
        .where(col(Reminder.user_id) == user_id)
        .execution_options(synchronize_session=False)
    )


PERSONAL_DATA = (
    PersonalDataSource(
        section="devices",
        tables=(Device,),
        export=lambda db, user_id: devices.list_devices(db, user_id).data,
        delete=_delete_devices,
    ),
    PersonalDataSource(
        section="reminders",
        tables=(Reminder, ReminderDelivery),
        export=history.export_reminders,
        delete=_delete_reminders,
    ),
)
