from fastapi import APIRouter

from app.care import service
from app.care.errors import ArticleNotLoaded, ReferralNotFound
from app.care.schemas import CareReferralPublic
from app.core.caching import NOT_MODIFIED, CachedRoute
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.replay import ReplayableDep
from app.core.versioning import with_deprecated_fields

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
