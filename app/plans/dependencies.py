from typing import Annotated

from fastapi import Depends, Path

from app.accounts.dependencies import CurrentUser
from app.contract.types import Uuid
from app.core.db import DbDep
from app.core.errors import raises
from app.plans import service
from app.plans.errors import PlanNotFound
from app.plans.models import Plan

PlanId = Annotated[Uuid, Path(description="Id of the plan (a UUID).")]


@raises(PlanNotFound)
def owned_plan(user: CurrentUser, db: DbDep, plan_id: PlanId) -> Plan:
    """One of the caller's plans; anyone else's is a 404."""
    return service.get_owned_plan(db, plan_id, user.id)


OwnedPlan = Annotated[Plan, Depends(owned_plan)]
