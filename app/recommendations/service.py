"""Loads the catalog and the care content, runs the pure decision, shapes the answer."""

from sqlmodel import Session, col, select

from app.care import service as care_service
from app.exercises.models import Exercise
from app.exercises.service import to_public as exercise_to_public
from app.recommendations.logic import Answers, CatalogMove, Recommendation, recommend
from app.recommendations.schemas import (
    ExcludedMove,
    ExerciseBrief,
    RecommendationCreate,
    RecommendationPublic,
    RecommendedMove,
    ScreeningQuestionList,
    ScreeningQuestionPublic,
    Triage,
)
from app.recommendations.screening import SCREENING_QUESTIONS


def list_screening_questions() -> ScreeningQuestionList:
    data = [ScreeningQuestionPublic(id=q.id, text=q.text, tier=q.tier) for q in SCREENING_QUESTIONS]
    return ScreeningQuestionList(data=data, count=len(data))


def load_catalog(session: Session) -> list[CatalogMove]:
    """Every move in article order, reduced to what the decision needs."""
    rows = session.exec(select(Exercise).order_by(col(Exercise.sort_order), col(Exercise.id)))
    moves = []
    for row in rows.all():
        public = exercise_to_public(row)
        moves.append(
            CatalogMove(
                slug=public.slug,
                name=public.name,
                kind=public.kind,
                position=public.position,
                benefit=public.helps_with,
                dose=public.dose,
                targets={t.area: t.relevance for t in public.target_areas},
            )
        )
    return moves


def create_recommendation(session: Session, body: RecommendationCreate) -> RecommendationPublic:
    answers = Answers(
        area=body.area,
        pain_level=body.pain_level,
        red_flags=frozenset(body.red_flags),
        limitations=frozenset(body.limitations),
        duration_weeks=body.duration_weeks,
    )
    result = recommend(answers, load_catalog(session))
    return to_public(session, result)


def to_public(session: Session, result: Recommendation) -> RecommendationPublic:
    referral = care_service.find_default_referral(session) if result.offer_referral else None
    return RecommendationPublic(
        triage=Triage(
            level=result.triage.level,
            reasons=list(result.triage.reasons),
            message=result.triage.message,
        ),
        moves=[
            RecommendedMove(
                exercise=ExerciseBrief(
                    slug=pick.move.slug,
                    name=pick.move.name,
                    kind=pick.move.kind,
                    position=pick.move.position,
                ),
                relevance=pick.relevance,
                reason=pick.move.benefit,
                dose=pick.move.dose,
                order=pick.order,
                estimated_seconds=pick.estimated_seconds,
            )
            for pick in result.moves
        ],
        excluded=[
            ExcludedMove(
                slug=ex.move.slug,
                name=ex.move.name,
                reason=" ".join(ex.reasons),
                causes=list(ex.causes),
            )
            for ex in result.excluded
        ],
        estimated_total_seconds=result.estimated_total_seconds,
        referral=referral,
        disclaimer=care_service.get_disclaimer(session),
    )
