"""Loads the catalog and the care content, runs the pure decision, shapes the answer."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from app.accounts.models import User
from app.care import service as care_service
from app.care.routes import CareRoute, route_for
from app.care.schemas import ReferralPublic
from app.core.clock import local_date
from app.exercises import service as exercises
from app.exercises.catalog import CatalogMove
from app.exercises.errors import ArticleNotLoaded
from app.i18n import DEFAULT_LANGUAGE, current_language
from app.i18n.catalog import (
    Translated,
    TranslationStatus,
    format_translated,
    joined,
    translate,
    weakest,
)
from app.i18n.phrases import say
from app.i18n.schemas import TranslationPublic
from app.media import service as media_service
from app.media.schemas import MoveMedia
from app.recommendations.citations import triage_sources
from app.recommendations.logic import (
    NOTHING_LEFT_MESSAGE,
    SELF_CARE_MESSAGE,
    Answers,
    Recommendation,
    Words,
    reason_texts,
    recommend,
)
from app.recommendations.schemas import (
    AnswerField,
    CautionQuestion,
    CitationKind,
    CitationPublic,
    ExcludedMove,
    ExerciseBrief,
    RecommendationCreate,
    RecommendationPublic,
    RecommendedMove,
    ScreeningQuestionList,
    ScreeningQuestionPublic,
    Triage,
    WarningSignQuestion,
)
from app.recommendations.screening import CAUTION_QUESTIONS, WARNING_SIGNS
from app.safety import logic as safety_logic
from app.safety import service as safety
from app.safety.models import SafetyConcern
from app.safety.schemas import CareTimeframe, ConcernSource, SafetyState, TriageLevel
from app.shared.content import PerVersion


def citation_public(citation_id: str) -> CitationPublic:
    """A citation id from the rule tables, with its source's words (seed/triage_sources.json)."""
    known = triage_sources()
    entry = known.citations[citation_id]
    if entry.source is None:
        return CitationPublic(
            id=citation_id,
            kind=CitationKind.INFERRED,
            title=None,
            publisher=None,
            url=None,
            section=None,
            quotes=[],
            reason=entry.reason,
        )
    source = known.sources[entry.source]
    return CitationPublic(
        id=citation_id,
        kind=CitationKind.ARTICLE if entry.source == "article" else CitationKind.GUIDANCE,
        title=source.title,
        publisher=source.publisher,
        url=source.url,
        section=entry.section,
        quotes=list(entry.quotes),
        reason=entry.reason,
    )


def _question_words(text: str, help: str, language: str) -> dict[str, Any]:
    """A question and its help line in `language`, with the weaker of their two translation
    statuses; both in English when either has no entry."""
    question, line = translate(text, language), translate(help, language)
    if question.language != line.language:
        # Never half one language and half another: both in English then.
        question = Translated(text, DEFAULT_LANGUAGE, TranslationStatus.ORIGINAL)
        line = Translated(help, DEFAULT_LANGUAGE, TranslationStatus.ORIGINAL)
    weaker = weakest(question, line)
    assert weaker is not None
    return {
        "text": question.text,
        "help": line.text,
        "translation": TranslationPublic.of(weaker),
    }


def list_screening_questions(language: str = DEFAULT_LANGUAGE) -> ScreeningQuestionList:
    data: list[ScreeningQuestionPublic] = [
        WarningSignQuestion(
            id=q.id,
            **_question_words(q.text, q.help, language),
            tier=q.tier,
            answer_in=AnswerField.RED_FLAGS,
            timeframe=q.timeframe,
            citations=[citation_public(c) for c in q.citations],
        )
        for q in WARNING_SIGNS
    ] + [
        CautionQuestion(
            id=q.id,
            **_question_words(q.text, q.help, language),
            tier=q.tier,
            answer_in=AnswerField.CAUTIONS,
            timeframe=None,
            citations=[],
        )
        for q in CAUTION_QUESTIONS
    ]
    return ScreeningQuestionList(data=data, count=len(data))


def age_from_birth_year(birth_year: int, today: date) -> int:
    """The age a person turns this year: with a birth year alone, the upper of the two ages
    they can be, so "over 50" is never missed."""
    return today.year - birth_year


@dataclass(frozen=True)
class Content:
    """What a recommendation is made from besides the answers; built once per content
    version."""

    catalog: list[CatalogMove]
    media: dict[str, MoveMedia | None]
    referral: ReferralPublic | None
    disclaimer: str | None
    """None when the article is not loaded: emergency guidance is given all the same."""


def _load_content(db: Session) -> Content:
    try:
        disclaimer: str | None = exercises.get_disclaimer(db)
    except ArticleNotLoaded:
        disclaimer = None
    catalog = exercises.catalog(db)
    return Content(
        catalog=list(catalog.moves),
        media={
            move.slug: media_service.move_media(move.slug, move.steps) for move in catalog.moves
        },
        referral=care_service.find_default_referral(db),
        disclaimer=disclaimer,
    )


CONTENT_FOR_RECOMMENDATIONS = PerVersion(_load_content)


def answer_for(
    db: Session, body: RecommendationCreate, user: User | None, today: date | None
) -> RecommendationPublic:
    """The recommendation for these answers alone. With a person, the profile's birth year
    (the age on `today`) and region fill in `age` and `region` when the answers leave them
    out."""
    age = body.age
    if age is None and user is not None and user.birth_year is not None and today is not None:
        age = age_from_birth_year(user.birth_year, today)
    region = body.region if body.region is not None else (user.region if user else None)
    answers = Answers(
        area=body.area,
        pain_level=body.pain_level,
        red_flags=frozenset(body.red_flags),
        cautions=frozenset(body.cautions),
        limitations=frozenset(body.limitations),
        duration_weeks=body.duration_weeks,
        age=age,
    )
    content = CONTENT_FOR_RECOMMENDATIONS.get(db)
    route = route_for(region)
    return to_public(content, recommend(answers, content.catalog, route=route), route)


def create_recommendation(
    db: Session,
    body: RecommendationCreate,
    user: User | None = None,
    now: datetime | None = None,
) -> RecommendationPublic:
    """The recommendation for the answers (`answer_for`). Signed in, the answers are reported
    to the person's safety state first, and the state decides: while a concern holds
    exercise, no moves."""
    today = local_date(now, user.timezone) if user is not None and now is not None else None
    public = answer_for(db, body, user, today)
    if user is None or now is None:
        return public
    if user.health_data_consent_at is not None:
        # Answers are health data: recorded only with consent; the state is obeyed either way.
        _report(db, user, body, public, now)
    state = safety.current(db, user.id, now)
    assert state.public is not None
    holding = state.holding
    if holding is None:
        return public.model_copy(update={"safety": state.public})
    return _held(CONTENT_FOR_RECOMMENDATIONS.get(db), public, holding, state.public)


def _report(
    db: Session,
    user: User,
    body: RecommendationCreate,
    answer: RecommendationPublic,
    now: datetime,
) -> None:
    timeframe = answer.triage.timeframe
    raises = timeframe in safety_logic.CONCERN_TIMEFRAMES
    safety.report(
        db,
        user.id,
        safety.Report(
            source=ConcernSource.RECOMMENDATION,
            source_id=None,
            reported_at=now,
            local_date=local_date(now, user.timezone),
            timeframe=timeframe if raises else None,
            reasons=answer.triage.reasons if raises else (),
            red_flags=sorted({f.value for f in body.red_flags}),
            cautions=sorted({c.value for c in body.cautions}),
            pain=body.pain_level,
            area=body.area.value,
            advice=answer.triage.message,
        ),
        now,
    )


def _held(
    content: Content,
    answer: RecommendationPublic,
    holding: SafetyConcern,
    state: SafetyState,
) -> RecommendationPublic:
    """The answer while a concern holds exercise: no moves, and the concern's triage when it is
    more urgent than the answers' own (or they would have had moves)."""
    timeframe = CareTimeframe(holding.timeframe)
    own = answer.triage
    if own.level is not TriageLevel.SELF_CARE and safety_logic.urgency(
        own.timeframe
    ) <= safety_logic.urgency(timeframe):
        return answer.model_copy(update={"safety": state, "general_guidance": None})
    held = safety_logic.HELD_REASON.format(day=holding.opened_on.isoformat())
    guidance = safety.translated_guidance_of(holding)
    reasons = translated_reasons([*holding.reasons, held])
    both = weakest(guidance, *reasons)
    assert both is not None
    soon = timeframe is CareTimeframe.SOON
    return answer.model_copy(
        update={
            "triage": Triage(
                level=safety_logic.level_of(timeframe),
                timeframe=timeframe,
                pain_band=own.pain_band,
                reasons=[reason.text for reason in reasons],
                message=guidance.text,
                translation=TranslationPublic.of(both),
                # The concern's own answers were cited when it opened; these are today's.
                citations=own.citations,
            ),
            "moves": [],
            "excluded": [],
            "estimated_seconds": 0,
            "estimated_total_seconds": 0,
            "referral": answer.referral if soon else None,
            "disclaimer": content.disclaimer if soon else None,
            "general_guidance": None,
            "safety": state,
        }
    )


# The templates and phrases a reason is made of, a concern's stored reasons included.
REASON_TEXTS = (*reason_texts(), safety_logic.HELD_REASON, *safety_logic.TREND_REASONS)


def translated_reasons(reasons: Sequence[str]) -> list[Translated]:
    """Each reason in the request's language where every part of it has a translation."""
    language = current_language()
    return [say(reason, REASON_TEXTS, language) for reason in reasons]


def translated_message(message: str, words: Words) -> Translated:
    """The triage message in the request's language: a message that sends the person to be
    seen (its template and the care route's words translated), or a self-care message and
    the advice to book a review after it. A message made otherwise stays in English."""
    for template, values in words.safety_templates():
        if template.format(**values) == message:
            return format_translated(template, **values)
    for base in (SELF_CARE_MESSAGE, NOTHING_LEFT_MESSAGE):
        if message == base:
            return translate(base)
        if message == base + words.routine_advice():
            template, values = words.routine_parts()
            return joined(message, translate(base), format_translated(template, **values))
    return Translated(message, DEFAULT_LANGUAGE, TranslationStatus.ORIGINAL)


def to_public(
    content: Content, result: Recommendation, route: CareRoute | None = None
) -> RecommendationPublic:
    referral = (
        care_service.localized(content.referral)
        if result.offer_referral and content.referral
        else None
    )
    disclaimer = content.disclaimer if result.show_disclaimer else None
    if result.show_disclaimer and disclaimer is None:
        raise ArticleNotLoaded()
    language = current_language()
    message = translated_message(result.triage.message, Words.of(route))
    reasons = translated_reasons(result.triage.reasons)
    both = weakest(message, *reasons)
    assert both is not None
    return RecommendationPublic(
        triage=Triage(
            level=result.triage.level,
            timeframe=result.triage.timeframe,
            pain_band=result.triage.pain_band,
            reasons=[reason.text for reason in reasons],
            message=message.text,
            translation=TranslationPublic.of(both),
            citations=[citation_public(c) for c in result.triage.citations],
        ),
        moves=[
            RecommendedMove(
                exercise=ExerciseBrief(
                    slug=pick.move.slug,
                    name=pick.move.name,
                    name_translated=exercises.translated_text(pick.move.name, language),
                    kind=pick.move.kind,
                    position=pick.move.position,
                ),
                relevance=pick.relevance,
                reason=pick.move.benefit,
                reason_translated=exercises.translated_text(pick.move.benefit, language),
                dose=pick.move.dose,
                order=pick.order,
                rank=rank,
                estimated_seconds=pick.estimated_seconds,
                media=content.media.get(pick.move.slug),
            )
            # In the order they are done; `rank` keeps the best-match order.
            for rank, pick in sorted(enumerate(result.moves, start=1), key=lambda p: p[1].order)
        ],
        excluded=[
            ExcludedMove(
                slug=ex.move.slug,
                name=ex.move.name,
                name_translated=exercises.translated_text(ex.move.name, language),
                reason=" ".join(r.text for r in translated_reasons(ex.reasons)),
                causes=list(ex.causes),
            )
            for ex in result.excluded
        ],
        estimated_seconds=result.estimated_total_seconds,
        estimated_total_seconds=result.estimated_total_seconds,
        referral=referral,
        care_route=care_service.localized_route(route or route_for(None)),
        disclaimer=disclaimer,
        general_guidance=(
            safety.general_guidance() if result.triage.level is TriageLevel.SELF_CARE else None
        ),
        safety=None,
    )
