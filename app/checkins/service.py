"""Daily check-ins: pain now, by area, notes and new safety-screen answers, one per local day."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.checkins.errors import CHECKIN_IDS, CheckinNotFound
from app.checkins.fingerprint import canonical_content
from app.checkins.models import Checkin
from app.checkins.schemas import AreaPains, CheckinCreate, CheckinList, CheckinPublic
from app.core.clock import as_utc, local_date
from app.core.db import lock_row
from app.core.errors import InvalidInput
from app.core.pagination import SortKey, count, fetch_keyset
from app.i18n.catalog import Translated, joined, translate, weakest
from app.i18n.schemas import TranslationPublic
from app.recommendations import service as recommendations
from app.recommendations.schemas import (
    Caution,
    RecommendationCreate,
    RecommendationPublic,
    RedFlag,
    Triage,
)
from app.safety import logic as safety_logic
from app.safety import service as safety
from app.safety.schemas import CareTimeframe, ConcernSource, TriageLevel
from app.shared import pain as pain_scale
from app.shared.enums import Area
from app.shared.idempotency import Created, create_once, fingerprint, refuse_future
from app.shared.sync import Cursor

# Losing the race for a day to another request this many times in a row is not a race.
WRITE_ATTEMPTS = 3
# A check-in carries no moves, so its self-care answer never offers any.
# Three sentences, each translated whole.
SELF_CARE_SENTENCES = (
    "Nothing in this check-in calls for a doctor first.",
    safety_logic.GENERAL_GUIDANCE_TEXT,
    "If you develop any of the warning signs of the safety screen, get care as it advises.",
)
SELF_CARE_MESSAGE = " ".join(SELF_CARE_SENTENCES)


def triage_area(row: Checkin, usual_areas: list[str]) -> Area:
    """The area the triage is asked for: the check-in's most painful area (upper, mid, lower
    on a tie), else the person's first usual area, else the lower back."""
    if row.areas:
        rated = AreaPains(**row.areas).rated()
        return max(rated, key=lambda area: rated[area])
    if usual_areas:
        return Area(usual_areas[0])
    return Area.LOWER


def worst_pain(row: Checkin) -> int:
    """The pain the check-in is judged on: the worst of the overall and the area scores."""
    return safety_logic.worst_pain(row.pain, row.areas.values())


def screen_answers(db: Session, row: Checkin, user: User) -> RecommendationPublic | None:
    """What POST /v1/recommendations answers for this check-in's worst pain and screen answers
    (with the message a check-in gives, which offers no moves), or None when no screen
    question was answered yes and the pain is not severe. The profile's birth year (the age
    on the check-in's day) and region take part, as in a signed-in recommendation."""
    pain = worst_pain(row)
    if not row.red_flags and not row.cautions and not pain_scale.is_severe(pain):
        return None
    request = RecommendationCreate(
        area=triage_area(row, user.usual_areas),
        pain_level=pain,
        red_flags=[RedFlag(f) for f in row.red_flags],
        cautions=[Caution(c) for c in row.cautions],
    )
    answer = recommendations.answer_for(db, request, user, row.local_date)
    if answer.triage.level is TriageLevel.SELF_CARE:
        message = joined(SELF_CARE_MESSAGE, *(translate(s) for s in SELF_CARE_SENTENCES))
        answer.triage.message = message.text
        # The reasons beside it keep their status; the answer's is the weaker of the two.
        previous = answer.triage.translation
        both = weakest(message, Translated("", previous.language, previous.status))
        assert both is not None
        answer.triage.translation = TranslationPublic.of(both)
    return answer


def to_public(
    db: Session, row: Checkin, user: User, replaced: uuid.UUID | None = None
) -> CheckinPublic:
    answer = screen_answers(db, row, user)
    return CheckinPublic(
        id=row.id,
        recorded_at=as_utc(row.recorded_at),
        local_date=row.local_date,
        pain=row.pain,
        pain_band=pain_scale.band(row.pain),
        areas=AreaPains(**row.areas),
        notes=row.notes,
        red_flags=[RedFlag(f) for f in row.red_flags],
        cautions=[Caution(c) for c in row.cautions],
        triage=answer.triage if answer else None,
        referral=answer.referral if answer else None,
        replaced=replaced,
        created_at=as_utc(row.created_at),
    )


def _same_day(db: Session, user_id: uuid.UUID, day: date) -> Checkin | None:
    return db.exec(
        select(Checkin).where(Checkin.user_id == user_id, Checkin.local_date == day)
    ).first()


def record_checkin(
    db: Session, user: User, payload: CheckinCreate, now: datetime
) -> Created[CheckinPublic]:
    """Store a check-in once. A repeat with the same id and content returns the stored one;
    other content under that id is a conflict. A check-in on a day that already has one
    replaces it. Check-ins of one account are stored one at a time, so simultaneous ones for
    one day each replace the one before."""
    digest = fingerprint(canonical_content(payload))
    lock_row(db, col(User.id), user.id)
    # Looked up first: storing replaces the day's check-in, which a repeat must not do.
    return create_once(
        db,
        CHECKIN_IDS,
        Checkin,
        client_id=payload.id,
        user_id=user.id,
        digest=digest,
        store=lambda checkin_id: _record_new(db, user, payload, digest, checkin_id, now),
        repeat=lambda existing: to_public(db, existing, user),
    )


def _record_new(
    db: Session,
    user: User,
    payload: CheckinCreate,
    digest: str,
    checkin_id: uuid.UUID,
    now: datetime,
) -> CheckinPublic | None:
    """Check and store a new check-in under `checkin_id`, replacing the day's; None when the
    id is taken."""
    refuse_future(CHECKIN_IDS, payload.recorded_at, now)
    day = local_date(payload.recorded_at, user.timezone)
    values: dict[str, Any] = {
        "user_id": user.id,
        "recorded_at": as_utc(payload.recorded_at),
        "local_date": day,
        "pain": payload.pain,
        "areas": {area.value: level for area, level in payload.areas.rated().items()},
        "notes": payload.notes or None,
        "red_flags": sorted({f.value for f in payload.red_flags}),
        "cautions": sorted({c.value for c in payload.cautions}),
        "fingerprint": digest,
    }
    for attempt in range(WRITE_ATTEMPTS):
        row = Checkin(id=checkin_id, **values)
        try:
            # A savepoint, so that losing a race leaves the request's transaction usable.
            with db.begin_nested():
                earlier = _same_day(db, user.id, day)
                replaced = earlier.id if earlier is not None else None
                if earlier is not None:
                    db.delete(earlier)
                    db.flush()
                db.add(row)
                db.flush()
        except IntegrityError:
            # Another request stored this id, or a check-in for this day, since we looked.
            if db.get(Checkin, checkin_id) is not None:
                return None
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            continue
        public = to_public(db, row, user, replaced)
        screened = "red_flags" in payload.model_fields_set
        report_to_safety(db, user, row, public.triage, screened=screened, now=now)
        return public
    raise AssertionError("unreachable")


def report_to_safety(
    db: Session,
    user: User,
    row: Checkin,
    triage: Triage | None,
    *,
    screened: bool,
    now: datetime,
) -> None:
    """Tell the safety state what the check-in said: a warning sign or severe pain raises a
    concern with the check-in's triage; a screen answered with neither (the warning-sign
    answers sent, even empty) clears what a clear screen closes; and lasting severe pain in
    the diary raises a concern of its own."""
    timeframe = triage.timeframe if triage is not None else None
    raises = timeframe in safety_logic.CONCERN_TIMEFRAMES
    if raises or screened:
        safety.report(
            db,
            user.id,
            safety.Report(
                source=ConcernSource.CHECKIN,
                source_id=row.id,
                reported_at=as_utc(row.recorded_at),
                local_date=row.local_date,
                timeframe=timeframe if raises else None,
                reasons=triage.reasons if triage is not None and raises else (),
                red_flags=row.red_flags,
                cautions=row.cautions,
                pain=worst_pain(row),
                area=triage_area(row, user.usual_areas).value,
                advice=triage.message if triage is not None else "",
            ),
            now,
        )
    _lasting_severe_pain(db, user, row, now)


def _lasting_severe_pain(db: Session, user: User, row: Checkin, now: datetime) -> None:
    if not pain_scale.is_severe(worst_pain(row)):
        return
    if safety.has_open(db, user.id, ConcernSource.DIARY_TREND):
        return
    # A run that was looked at already (its concern closed) does not count again.
    closed = safety.last_closed_at(db, user.id, ConcernSource.DIARY_TREND)
    after = local_date(closed, user.timezone) if closed is not None else None
    window = safety_logic.LASTING_SEVERE_WINDOW_DAYS
    days = [
        (r.local_date, worst_pain(r))
        for r in checkins_between(
            db, user.id, row.local_date - timedelta(days=window - 1), row.local_date
        )
        if after is None or r.local_date > after
    ]
    severe = safety_logic.lasting_severe_pain(days, row.local_date)
    if not severe:
        return
    safety.report(
        db,
        user.id,
        safety.Report(
            source=ConcernSource.DIARY_TREND,
            source_id=row.id,
            reported_at=as_utc(row.recorded_at),
            local_date=row.local_date,
            timeframe=CareTimeframe.SOON,
            reasons=[safety_logic.lasting_severe_reason(severe)],
            pain=worst_pain(row),
        ),
        now,
    )


def get_owned_checkin(db: Session, checkin_id: uuid.UUID, user_id: uuid.UUID) -> Checkin:
    row = db.exec(
        select(Checkin).where(Checkin.id == checkin_id, Checkin.user_id == user_id)
    ).first()
    if row is None:
        raise CheckinNotFound(checkin_id)
    return row


def delete_checkin(db: Session, row: Checkin) -> None:
    db.delete(row)
    db.flush()


LIST_ORDER = (
    SortKey(col(Checkin.local_date), descending=True),
    SortKey(col(Checkin.id), descending=True),
)
CURSOR_LOC: list[str | int] = ["query", "cursor"]


def _decode_cursor(text: str) -> tuple[date, uuid.UUID]:
    key = Cursor.decode(text, CURSOR_LOC, sync=False, width=2).key
    try:
        return date.fromisoformat(key[0]), uuid.UUID(key[1])
    except (TypeError, ValueError) as exc:
        raise InvalidInput("`cursor` is not a cursor this service issued.", loc=CURSOR_LOC) from exc


def list_checkins(
    db: Session,
    user: User,
    *,
    date_from: date | None,
    date_to: date | None,
    limit: int,
    cursor: str | None,
) -> CheckinList:
    """Newest day first, keyset paged."""
    if date_from is not None and date_to is not None and date_to < date_from:
        raise InvalidInput("`to` must not be before `from`.", loc=["query", "to"])
    start = _decode_cursor(cursor) if cursor is not None else None
    query = select(Checkin).where(Checkin.user_id == user.id)
    if date_from is not None:
        query = query.where(col(Checkin.local_date) >= date_from)
    if date_to is not None:
        query = query.where(col(Checkin.local_date) <= date_to)
    rows, next_key = fetch_keyset(
        db, query, LIST_ORDER, lambda r: (r.local_date, r.id), start=start, limit=limit
    )
    next_cursor = None
    if next_key is not None:
        next_cursor = Cursor((next_key[0].isoformat(), str(next_key[1])), False, "").encode()
    return CheckinList(
        data=[to_public(db, r, user) for r in rows],
        count=count(db, query),
        next_cursor=next_cursor,
    )


def checkins_between(
    db: Session, user_id: uuid.UUID, date_from: date | None = None, date_to: date | None = None
) -> list[Checkin]:
    """The person's check-ins, oldest day first, optionally within a range of local days."""
    query = select(Checkin).where(Checkin.user_id == user_id)
    if date_from is not None:
        query = query.where(col(Checkin.local_date) >= date_from)
    if date_to is not None:
        query = query.where(col(Checkin.local_date) <= date_to)
    return list(db.exec(query.order_by(col(Checkin.local_date))).all())


def export_checkins(db: Session, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every check-in as stored, oldest first, for the account export."""
    return [
        {
            "id": str(r.id),
            "recorded_at": as_utc(r.recorded_at).isoformat(),
            "local_date": r.local_date.isoformat(),
            "pain": r.pain,
            "areas": r.areas,
            "notes": r.notes,
            "red_flags": r.red_flags,
            "cautions": r.cautions,
            "created_at": as_utc(r.created_at).isoformat(),
        }
        for r in checkins_between(db, user_id)
    ]
