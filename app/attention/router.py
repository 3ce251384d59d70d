from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.accounts.dependencies import CurrentUser
from app.attention import service
from app.attention.errors import AttentionItemNotFound
from app.attention.schemas import AttentionFilter, AttentionItemPublic, AttentionList
from app.contract.types import Uuid
from app.core.clock import NowDep
from app.core.db import DbDep
from app.core.errors import problem_responses

router = APIRouter(tags=["progress"])

ItemId = Annotated[Uuid, Path(description="Id of the attention item (a UUID).")]


@router.get(
    "/progress/attention",
    response_model=AttentionList,
    summary="List attention items",
    responses=problem_responses(401, 422),
)
def list_attention(
    db: DbDep,
    user: CurrentUser,
    status: Annotated[
        AttentionFilter, Query(description="`open` (the default), `acknowledged` or `all`.")
    ] = AttentionFilter.OPEN,
) -> AttentionList:
    """What in your diary calls for a review, most urgent first (`now`, `today`, `soon`,
    `routine`), then newest: a warning sign reported in a check-in (even one replaced since) or
    a signed-in recommendation, lasting severe pain, a PEG worsening, pain 2 or more above your
    first week's on 3 check-ins in a row, no meaningful PEG improvement after 6 weeks, or 3
    flare-ups within 14 days. Each comes with the reason, what to do and, unless it needs
    emergency or same-day care, the referral. docs/api.md (Pain diary) gives the rules and
    their sources."""
    items = service.list_items(db, user, status)
    return AttentionList(data=items, count=len(items))


@router.post(
    "/progress/attention/{item_id}/acknowledge",
    response_model=AttentionItemPublic,
    summary="Acknowledge an attention item",
    responses=problem_responses(401, AttentionItemNotFound, 422),
)
def acknowledge_attention(
    db: DbDep, user: CurrentUser, now: NowDep, item_id: ItemId
) -> AttentionItemPublic:
    """Mark an item as seen; it leaves the open list. Acknowledging it again changes nothing."""
    return service.acknowledge(db, user, item_id, now)
