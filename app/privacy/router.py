from fastapi import APIRouter, status

from app.accounts.dependencies import CurrentUser, limited_per_account
from app.contract.versioning import with_deprecated_fields
from app.core.clock import NowDep
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.core.ratelimit import EXPORT_BUCKET
from app.exercises.errors import ArticleNotLoaded
from app.privacy import service
from app.privacy.schemas import AccountExport
from app.shared.personal_data import PersonalData

router = APIRouter(tags=["accounts"])


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete my account",
    responses=problem_responses(401),
)
def delete_me(db: DbDep, user: CurrentUser, sources: PersonalData) -> None:
    """Delete the account with everything that belongs to it: tokens, consents, emails,
    routines, logged sessions. This cannot be undone."""
    service.delete_account(db, user, sources)


@router.get(
    "/me/export",
    response_model=AccountExport,
    summary="Export my data",
    responses=problem_responses(401, ArticleNotLoaded),
    dependencies=[with_deprecated_fields(), limited_per_account(EXPORT_BUCKET)],
)
def export_me(db: DbDep, user: CurrentUser, now: NowDep, sources: PersonalData) -> AccountExport:
    """Everything stored about the account, as one JSON document."""
    return service.export_account(db, user, now, sources)
