"""Reminder history, as the person sees it in their export."""

import uuid

from sqlmodel import Session, col, select

from app.reminders.models import (
    DeliveryStatus,
    Platform,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
)
from app.reminders.schemas import DeliveryPublic, ReminderPublic


def export_reminders(db: Session, user_id: uuid.UUID) -> list[ReminderPublic]:
    """Every reminder of the person's plans, oldest first, with each device's outcome."""
    reminders = db.exec(
        select(Reminder)
        .where(Reminder.user_id == user_id)
        .order_by(col(Reminder.due_at), col(Reminder.id))
    ).all()
    deliveries: dict[uuid.UUID, list[DeliveryPublic]] = {r.id: [] for r in reminders}
    if reminders:
        rows = db.exec(
            select(ReminderDelivery)
            .where(col(ReminderDelivery.reminder_id).in_(list(deliveries)))
            .order_by(col(ReminderDelivery.finished_at), col(ReminderDelivery.id))
        ).all()
        for d in rows:
            deliveries[d.reminder_id].append(
                DeliveryPublic(
                    device_id=d.device_id,
                    platform=Platform(d.platform),
                    status=DeliveryStatus(d.status),
                    attempts=d.attempts,
                    detail=d.detail,
                    finished_at=d.finished_at,
                )
            )
    return [
        ReminderPublic(
            id=r.id,
            plan_id=r.plan_id,
            local_date=r.local_date,
            due_at=r.due_at,
            status=ReminderStatus(r.status),
            attempts=r.attempts,
            outcome=r.outcome,
            finished_at=r.finished_at,
            deliveries=deliveries[r.id],
        )
        for r in reminders
    ]
