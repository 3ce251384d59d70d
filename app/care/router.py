from fastapi import APIRouter, Response

from app.care import service
from app.care.errors import ReferralNotFound
from app.care.routes import CareRouteList
from app.care.schemas import CareReferralPublic
from app.contract.caching import NOT_MODIFIED, ContentAnswerDep
from app.contract.versioning import with_deprecated_fields
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.exercises.errors import ArticleNotLoaded

# Both answers are the same for everyone and change only with the seed content.
router = APIRouter(tags=["care"], responses=NOT_MODIFIED)


@router.get(
    "/care/referral",
    response_model=CareReferralPublic,
    summary="Get the care referral",
    responses=problem_responses(ReferralNotFound, ArticleNotLoaded),
    dependencies=[with_deprecated_fields()],
)
async def get_care_referral(answer: ContentAnswerDep, db: DbDep) -> Response:
    """Where to go for in-person care when self-guided exercise is not the right step (the
    article's own pointer to a back pain specialist), with the article's general disclaimer."""
    return await answer(lambda: service.get_care_referral(db))


@router.get("/care/routes", response_model=CareRouteList, summary="List care routes by region")
async def list_care_routes(answer: ContentAnswerDep) -> Response:
    """Where to get care in each region kept (`region`, an ISO 3166-1 alpha-2 code): the
    emergency number, the urgent route for a doctor today, the routine route and
    physiotherapy self-referral where it exists, each with its source; and the `fallback`
    used for any other region or none. Recommendations name the route for the request's or
    the profile's `region`."""
    return await answer(service.list_care_routes)
