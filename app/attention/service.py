"""Attention items: the rules run over the person's diary on every read; acknowledgements are
stored."""

import uuid
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.attention import rules
from app.attention.errors import AttentionItemNotFound
from app.attention.models import AttentionAcknowledgement
from app.attention.rules import DayPain, PegPoint, Raised, ScreenedDay
from app.attention.schemas import AttentionFilter, AttentionItemPublic, AttentionStatus
from app.care import service as care_service
from app.care.schemas import ReferralPublic
from app.checkins import service as checkins
from app.outcomes import service as outcomes
from app.outcomes.errors import QuestionnaireNotLoaded
from app.progress.models import ProgressSession
from app.progress.service import flare_up_sql
from app.recommendations.schemas import Caution, RedFlag
from app.recommendations.service import age_from_birth_year

# Ids are derived from the person, the rule and the episode's key.
ITEM_NAMESPACE = uuid.UUID("6d1f0c9e-4a7b-5e3d-9c2a-8b4e1f7a6d30")


def item_id(user_id: uuid.UUID, raised: Raised) -> uuid.UUID:
    return uuid.uuid5(ITEM_NAMESPACE, f"{user_id}/{raised.kind.value}/{raised.key}")


def session_flare_up_days(session: Session, user_id: uuid.UUID) -> list[date]:
    before, after = col(ProgressSession.pain_before), col(ProgressSession.pain_after)
    return list(
        session.exec(
            select(col(ProgressSession.local_date))
            .where(ProgressSession.user_id == user_id, flare_up_sql(before, after))
            .distinct()
        ).all()
    )


def evaluate(session: Session, user_id: uuid.UUID) -> list[Raised]:
    """Every episode the rules find in the person's history, newest first."""
    rows = checkins.checkins_between(session, user_id)
    days = [DayPain(r.local_date, r.pain) for r in rows]
    user = session.get(User, user_id)
    usual_areas = user.usual_areas if user else []
    birth_year = user.birth_year if user else None
    screened = [
        ScreenedDay(
            r.local_date,
            r.pain,
            frozenset(RedFlag(f) for f in r.red_flags),
            frozenset(Caution(c) for c in r.cautions),
            checkins.triage_area(r, usual_areas),
            None if birth_year is None else age_from_birth_year(birth_year, r.local_date),
        )
        for r in rows
    ]
    raised = rules.warning_signs(screened) + rules.pain_above_baseline(days)
    try:
        percent = outcomes.meaningful_change_percent(session)
    except QuestionnaireNotLoaded:
        percent = None
    if percent is not None:
        points = [
            PegPoint(r.local_date, outcomes.total(r)) for r in outcomes.responses(session, user_id)
        ]
        raised += rules.peg_not_improving(points, percent)
    flare_days = rules.flare_up_days(session_flare_up_days(session, user_id), days)
    raised += rules.flare_up_clusters(flare_days)
    return sorted(raised, key=lambda r: (r.raised_on, r.kind.value, r.key), reverse=True)


def _acknowledgements(session: Session, user_id: uuid.UUID) -> dict[uuid.UUID, datetime]:
    rows = session.exec(
        select(AttentionAcknowledgement).where(AttentionAcknowledgement.user_id == user_id)
    ).all()
    return {r.item_id: r.acknowledged_at for r in rows}


def to_public(
    user_id: uuid.UUID,
    raised: Raised,
    acknowledged_at: datetime | None,
    referral: ReferralPublic | None,
) -> AttentionItemPublic:
    return AttentionItemPublic(
        id=item_id(user_id, raised),
        kind=raised.kind,
        status=AttentionStatus.ACKNOWLEDGED if acknowledged_at else AttentionStatus.OPEN,
        raised_on=raised.raised_on,
        reason=raised.reason,
        advice=raised.advice,
        timeframe=raised.timeframe,
        referral=referral if raised.referral else None,
        acknowledged_at=acknowledged_at,
    )


def list_items(
    session: Session, user: User, which: AttentionFilter = AttentionFilter.OPEN
) -> list[AttentionItemPublic]:
    acks = _acknowledgements(session, user.id)
    referral = care_service.find_default_referral(session)
    items = [
        to_public(user.id, r, acks.get(item_id(user.id, r)), referral)
        for r in evaluate(session, user.id)
    ]
    if which is AttentionFilter.ALL:
        return items
    wanted = AttentionStatus(which.value)
    return [i for i in items if i.status is wanted]


def acknowledge(
    session: Session, user: User, target: uuid.UUID, now: datetime
) -> AttentionItemPublic:
    """Mark the item seen; acknowledging it again keeps the first time."""
    for item in list_items(session, user, AttentionFilter.ALL):
        if item.id != target:
            continue
        if item.acknowledged_at is not None:
            return item
        try:
            # A savepoint: a request acknowledging the same item at once may win the insert.
            with session.begin_nested():
                session.add(
                    AttentionAcknowledgement(
                        user_id=user.id, item_id=item.id, kind=item.kind.value, acknowledged_at=now
                    )
                )
                session.flush()
        except IntegrityError:
            stored = session.get(AttentionAcknowledgement, (user.id, item.id))
            if stored is None:
                raise
            now = stored.acknowledged_at
        return item.model_copy(
            update={"status": AttentionStatus.ACKNOWLEDGED, "acknowledged_at": now}
        )
    raise AttentionItemNotFound(target)


def export_items(session: Session, user_id: uuid.UUID) -> list[dict[str, object]]:
    """Every item the diary raises, with its acknowledgement, for the account export."""
    acks = _acknowledgements(session, user_id)
    return [
        to_public(user_id, r, acks.get(item_id(user_id, r)), None).model_dump(
            mode="json", exclude={"referral"}
        )
        for r in evaluate(session, user_id)
    ]
