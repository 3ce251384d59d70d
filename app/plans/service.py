"""Plans: schedules of routines, what is due on a day, and adherence against them."""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core.db import lock_row
from app.plans.errors import EndBeforeStart, PlanNotFound, TooManyPlans, UnknownPlanRoutine
from app.plans.models import Plan, PlanPause
from app.plans.schedule import Pause, Rule, Tally, due_at, local_date, tally, weekday_mask
from app.plans.schedule import weekdays_of as _weekdays_of
from app.plans.schemas import (
    MAX_PLANS,
    Adherence,
    AdherenceWindow,
    DuePlan,
    DuePlans,
    PlanAdherence,
    PlanCreate,
    PlanList,
    PlanPublic,
    PlanUpdate,
    parse_local_time,
)
from app.progress.models import ProgressSession
from app.routines import service as routines
from app.routines.models import Routine
from app.safety import service as safety

WINDOWS = (7, 28)


def _hhmm(plan: Plan) -> str:
    return plan.local_time.strftime("%H:%M")


def rule_of(plan: Plan) -> Rule:
    return Rule(
        weekdays=plan.weekdays,
        local_time=plan.local_time,
        start_date=plan.start_date,
        end_date=plan.end_date,
        pauses=tuple(Pause(p.starts_on, p.ends_on) for p in plan.pauses),
    )


def routine_names(db: Session, routine_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    ids = set(routine_ids)
    if not ids:
        return {}
    rows = db.exec(select(Routine.id, Routine.name).where(col(Routine.id).in_(ids))).all()
    return dict(rows)


def to_public(plan: Plan, routine_name: str) -> PlanPublic:
    return PlanPublic(
        id=plan.id,
        routine_id=plan.routine_id,
        routine_name=routine_name,
        weekdays=_weekdays_of(plan.weekdays),
        local_time=_hhmm(plan),
        start_date=plan.start_date,
        end_date=plan.end_date,
        paused=plan.paused,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
    )


def plan_detail(db: Session, plan: Plan) -> PlanPublic:
    return to_public(plan, routine_names(db, [plan.routine_id]).get(plan.routine_id, ""))


def _plans_of(db: Session, user_id: uuid.UUID) -> Sequence[Plan]:
    return db.exec(
        select(Plan).where(Plan.user_id == user_id).order_by(col(Plan.created_at), col(Plan.id))
    ).all()


def list_plans(db: Session, user_id: uuid.UUID) -> PlanList:
    plans = _plans_of(db, user_id)
    names = routine_names(db, (p.routine_id for p in plans))
    data = [to_public(p, names.get(p.routine_id, "")) for p in plans]
    return PlanList(data=data, count=len(data))


def get_owned_plan(db: Session, plan_id: uuid.UUID, user_id: uuid.UUID) -> Plan:
    plan = db.exec(select(Plan).where(Plan.id == plan_id, Plan.user_id == user_id)).first()
    if plan is None:
        raise PlanNotFound(plan_id)
    return plan


def _set_paused(db: Session, plan: Plan, paused: bool, today: date) -> None:
    """Pausing opens a pause from today; resuming closes it before today (today counts
    again). Paused and resumed on one day leaves no pause."""
    if paused == plan.paused:
        return
    plan.paused = paused
    if paused:
        again = next((p for p in plan.pauses if p.starts_on == today), None)
        if again is not None:
            again.ends_on = None
        else:
            plan.pauses.append(PlanPause(plan_id=plan.id, starts_on=today))
        return
    for pause in plan.pauses:
        if pause.ends_on is None:
            if pause.starts_on >= today:
                plan.pauses.remove(pause)
            else:
                pause.ends_on = today
            break


def create_plan(db: Session, user: User, payload: PlanCreate, now: datetime) -> PlanPublic:
    today = local_date(now, user.timezone)
    start = payload.start_date or today
    if payload.end_date is not None and payload.end_date < start:
        raise EndBeforeStart()
    if not routines.is_visible(db, payload.routine_id, user.id):
        raise UnknownPlanRoutine()
    # Plans of one account are created one at a time, so the count below is the truth.
    lock_row(db, col(User.id), user.id)
    held = db.exec(select(func.count()).where(col(Plan.user_id) == user.id)).one()
    if held >= MAX_PLANS:
        raise TooManyPlans(MAX_PLANS)
    plan = Plan(
        user_id=user.id,
        routine_id=payload.routine_id,
        weekdays=weekday_mask(payload.weekdays),
        local_time=parse_local_time(payload.local_time),
        start_date=start,
        end_date=payload.end_date,
        created_at=now,
        updated_at=now,
    )
    db.add(plan)
    _set_paused(db, plan, payload.paused, today)
    db.flush()
    return plan_detail(db, plan)


def update_plan(
    db: Session, user: User, plan: Plan, payload: PlanUpdate, now: datetime
) -> PlanPublic:
    sent = payload.model_fields_set
    if payload.weekdays is not None:
        plan.weekdays = weekday_mask(payload.weekdays)
    if payload.local_time is not None:
        plan.local_time = parse_local_time(payload.local_time)
    if payload.start_date is not None:
        plan.start_date = payload.start_date
    if "end_date" in sent:
        plan.end_date = payload.end_date
    if plan.end_date is not None and plan.end_date < plan.start_date:
        raise EndBeforeStart()
    if payload.paused is not None:
        _set_paused(db, plan, payload.paused, local_date(now, user.timezone))
    plan.updated_at = now
    db.add(plan)
    db.flush()
    return plan_detail(db, plan)


def delete_plan(db: Session, plan: Plan) -> None:
    db.delete(plan)
    db.flush()


def sessions_by_day(
    db: Session, user_id: uuid.UUID, routine_ids: Iterable[uuid.UUID], first: date, last: date
) -> dict[uuid.UUID, dict[date, list[uuid.UUID]]]:
    """The person's sessions per routine and local date (the date stored when each was
    logged), oldest first."""
    ids = set(routine_ids)
    found: dict[uuid.UUID, dict[date, list[uuid.UUID]]] = defaultdict(lambda: defaultdict(list))
    if not ids:
        return found
    rows = db.exec(
        select(
            col(ProgressSession.routine_id),
            col(ProgressSession.local_date),
            col(ProgressSession.id),
        )
        .where(
            ProgressSession.user_id == user_id,
            col(ProgressSession.routine_id).in_(ids),
            col(ProgressSession.local_date) >= first,
            col(ProgressSession.local_date) <= last,
        )
        .order_by(col(ProgressSession.completed_at), col(ProgressSession.id))
    ).all()
    for routine_id, day, session_id in rows:
        assert routine_id is not None
        found[routine_id][day].append(session_id)
    return found


def due_on(db: Session, user: User, day: date, now: datetime) -> DuePlans:
    """The plans due on `day` (a local date), earliest first, with whether each is done, and
    the safety state. While a concern holds exercise, today and later days list nothing: the
    state's guidance comes instead of due moves."""
    state = safety.current(db, user.id, now)
    assert state.public is not None
    if state.on_hold and day >= local_date(now, user.timezone):
        return DuePlans(date=day, timezone=user.timezone, safety=state.public, data=[], done=0)
    plans = [p for p in _plans_of(db, user.id) if rule_of(p).due_on(day)]
    names = routine_names(db, (p.routine_id for p in plans))
    done = sessions_by_day(db, user.id, (p.routine_id for p in plans), day, day)
    due = sorted(
        (
            DuePlan(
                plan_id=p.id,
                routine_id=p.routine_id,
                routine_name=names.get(p.routine_id, ""),
                local_time=_hhmm(p),
                due_at=due_at(day, p.local_time, user.timezone),
                done=bool(done[p.routine_id][day]),
                session_ids=done[p.routine_id][day],
            )
            for p in plans
        ),
        key=lambda d: (d.local_time, str(d.plan_id)),
    )
    return DuePlans(
        date=day,
        timezone=user.timezone,
        safety=state.public,
        data=due,
        done=sum(1 for d in due if d.done),
    )


def _window(days: int, counted: Tally) -> AdherenceWindow:
    return AdherenceWindow(days=days, planned=counted.planned, done=counted.done, rate=counted.rate)


def adherence(db: Session, user: User, now: datetime) -> Adherence:
    """Done against planned over the last 7 and 28 local days, per plan and overall."""
    today = local_date(now, user.timezone)
    plans = _plans_of(db, user.id)
    names = routine_names(db, (p.routine_id for p in plans))
    longest = max(WINDOWS)
    done = sessions_by_day(
        db,
        user.id,
        (p.routine_id for p in plans),
        today - timedelta(days=longest - 1),
        today,
    )
    totals = {days: Tally(0, 0) for days in WINDOWS}
    per_plan = []
    for plan in plans:
        rule = rule_of(plan)
        done_days = set(done[plan.routine_id])
        tallies = {days: tally(rule, done_days, today, days) for days in WINDOWS}
        for days in WINDOWS:
            totals[days] += tallies[days]
        per_plan.append(
            PlanAdherence(
                plan_id=plan.id,
                routine_id=plan.routine_id,
                routine_name=names.get(plan.routine_id, ""),
                paused=plan.paused,
                last_7_days=_window(7, tallies[7]),
                last_28_days=_window(28, tallies[28]),
            )
        )
    return Adherence(
        last_7_days=_window(7, totals[7]), last_28_days=_window(28, totals[28]), plans=per_plan
    )


def export_plans(db: Session, user_id: uuid.UUID) -> list[PlanPublic]:
    return list_plans(db, user_id).data
