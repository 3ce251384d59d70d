"""The PEG: the questionnaire from the seed, and people's responses scored against their
first one."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core.clock import as_utc, local_date
from app.core.errors import InvalidInput
from app.core.pagination import SortKey, count, fetch_keyset
from app.i18n import DEFAULT_LANGUAGE, current_language
from app.i18n.catalog import Translated, TranslationStatus, translate, weakest
from app.outcomes import scoring
from app.outcomes.errors import PEG_RESPONSE_IDS, PegResponseNotFound, QuestionnaireNotLoaded
from app.outcomes.models import OutcomeQuestionnaire, PegResponse
from app.outcomes.schemas import (
    PegResponseCreate,
    PegResponseList,
    PegResponsePublic,
    QuestionnaireItem,
    QuestionnairePublic,
    QuestionnaireTranslation,
)
from app.safety import logic as safety_logic
from app.safety import service as safety
from app.safety.schemas import CareTimeframe, ConcernSource
from app.shared.idempotency import Created, create_once, fingerprint, refuse_future
from app.shared.sync import Cursor

PEG = "peg"
# Answered at the start, then weekly.
INTERVAL = timedelta(days=7)
CURSOR_LOC: list[str | int] = ["query", "cursor"]


def get_questionnaire_row(db: Session, slug: str = PEG) -> OutcomeQuestionnaire:
    row = db.exec(select(OutcomeQuestionnaire).where(OutcomeQuestionnaire.slug == slug)).first()
    if row is None:
        raise QuestionnaireNotLoaded()
    return row


# The seed's texts an answer translates. Their entries are keyed `peg.<field>` rather than by
# the English, whose "10-20% decrease" gettext's tools would read as a printf placeholder; each
# entry's comment holds the English it translates (a test checks it is the seed's).
SEED_FIELDS = ("scoring", "schedule", "meaningful_change_points_source", "meaningful_change_source")


def seed_key(field: str) -> str:
    return f"{PEG}.{field}"


def seed_text(field: str, english: str, language: str | None = None) -> Translated:
    """A seed text of the PEG in the language (the request's by default), or its English."""
    language = language or current_language()
    found = translate(seed_key(field), language)
    if found.language == DEFAULT_LANGUAGE:
        return Translated(english, DEFAULT_LANGUAGE, TranslationStatus.ORIGINAL)
    return found


def translation_of(row: OutcomeQuestionnaire) -> QuestionnaireTranslation | None:
    """The seed's scoring, schedule and sources in the request's language; None in English or
    when any has no entry."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return None
    texts = (
        row.scoring,
        row.schedule,
        row.meaningful_change_points_source or "",
        row.meaningful_change_source,
    )
    parts = [
        seed_text(field, text, language) for field, text in zip(SEED_FIELDS, texts, strict=True)
    ]
    least = weakest(*parts)
    if least is None or any(part.language != language for part in parts):
        return None
    return QuestionnaireTranslation(
        language=language,
        status=least.status,
        scoring=parts[0].text,
        schedule=parts[1].text,
        meaningful_change_points_source=parts[2].text,
        meaningful_change_source=parts[3].text,
    )


def get_questionnaire(db: Session) -> QuestionnairePublic:
    row = get_questionnaire_row(db)
    return QuestionnairePublic(
        slug=row.slug,
        name=row.name,
        title=row.title,
        instructions=row.instructions,
        recall=row.recall,
        items=[QuestionnaireItem(min=0, max=10, **item) for item in row.items],
        scoring=row.scoring,
        schedule=row.schedule,
        meaningful_change_points=thresholds_of(row).points,
        meaningful_change_points_source=row.meaningful_change_points_source or "",
        meaningful_change_percent=row.meaningful_change_percent,
        meaningful_change_source=row.meaningful_change_source,
        citation=row.citation,
        license=row.license,
        translation=translation_of(row),
    )


def thresholds_of(row: OutcomeQuestionnaire) -> scoring.Thresholds:
    if row.meaningful_change_points is None:
        # The migration added the column; the seed, loaded right after it, fills it.
        raise QuestionnaireNotLoaded()
    return scoring.Thresholds.of(row.meaningful_change_points, row.meaningful_change_percent)


def meaningful_change(db: Session) -> scoring.Thresholds:
    """What a meaningful change of the PEG score must reach, from the seed."""
    return thresholds_of(get_questionnaire_row(db))


def total(row: PegResponse) -> int:
    return row.pain + row.enjoyment + row.activity


def to_public(
    row: PegResponse, baseline: PegResponse, thresholds: scoring.Thresholds
) -> PegResponsePublic:
    change = scoring.meaningful_change(total(baseline), total(row), thresholds)
    return PegResponsePublic(
        id=row.id,
        answered_at=as_utc(row.answered_at),
        local_date=row.local_date,
        pain=row.pain,
        enjoyment=row.enjoyment,
        activity=row.activity,
        score=scoring.score([row.pain, row.enjoyment, row.activity]),
        baseline=row.id == baseline.id,
        baseline_score=scoring.score([baseline.pain, baseline.enjoyment, baseline.activity]),
        change_points=scoring.change_points(total(baseline), total(row)),
        change_percent=scoring.change_percent(total(baseline), total(row)),
        meaningful_improvement=change.improved,
        meaningful_worsening=change.worsened,
        created_at=as_utc(row.created_at),
    )


def responses(db: Session, user_id: uuid.UUID) -> list[PegResponse]:
    """Every response of the person, oldest first (the first is the baseline)."""
    return list(
        db.exec(
            select(PegResponse)
            .where(PegResponse.user_id == user_id)
            .order_by(col(PegResponse.answered_at), col(PegResponse.id))
        ).all()
    )


def baseline_of(db: Session, user_id: uuid.UUID) -> PegResponse | None:
    return db.exec(
        select(PegResponse)
        .where(PegResponse.user_id == user_id)
        .order_by(col(PegResponse.answered_at), col(PegResponse.id))
        .limit(1)
    ).first()


def canonical_content(payload: PegResponseCreate) -> dict[str, Any]:
    return {
        "answered_at": as_utc(payload.answered_at).isoformat(),
        "pain": payload.pain,
        "enjoyment": payload.enjoyment,
        "activity": payload.activity,
    }


def record_response(
    db: Session, user: User, payload: PegResponseCreate, now: datetime
) -> Created[PegResponsePublic]:
    """Store a response once: a repeat with the same id and content returns the stored one;
    other content under that id is a conflict."""

    def repeat(existing: PegResponse) -> PegResponsePublic:
        baseline = baseline_of(db, user.id) or existing
        return to_public(existing, baseline, meaningful_change(db))

    digest = fingerprint(canonical_content(payload))
    return create_once(
        db,
        PEG_RESPONSE_IDS,
        PegResponse,
        client_id=payload.id,
        user_id=user.id,
        digest=digest,
        store=lambda response_id: _record_new(db, user, payload, digest, response_id, now),
        repeat=repeat,
    )


def _record_new(
    db: Session,
    user: User,
    payload: PegResponseCreate,
    digest: str,
    response_id: uuid.UUID,
    now: datetime,
) -> PegResponsePublic | None:
    """Check and store a new response under `response_id`; None when the id is taken."""
    refuse_future(PEG_RESPONSE_IDS, payload.answered_at, now)
    thresholds = meaningful_change(db)
    row = PegResponse(
        id=response_id,
        user_id=user.id,
        answered_at=as_utc(payload.answered_at),
        local_date=local_date(payload.answered_at, user.timezone),
        pain=payload.pain,
        enjoyment=payload.enjoyment,
        activity=payload.activity,
        fingerprint=digest,
    )
    try:
        # A savepoint, so that losing the race for the id leaves the transaction usable.
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError:
        if db.get(PegResponse, response_id) is None:
            raise
        return None
    baseline = baseline_of(db, user.id) or row
    public = to_public(row, baseline, thresholds)
    if not public.baseline:
        _report(db, user, row, public, now)
    return public


def _report(
    db: Session, user: User, row: PegResponse, public: PegResponsePublic, now: datetime
) -> None:
    """A meaningful worsening raises a concern with the safety state; a response that is not
    one clears the PEG concern an earlier response raised."""
    worse = public.meaningful_worsening
    reason = safety_logic.PEG_WORSENING_REASON.format(
        baseline=f"{public.baseline_score:g}", score=f"{public.score:g}"
    )
    safety.report(
        db,
        user.id,
        safety.Report(
            source=ConcernSource.PEG,
            source_id=row.id,
            reported_at=as_utc(row.answered_at),
            local_date=row.local_date,
            timeframe=CareTimeframe.SOON if worse else None,
            reasons=[reason] if worse else [],
            pain=row.pain,
        ),
        now,
    )


def get_owned_response(db: Session, response_id: uuid.UUID, user_id: uuid.UUID) -> PegResponse:
    row = db.exec(
        select(PegResponse).where(PegResponse.id == response_id, PegResponse.user_id == user_id)
    ).first()
    if row is None:
        raise PegResponseNotFound(response_id)
    return row


def public_response(db: Session, row: PegResponse) -> PegResponsePublic:
    baseline = baseline_of(db, row.user_id) or row
    return to_public(row, baseline, meaningful_change(db))


def delete_response(db: Session, row: PegResponse) -> None:
    db.delete(row)
    db.flush()


LIST_ORDER = (
    SortKey(col(PegResponse.answered_at), descending=True),
    SortKey(col(PegResponse.id), descending=True),
)


def list_responses(
    db: Session, user: User, *, limit: int, cursor: str | None, now: datetime
) -> PegResponseList:
    start = None
    if cursor is not None:
        start = Cursor.decode(cursor, CURSOR_LOC, sync=False, width=2).key
        if not isinstance(start[0], datetime) or not isinstance(start[1], uuid.UUID):
            raise InvalidInput("`cursor` is not a cursor this service issued.", loc=CURSOR_LOC)
    query = select(PegResponse).where(PegResponse.user_id == user.id)
    rows, next_key = fetch_keyset(
        db,
        query,
        LIST_ORDER,
        lambda r: (as_utc(r.answered_at), r.id),
        start=start,
        limit=limit,
    )
    baseline = baseline_of(db, user.id)
    thresholds = meaningful_change(db) if baseline is not None else None
    latest = db.exec(
        query.order_by(col(PegResponse.answered_at).desc(), col(PegResponse.id).desc()).limit(1)
    ).first()
    today = local_date(now, user.timezone)
    next_due = today if latest is None else latest.local_date + INTERVAL
    return PegResponseList(
        data=[to_public(r, baseline or r, thresholds) for r in rows if thresholds is not None],
        count=count(db, query),
        next_cursor=None if next_key is None else Cursor(next_key, False, "").encode(),
        next_due_on=next_due,
    )


def export_responses(db: Session, user_id: uuid.UUID) -> list[dict[str, Any]]:
    return [
        {
            "id": str(r.id),
            "answered_at": as_utc(r.answered_at).isoformat(),
            "local_date": r.local_date.isoformat(),
            "pain": r.pain,
            "enjoyment": r.enjoyment,
            "activity": r.activity,
            "score": scoring.score([r.pain, r.enjoyment, r.activity]),
            "created_at": as_utc(r.created_at).isoformat(),
        }
        for r in responses(db, user_id)
    ]
