"""Reminders, exactly once: what comes due, claiming one, sending it, recording the outcome.

The guarantee comes from the database, not from the job queue:

- one `reminder` row per plan and local date (a unique key), inserted with "on conflict do
  nothing", so any number of workers scanning at once, or one scanning again after a
  restart, create it once;
- a worker sends only after claiming the row: an UPDATE from `pending` (or from `sending`
  whose lease ran out) to `sending` with a fresh claim token. The database lets exactly one
  such UPDATE match, so two workers never both send;
- each device's outcome is committed as soon as it is known, and a retry skips the devices
  already reached. A worker that dies between claim and send leaves the row `sending`; when
  the lease runs out the reminder is claimed again and sent, once.

What is left is the instant between a gateway accepting a notification and the outcome being
committed: a worker dying exactly there sends that device a second copy on retry, with the
same `Idempotency-Key` so the gateway can drop it.

The job queue (app.worker) only decides when these functions run: a periodic scan, and one
task per reminder, retried with a delay while some device could not be reached.
"""

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, and_, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core.clock import as_utc, utcnow
from app.core.db import writing
from app.core.observability import REMINDERS
from app.i18n import person_language
from app.i18n.catalog import translate
from app.plans import service as plans
from app.plans.models import Plan
from app.plans.schedule import occurrences_between
from app.reminders import devices
from app.reminders.models import (
    DeliveryStatus,
    Device,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
)
from app.reminders.senders import Notification, Sender
from app.safety import service as safety
from app.safety.logic import FOLLOW_UP_QUESTION

logger = logging.getLogger("app.reminders")


@dataclass(frozen=True)
class Policy:
    """How late a reminder may still go out, and how a stuck one is taken over."""

    catch_up: timedelta = timedelta(minutes=30)
    """Occurrences due this long ago are still reminded of (a worker that was down for a
    while catches up); older ones are not."""
    give_up: timedelta = timedelta(hours=2)
    """A reminder not sent this long after it was due is marked failed."""
    lease: timedelta = timedelta(minutes=5)
    """A claim older than this belongs to a worker that died; another takes it over. Longer
    than sending to every device of one person can take."""
    max_attempts: int = 5
    """Claims of one reminder before it is marked failed."""


class Result(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"
    NOT_CLAIMED = "not_claimed"
    """Another worker holds it, or it is finished."""


class RetryLater(Exception):
    """Some device could not be reached yet; the reminder is pending again."""


def _insert_new(db: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Reminder)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["plan_id", "local_date"])
    )
    db.execute(statement)


def _candidate_plans(db: Session, now: datetime, policy: Policy) -> Sequence[Any]:
    # Local dates are within a day of UTC's, which bounds the dates worth looking at.
    earliest = (now - policy.catch_up).date() - timedelta(days=1)
    latest = now.date() + timedelta(days=1)
    return db.exec(
        select(Plan, User.timezone)
        .join(User, col(User.id) == Plan.user_id)
        .where(
            col(Plan.paused).is_(False),
            col(Plan.start_date) <= latest,
            or_(col(Plan.end_date).is_(None), col(Plan.end_date) >= earliest),
        )
    ).all()


def schedule_due(engine: Engine, now: datetime, policy: Policy = Policy()) -> list[uuid.UUID]:
    """Create the reminders of occurrences that came due in the catch-up window, mark the
    ones past hope failed, and return the ids waiting for a worker: new, pending, and those
    whose claim lease ran out."""
    with Session(writing(engine)) as db:
        rows = []
        for plan, timezone in _candidate_plans(db, now, policy):
            rule = plans.rule_of(plan)
            for occurrence in occurrences_between(rule, timezone, now - policy.catch_up, now):
                rows.append(
                    {
                        "id": uuid.uuid4(),
                        "plan_id": plan.id,
                        "user_id": plan.user_id,
                        "local_date": occurrence.local_date,
                        "due_at": occurrence.due_at,
                        "status": ReminderStatus.PENDING.value,
                        "attempts": 0,
                        "created_at": now,
                    }
                )
        _insert_new(db, rows)
        waiting = or_(
            col(Reminder.status) == ReminderStatus.PENDING.value,
            and_(
                col(Reminder.status) == ReminderStatus.SENDING.value,
                col(Reminder.claimed_at) < now - policy.lease,
            ),
        )
        expired = db.execute(
            update(Reminder)
            .where(waiting, col(Reminder.due_at) < now - policy.give_up)
            .values(
                status=ReminderStatus.FAILED.value,
                finished_at=now,
                outcome="not sent in time",
                claim_token=None,
            )
        )
        ids = db.exec(select(Reminder.id).where(waiting).order_by(col(Reminder.due_at))).all()
        db.commit()
    if gave_up := expired.rowcount:  # type: ignore[attr-defined]
        REMINDERS.labels(Result.FAILED.value, "not_sent_in_time").inc(gave_up)
    return list(ids)


def _claim(
    engine: Engine, reminder_id: uuid.UUID, now: datetime, policy: Policy
) -> uuid.UUID | None:
    token = uuid.uuid4()
    with Session(writing(engine)) as db:
        result = db.execute(
            update(Reminder)
            .where(
                col(Reminder.id) == reminder_id,
                or_(
                    col(Reminder.status) == ReminderStatus.PENDING.value,
                    and_(
                        col(Reminder.status) == ReminderStatus.SENDING.value,
                        col(Reminder.claimed_at) < now - policy.lease,
                    ),
                ),
            )
            .values(
                status=ReminderStatus.SENDING.value,
                claim_token=token,
                claimed_at=now,
                attempts=col(Reminder.attempts) + 1,
            )
        )
        db.commit()
    return token if result.rowcount == 1 else None  # type: ignore[attr-defined]


def _update_claimed(db: Session, reminder_id: uuid.UUID, token: uuid.UUID, **values: Any) -> bool:
    result = db.execute(
        update(Reminder)
        .where(col(Reminder.id) == reminder_id, col(Reminder.claim_token) == token)
        .values(**values)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _finish(
    engine: Engine,
    reminder_id: uuid.UUID,
    token: uuid.UUID,
    status: ReminderStatus,
    outcome: str,
    now: datetime,
) -> None:
    with Session(writing(engine)) as db:
        _update_claimed(
            db,
            reminder_id,
            token,
            status=status.value,
            outcome=outcome,
            finished_at=now,
            claim_token=None,
        )
        db.commit()


@dataclass(frozen=True)
class _Work:
    notifications: list[Notification]
    skip_reason: str | None = None
    outcome: str = "sent"


SAFETY_HOLD = "exercise on hold: a safety concern is open"
SAFETY_FOLLOW_UP = "safety follow-up sent instead"
SAFETY_TITLE = "About your back"
# The `reason` label of `reminders_total` for each recorded outcome.
REASON_LABELS = {
    "plan deleted": "plan_deleted",
    "plan paused or no longer due that day": "not_due",
    "done already": "done_already",
    SAFETY_HOLD: "safety_hold",
    "no device registered": "no_device",
    "sent": "delivered",
    SAFETY_FOLLOW_UP: "safety_follow_up",
}

# A reminder speaks the language the person chose on their profile, else that of the device
# it goes to (its `locale`, negotiated like an Accept-Language header), else English. The
# routine's name is the person's own or a curated routine's English name, kept as it is.
EXERCISE_TITLE = "Time for {name}"
EXERCISE_TITLE_UNNAMED = "Time for your routine"
EXERCISE_BODY = "Your {time} plan is due."


def exercise_title(name: str, language: str) -> str:
    if not name:
        return translate(EXERCISE_TITLE_UNNAMED, language).text
    return translate(EXERCISE_TITLE, language).text.format(name=name)


def exercise_body(time_text: str, language: str) -> str:
    return translate(EXERCISE_BODY, language).text.format(time=time_text)


def _safety_follow_up(engine: Engine, concern_id: uuid.UUID, reminder_id: uuid.UUID) -> bool:
    """Whether this reminder carries the concern's one safety follow-up (a retry of the same
    reminder still does; any other never)."""
    with Session(writing(engine)) as db:
        claimed = safety.claim_follow_up(db, concern_id, reminder_id)
        db.commit()
    return claimed


FINAL_DELIVERY = (DeliveryStatus.DELIVERED.value, DeliveryStatus.INVALID_TOKEN.value)


def _prepare(engine: Engine, reminder_id: uuid.UUID, now: datetime) -> _Work:
    with Session(engine) as db:
        reminder = db.get(Reminder, reminder_id)
        plan = db.get(Plan, reminder.plan_id) if reminder else None
        if reminder is None or plan is None:
            return _Work([], "plan deleted")
        if not plans.rule_of(plan).due_on(reminder.local_date):
            return _Work([], "plan paused or no longer due that day")
        done = plans.sessions_by_day(
            db, plan.user_id, [plan.routine_id], reminder.local_date, reminder.local_date
        )
        if done[plan.routine_id][reminder.local_date]:
            return _Work([], "done already")
        # While a concern holds exercise, no exercise reminder: at most the concern's one
        # follow-up ("Were you seen?"), once its timeframe has passed.
        holding = safety.holding(db, plan.user_id)
        follow_up = (
            holding is not None
            and now >= as_utc(holding.follow_up_due_at)
            and _safety_follow_up(engine, holding.id, reminder_id)
        )
        if holding is not None and not follow_up:
            return _Work([], SAFETY_HOLD)
        reached = set(
            db.exec(
                select(ReminderDelivery.device_id).where(
                    ReminderDelivery.reminder_id == reminder_id,
                    col(ReminderDelivery.status).in_(FINAL_DELIVERY),
                )
            ).all()
        )
        targets = [d for d in devices.devices_of(db, plan.user_id) if d.id not in reached]
        if not targets and not reached:
            return _Work([], "no device registered")
        owner = db.get(User, plan.user_id)
        chosen = owner.language if owner is not None else None
        if holding is not None:
            return _Work(
                [
                    Notification(
                        reminder_id=reminder_id,
                        device_id=device.id,
                        token=device.token,
                        platform=device.platform,
                        locale=device.locale,
                        title=translate(SAFETY_TITLE, person_language(chosen, device.locale)).text,
                        body=translate(
                            FOLLOW_UP_QUESTION, person_language(chosen, device.locale)
                        ).text,
                        data={
                            "kind": "safety_follow_up",
                            "reminder_id": str(reminder_id),
                            "concern_id": str(holding.id),
                            "local_date": reminder.local_date.isoformat(),
                        },
                    )
                    for device in targets
                ],
                outcome=SAFETY_FOLLOW_UP,
            )
        name = plans.routine_names(db, [plan.routine_id]).get(plan.routine_id, "")
        time_text = plan.local_time.strftime("%H:%M")
        return _Work(
            [
                Notification(
                    reminder_id=reminder_id,
                    device_id=device.id,
                    token=device.token,
                    platform=device.platform,
                    locale=device.locale,
                    title=exercise_title(name, person_language(chosen, device.locale)),
                    body=exercise_body(time_text, person_language(chosen, device.locale)),
                    data={
                        "kind": "exercise",
                        "reminder_id": str(reminder_id),
                        "plan_id": str(plan.id),
                        "routine_id": str(plan.routine_id),
                        "local_date": reminder.local_date.isoformat(),
                    },
                )
                for device in targets
            ]
        )


def _record(
    engine: Engine,
    reminder_id: uuid.UUID,
    token: uuid.UUID,
    notification: Notification,
    status: DeliveryStatus,
    attempts: int,
    detail: str | None,
    now: datetime,
) -> bool:
    """Store one device's outcome while the claim still holds (False: it was lost)."""
    with Session(writing(engine)) as db:
        if not _update_claimed(db, reminder_id, token, claimed_at=now):
            db.rollback()
            return False
        row = db.exec(
            select(ReminderDelivery).where(
                ReminderDelivery.reminder_id == reminder_id,
                ReminderDelivery.device_id == notification.device_id,
            )
        ).first()
        if row is None:
            row = ReminderDelivery(
                reminder_id=reminder_id,
                device_id=notification.device_id,
                platform=notification.platform,
                status=status.value,
                attempts=0,
            )
        row.status = status.value
        row.attempts += attempts
        row.detail = detail[:200] if detail else None
        row.finished_at = now
        db.add(row)
        db.flush()
        if status == DeliveryStatus.INVALID_TOKEN:
            devices.remove_invalid(db, notification.device_id)
        db.commit()
    return True


def _still_registered(engine: Engine, device_id: uuid.UUID) -> bool:
    with Session(engine) as db:
        return db.get(Device, device_id) is not None


def process(
    engine: Engine,
    reminder_id: uuid.UUID,
    sender: Sender,
    policy: Policy = Policy(),
    clock: Any = utcnow,
) -> Result:
    """Claim the reminder, send it to each device not yet reached, and record the outcome.
    Raises nothing on a device failure: the result says RETRY and the reminder is pending
    again (or FAILED after `policy.max_attempts` claims)."""
    result, reason = _process(engine, reminder_id, sender, policy, clock)
    REMINDERS.labels(result.value, reason).inc()
    return result


def _process(
    engine: Engine, reminder_id: uuid.UUID, sender: Sender, policy: Policy, clock: Any
) -> tuple[Result, str]:
    token = _claim(engine, reminder_id, clock(), policy)
    if token is None:
        return Result.NOT_CLAIMED, "claimed_elsewhere"
    work = _prepare(engine, reminder_id, clock())
    if work.skip_reason is not None:
        _finish(engine, reminder_id, token, ReminderStatus.SKIPPED, work.skip_reason, clock())
        return Result.SKIPPED, REASON_LABELS.get(work.skip_reason, "other")
    failures = []
    for notification in work.notifications:
        if not _still_registered(engine, notification.device_id):
            continue
        outcome = sender.send(notification)
        if not _record(
            engine,
            reminder_id,
            token,
            notification,
            outcome.status,
            outcome.attempts,
            outcome.detail,
            clock(),
        ):
            logger.warning("reminder claim lost", extra={"reminder_id": str(reminder_id)})
            return Result.NOT_CLAIMED, "claim_lost"
        if outcome.status == DeliveryStatus.FAILED:
            failures.append(outcome.detail or "failed")
    if not failures:
        _finish(engine, reminder_id, token, ReminderStatus.SENT, work.outcome, clock())
        return Result.SENT, REASON_LABELS.get(work.outcome, "other")
    with Session(writing(engine)) as db:
        reminder = db.get(Reminder, reminder_id)
        exhausted = reminder is not None and reminder.attempts >= policy.max_attempts
        status = ReminderStatus.FAILED if exhausted else ReminderStatus.PENDING
        _update_claimed(
            db,
            reminder_id,
            token,
            status=status.value,
            outcome=f"{len(failures)} device(s) not reached: {failures[0]}"[:200],
            finished_at=clock() if exhausted else None,
            claim_token=None,
        )
        db.commit()
    if exhausted:
        return Result.FAILED, "attempts_exhausted"
    return Result.RETRY, "device_not_reached"
