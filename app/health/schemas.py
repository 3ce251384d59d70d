from pydantic import BaseModel, Field


class HealthStatus(BaseModel):
    """Liveness or readiness of the service."""

    status: str = Field(description="`ok` when healthy.", examples=["ok"])
