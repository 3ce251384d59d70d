from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response

from app.accounts.dependencies import OptionalCaller
from app.contract.caching import NOT_MODIFIED, ContentAnswerDep, vary_on_authorization
from app.contract.versioning import with_deprecated_fields
from app.core.clock import NowDep
from app.core.db import CallerDbDep
from app.core.errors import problem_responses
from app.exercises.errors import ArticleNotLoaded
from app.i18n import RequestLanguage
from app.recommendations import service
from app.recommendations.schemas import (
    CAUTION_EXAMPLE,
    RED_FLAG_EXAMPLE,
    SAME_DAY_EXAMPLE,
    SELF_CARE_EXAMPLE,
    RecommendationCreate,
    RecommendationPublic,
    ScreeningQuestionList,
)

router = APIRouter(tags=["recommendations"])
# The screen is fixed content: cacheable like the catalog. The POST stays uncached.
screening_router = APIRouter(responses=NOT_MODIFIED)

REQUEST_EXAMPLES: dict[str, Any] = {
    "self_care": {
        "summary": "Lower back pain, no warning signs",
        "description": "Gets the moves for the lower back, minus those done kneeling.",
        "value": SELF_CARE_EXAMPLE,
    },
    "red_flag": {
        "summary": "A red flag answered yes",
        "description": "New numbness around the genitals or buttocks: emergency guidance "
        "only, no moves, no clinic.",
        "value": RED_FLAG_EXAMPLE,
    },
    "same_day": {
        "summary": "Fever with back pain",
        "description": "A possible spinal infection: a same-day medical review, no moves.",
        "value": SAME_DAY_EXAMPLE,
    },
    "caution": {
        "summary": "Osteoporosis, pain for two months",
        "description": "Moves that bend the spine forward under load are held back, and the "
        "answer advises having the pain looked at.",
        "value": CAUTION_EXAMPLE,
    },
}


@screening_router.get(
    "/screening/questions",
    response_model=ScreeningQuestionList,
    summary="List safety-screen questions",
)
async def list_screening_questions(answer: ContentAnswerDep, language: RequestLanguage) -> Response:
    """The yes/no safety questions to ask before recommending moves, most serious first, each
    with a plain-language help line, in the language `Accept-Language` asks for where there is
    a translation (each question says its `translation` status). Ask them all; send the ids
    answered yes to `POST /v1/recommendations` in the field each question's `answer_in`
    names."""
    return await answer(lambda: service.list_screening_questions(language))


@router.post(
    "/recommendations",
    response_model=RecommendationPublic,
    summary="Recommend moves for reported pain",
    responses=problem_responses(400, 422, ArticleNotLoaded),
    # A signed-in person's answer depends on their safety state too.
    dependencies=[with_deprecated_fields(), Depends(vary_on_authorization)],
)
def create_recommendation(
    db: CallerDbDep,
    user: OptionalCaller,
    now: NowDep,
    body: Annotated[RecommendationCreate, Body(openapi_examples=REQUEST_EXAMPLES)],
) -> RecommendationPublic:
    """Triage the answers first; `red_flags` and `cautions` are required, because the screen
    comes first. `urgent_care` answers carry emergency guidance only. `see_doctor` answers get
    no moves: a same-day medical review (timeframe `today`) as the NHS tiers the sign, or a
    doctor in the next few days (`soon`) for a risk factor alone, severe pain (7-10) or an age
    under 16. A `self_care` answer gets the article's moves for the area, best match first,
    minus those held back by caution answers or limitations (listed in `excluded`), each with
    its reason, dose and step in the suggested order. `care_route` names the numbers and
    routes where the person is (`region`, or the profile's when signed in); the triage's
    `citations` give the words each rule rests on. With a token, the answers are recorded in
    your safety state (`GET /v1/me/safety`), which the answer then obeys: while a concern
    holds exercise it carries no moves."""
    return service.create_recommendation(db, body, user, now)


router.include_router(screening_router)
