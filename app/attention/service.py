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
from app.attention.rules import DayPain, PegPoint, Raised, ScreenedDay, TrendConcern
from app.attention.schemas import AttentionFilter, AttentionItemPublic, AttentionStatus
from app.care import service as care_service
from app.care.schemas import ReferralPublic
from app.checkins import service as checkins
from app.i18n import current_language
from app.i18n.catalog import Translated, joined, weakest
from app.i18n.phrases import say
from app.i18n.schemas import TranslationPublic
from app.outcomes import service as outcomes
from app.outcomes.errors import QuestionnaireNotLoaded
from app.progress.models import ProgressSession
from app.progress.pain import flare_up_sql
from app.recommendations.schemas import Caution, RedFlag
from app.recommendations.service import REASON_TEXTS, age_from_birth_year
from app.safety import service as safety
from app.safety.logic import CONCERN_TIMEFRAMES, guidance_parts
from app.safety.schemas import ConcernSource
from app.shared.enums import Area

# Ids are derived from the person, the rule and the episode's key.
ITEM_NAMESPACE = uuid.UUID("6d1f0c9e-4a7b-5e3d-9c2a-8b4e1f7a6d30")


def item_id(user_id: uuid.UUID, raised: Raised) -> uuid.UUID:
    return uuid.uuid5(ITEM_NAMESPACE, f"{user_id}/{raised.kind.value}/{raised.key}")


def session_flare_up_days(db: Session, user_id: uuid.UUID) -> list[date]:
    before, after = col(ProgressSession.pain_before), col(ProgressSession.pain_after)
    return list(
        db.exec(
            select(col(ProgressSession.local_date))
            .where(ProgressSession.user_id == user_id, flare_up_sql(before, after))
            .distinct()
        ).all()
    )


def screened_days(db: Session, user: User | None, user_id: uuid.UUID) -> list[ScreenedDay]:
    """Each day with a warning sign reported to the safety state (a check-in, even one
    replaced or deleted since, or a signed-in recommendation): the signs and cautions of that
    day together, with the worst pain reported with them, the area of the latest report and
    the person's age that day, as the check-in's own triage takes them."""
    days: dict[date, ScreenedDay] = {}
    flag_ids = {f.value for f in RedFlag}
    caution_ids = {c.value for c in Caution}
    birth_year = user.birth_year if user else None
    for report in safety.reports_of(db, user_id):
        flags = frozenset(RedFlag(f) for f in report.red_flags if f in flag_ids)
        if not flags:
            continue
        cautions = frozenset(Caution(c) for c in report.cautions if c in caution_ids)
        seen = days.get(report.local_date)
        days[report.local_date] = ScreenedDay(
            report.local_date,
            max(report.pain or 0, seen.pain if seen else 0),
            flags | (seen.red_flags if seen else frozenset()),
            cautions | (seen.cautions if seen else frozenset()),
            Area(report.area) if report.area else Area.LOWER,
            None if birth_year is None else age_from_birth_year(birth_year, report.local_date),
        )
    return sorted(days.values(), key=lambda d: d.day)


def trend_concerns(db: Session, user_id: uuid.UUID) -> list[TrendConcern]:
    return [
        TrendConcern(str(c.id), ConcernSource(c.source), c.opened_on, tuple(c.reasons))
        for c in safety.concerns_of(db, user_id)
    ]


def evaluate(db: Session, user_id: uuid.UUID) -> list[Raised]:
    """Every episode the rules find in the person's history, most urgent first, then newest."""
    rows = checkins.checkins_between(db, user_id)
    days = [DayPain(r.local_date, r.pain) for r in rows]
    user = db.get(User, user_id)
    raised = rules.warning_signs(screened_days(db, user, user_id))
    raised += rules.trend_concerns(trend_concerns(db, user_id))
    raised += rules.pain_above_baseline(days)
    try:
        thresholds = outcomes.meaningful_change(db)
    except QuestionnaireNotLoaded:
        thresholds = None
    if thresholds is not None:
        points = [
            PegPoint(r.local_date, outcomes.total(r)) for r in outcomes.responses(db, user_id)
        ]
        raised += rules.peg_not_improving(points, thresholds)
    flare_days = rules.flare_up_days(session_flare_up_days(db, user_id), days)
    raised += rules.flare_up_clusters(flare_days)
    return rules.most_urgent_first(raised)


def _acknowledgements(db: Session, user_id: uuid.UUID) -> dict[uuid.UUID, datetime]:
    rows = db.exec(
        select(AttentionAcknowledgement).where(AttentionAcknowledgement.user_id == user_id)
    ).all()
    return {r.item_id: r.acknowledged_at for r in rows}


# What an item's reason and advice can be made of: its own sentences, the triage reasons a
# warning sign was answered with, a concern's reasons and the guidance for each timeframe.
TEMPLATES = (
    *rules.ATTENTION_TEXTS,
    *REASON_TEXTS,
    *dict.fromkeys(guidance_parts(t, s)[0] for t in CONCERN_TIMEFRAMES for s in ConcernSource),
)


def translated(raised: Raised) -> tuple[Translated, Translated]:
    """The item's reason (each sentence on its own) and advice in the request's language; a
    region's own care words are kept as they are."""
    language = current_language()
    reason = joined(raised.reason, *(say(r, TEMPLATES, language) for r in raised.reasons))
    advice = say(raised.advice, TEMPLATES, language, literal_values=True)
    return reason, advice


def to_public(
    user_id: uuid.UUID,
    raised: Raised,
    acknowledged_at: datetime | None,
    referral: ReferralPublic | None,
) -> AttentionItemPublic:
    reason, advice = translated(raised)
    both = weakest(reason, advice)
    assert both is not None
    return AttentionItemPublic(
        id=item_id(user_id, raised),
        kind=raised.kind,
        status=AttentionStatus.ACKNOWLEDGED if acknowledged_at else AttentionStatus.OPEN,
        raised_on=raised.raised_on,
        reason=reason.text,
        advice=advice.text,
        translation=TranslationPublic.of(both),
        timeframe=raised.timeframe,
        referral=referral if raised.referral else None,
        general_guidance=safety.general_guidance() if raised.general_guidance else None,
        acknowledged_at=acknowledged_at,
    )


def list_items(
    db: Session, user: User, which: AttentionFilter = AttentionFilter.OPEN
) -> list[AttentionItemPublic]:
    acks = _acknowledgements(db, user.id)
    referral = care_service.find_default_referral(db)
    items = [
        to_public(user.id, r, acks.get(item_id(user.id, r)), referral)
        for r in evaluate(db, user.id)
    ]
    if which is AttentionFilter.ALL:
        return items
    wanted = AttentionStatus(which.value)
    return [i for i in items if i.status is wanted]


def evaluate_with_acknowledgement(
    db: Session, user_id: uuid.UUID
) -> list[tuple[Raised, datetime | None]]:
    """Every item, most urgent first, with when it was acknowledged (None while open)."""
    acks = _acknowledgements(db, user_id)
    return [(r, acks.get(item_id(user_id, r))) for r in evaluate(db, user_id)]


def acknowledge(db: Session, user: User, target: uuid.UUID, now: datetime) -> AttentionItemPublic:
    """Mark the item seen; acknowledging it again keeps the first time."""
    for item in list_items(db, user, AttentionFilter.ALL):
        if item.id != target:
            continue
        if item.acknowledged_at is not None:
            return item
        try:
            # A savepoint: a request acknowledging the same item at once may win the insert.
            with db.begin_nested():
                db.add(
                    AttentionAcknowledgement(
                        user_id=user.id, item_id=item.id, kind=item.kind.value, acknowledged_at=now
                    )
                )
                db.flush()
        except IntegrityError:
            stored = db.get(AttentionAcknowledgement, (user.id, item.id))
            if stored is None:
                raise
            now = stored.acknowledged_at
        return item.model_copy(
            update={"status": AttentionStatus.ACKNOWLEDGED, "acknowledged_at": now}
        )
    raise AttentionItemNotFound(target)


def export_items(db: Session, user_id: uuid.UUID) -> list[dict[str, object]]:
    """Every item the diary raises, with its acknowledgement, for the account export."""
    acks = _acknowledgements(db, user_id)
    return [
        to_public(user_id, r, acks.get(item_id(user_id, r)), None).model_dump(mode="json")
        for r in evaluate(db, user_id)
    ]
