from fastapi import APIRouter

from app.core.db import EngineDep
from app.core.errors import problem_responses
from app.health import service
from app.health.schemas import HealthStatus

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthStatus, summary="Liveness")
def healthz() -> HealthStatus:
    """The process is up and serving requests."""
    return HealthStatus(status="ok")


@router.get(
    "/readyz", response_model=HealthStatus, summary="Readiness", responses=problem_responses(503)
)
def readyz(engine: EngineDep) -> HealthStatus:
    """The database is reachable and migrated to the latest revision."""
    service.check_ready(engine)
    return HealthStatus(status="ok")
