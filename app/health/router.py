import asyncio

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from app.core.config import get_settings
from app.core.db import EngineDep
from app.core.errors import problem_responses
from app.health import service
from app.health.schemas import HealthStatus

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    response_model=HealthStatus,
    summary="Liveness",
)
async def healthz() -> HealthStatus:
    """The process is up and serving requests."""
    return HealthStatus(status="ok")


@router.get(
    "/readyz",
    response_model=HealthStatus,
    summary="Readiness",
    responses=problem_responses(service.NotReady),
)
async def readyz(engine: EngineDep) -> HealthStatus:
    """The database answers, is migrated to the latest revision and holds the seed data.
    Answers within `READINESS_TIMEOUT_SECONDS` whatever the database does."""
    timeout = get_settings().readiness_timeout_seconds
    try:
        await asyncio.wait_for(run_in_threadpool(service.check_ready, engine), timeout)
    except TimeoutError as exc:
        raise service.NotReady(
            "The database did not answer within {seconds} s.", seconds=f"{timeout:g}"
        ) from exc
    return HealthStatus(status="ok")
