from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from app.accounts.dependencies import CurrentUser, HealthDataUser, limited_per_account
from app.contract.caching import NOT_MODIFIED, ContentAnswerDep
from app.contract.openapi import located
from app.contract.params import Cursor, Limit
from app.contract.types import Uuid
from app.core.clock import NowDep
from app.core.db import DbDep
from app.core.errors import problem_responses, raises
from app.core.ratelimit import UPLOAD_BUCKET
from app.outcomes import service
from app.outcomes.errors import PEG_RESPONSE_IDS, PegResponseNotFound, QuestionnaireNotLoaded
from app.outcomes.models import PegResponse
from app.outcomes.schemas import (
    PegResponseCreate,
    PegResponseList,
    PegResponsePublic,
    QuestionnairePublic,
)
from app.shared.idempotency import IdConflict, InFuture

router = APIRouter(tags=["outcomes"])
# The questionnaire is fixed content: cacheable like the screen.
questionnaire_router = APIRouter(responses=NOT_MODIFIED)

ResponseId = Annotated[Uuid, Path(description="Id of the PEG response (a UUID).")]


@raises(PegResponseNotFound)
def owned_response(user: CurrentUser, db: DbDep, response_id: ResponseId) -> PegResponse:
    """One of the caller's PEG responses; anyone else's is a 404."""
    return service.get_owned_response(db, response_id, user.id)


OwnedResponse = Annotated[PegResponse, Depends(owned_response)]


@questionnaire_router.get(
    "/outcomes/peg",
    response_model=QuestionnairePublic,
    summary="Get the PEG questionnaire",
    responses=problem_responses(QuestionnaireNotLoaded),
)
async def get_peg(answer: ContentAnswerDep, db: DbDep) -> Response:
    """The PEG three-item scale (pain, interference with enjoyment of life, interference with
    general activity, each 0-10 over the past week), with its anchors, scoring, schedule and
    citation. Public domain."""
    return await answer(lambda: service.get_questionnaire(db))


@router.post(
    "/outcomes/peg/responses",
    response_model=PegResponsePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Answer the PEG",
    responses={
        200: {
            "model": PegResponsePublic,
            **located(
                "This response (same id, same content) was already stored; nothing changed.",
                "the stored response",
            ),
        },
        201: located("The response was stored.", "the stored response"),
        **problem_responses(
            401,
            IdConflict(PEG_RESPONSE_IDS),
            InFuture(PEG_RESPONSE_IDS),
            QuestionnaireNotLoaded,
            422,
        ),
    },
    dependencies=[limited_per_account(UPLOAD_BUCKET)],
)
def create_peg_response(
    db: DbDep,
    user: HealthDataUser,
    now: NowDep,
    payload: PegResponseCreate,
    response: Response,
) -> PegResponsePublic:
    """Store the three answers; the answer is scored (the mean of the three) and compared with
    the first response, the baseline: a change of 30% or more is meaningful. Answer at the
    start, then weekly. Safe to retry with the same `id`."""
    recorded = service.record_response(db, user, payload, now)
    return recorded.sent(response, f"/v1/outcomes/peg/responses/{recorded.answer.id}")


@router.get(
    "/outcomes/peg/responses",
    response_model=PegResponseList,
    summary="List PEG responses",
    responses=problem_responses(401, 422, QuestionnaireNotLoaded),
)
def list_peg_responses(
    db: DbDep, user: CurrentUser, now: NowDep, limit: Limit = 50, cursor: Cursor = None
) -> PegResponseList:
    """The caller's responses, newest first, each scored against the baseline, and when the
    next one is due."""
    return service.list_responses(db, user, limit=limit, cursor=cursor, now=now)


@router.get(
    "/outcomes/peg/responses/{response_id}",
    response_model=PegResponsePublic,
    summary="Get one PEG response",
    responses=problem_responses(401, 404, 422, QuestionnaireNotLoaded),
)
def get_peg_response(db: DbDep, row: OwnedResponse) -> PegResponsePublic:
    """One of the caller's responses."""
    return service.public_response(db, row)


@router.delete(
    "/outcomes/peg/responses/{response_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a PEG response",
    responses=problem_responses(401, 404, 422),
)
def delete_peg_response(db: DbDep, row: OwnedResponse) -> None:
    """Delete one of the caller's responses (deleting the first makes the next the baseline)."""
    service.delete_response(db, row)


router.include_router(questionnaire_router)
