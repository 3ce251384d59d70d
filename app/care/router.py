from fastapi import APIRouter

from app.care import service
from app.care.errors import ReferralNotFound
from app.care.routes import CareRouteList
from app.care.schemas import CareReferralPublic
from app.core.caching import NOT_MODIFIED, CachedRoute
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.replay import ReplayableDep
from app.core.versioning import with_deprecated_fields
from app.exercises.errors import ArticleNotLoaded

router = APIRouter(
    tags=["care"], route_class=CachedRoute, responses=NOT_MODIFIED, dependencies=[ReplayableDep]
)


@router.get(
    "/care/referral",
    response_model=CareReferralPublic,
    summary="Get the care referral",
    responses=problem_responses(ReferralNotFound, ArticleNotLoaded),
    dependencies=[with_deprecated_fields()],
)
def get_care_referral(session: SessionDep) -> CareReferralPublic:
    """Where to go for in-person care when self-guided exercise is not the right step (the
    article's own pointer to a back pain specialist), with the article's general disclaimer."""
    return service.get_care_referral(session)


@router.get("/care/routes", response_model=CareRouteList, summary="List care routes by region")
def list_care_routes() -> CareRouteList:
    """Where to get care in each region kept (`region`, an ISO 3166-1 alpha-2 code): the
    emergency number, the urgent route for a doctor today, the routine route and
    physiotherapy self-referral where it exists, each with its source; and the `fallback`
    used for any other region or none. Recommendations name the route for the request's or
    the profile's `region`."""
    return service.list_care_routes()
