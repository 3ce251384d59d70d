"""The reminder worker's settings, read from the environment like the server's (the database
is the server's own `DATABASE_URL`)."""

from enum import StrEnum
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SenderKind(StrEnum):
    LOG = "log"
    HTTP = "http"


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Where the job queue keeps its tasks, schedule and locks: redis://host:6379/0 in
    # production (every worker must share it), or a SQLite file on a laptop.
    job_queue_url: str = "sqlite:///./backpain-jobs.db"
    # Queue name, and the key prefix in Redis: give each deployment sharing a Redis its own.
    job_queue_name: str = Field(default="backpain", min_length=1, max_length=64)
    # Threads per worker process that send reminders.
    worker_threads: int = Field(default=2, ge=1, le=32)
    # How late an occurrence may still be reminded of (a worker that was down catches up),
    # and when an unsent reminder is given up.
    reminder_catch_up_minutes: int = Field(default=30, ge=1, le=24 * 60)
    reminder_give_up_minutes: int = Field(default=120, ge=1, le=48 * 60)
    # A claim older than this belongs to a worker that died, and another takes it over.
    reminder_lease_seconds: int = Field(default=300, ge=10, le=3600)
    reminder_max_attempts: int = Field(default=5, ge=1, le=50)
    reminder_retry_delay_seconds: int = Field(default=60, ge=1, le=3600)
    # `log` writes notifications to the log; `http` posts them to PUSH_GATEWAY_URL.
    push_sender: SenderKind = SenderKind.LOG
    push_gateway_url: str | None = None
    push_gateway_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    push_gateway_attempts: int = Field(default=3, ge=1, le=10)
    push_gateway_backoff_seconds: float = Field(default=0.5, ge=0, le=60)
    # Serve this worker's metrics (reminders by result and reason, emails sent and failed, its
    # database pool) at http://<host>:<port>/metrics; none: not served.
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)


@lru_cache
def get_worker_settings() -> WorkerSettings:
    return WorkerSettings()


def worker_problems(settings: WorkerSettings, production: bool) -> list[str]:
    """Settings that must stop the worker from starting, one sentence each."""
    problems = []
    scheme = settings.job_queue_url.partition("://")[0]
    if scheme not in ("redis", "rediss", "sqlite"):
        problems.append(
            "JOB_QUEUE_URL must be a Redis URL (redis://host:6379/0) or a SQLite file "
            "(sqlite:///./backpain-jobs.db)"
        )
    elif production and scheme == "sqlite":
        problems.append(
            "JOB_QUEUE_URL points at a SQLite file, which only workers on one machine can "
            "share; set it to Redis (redis://host:6379/0)"
        )
    if settings.push_sender == SenderKind.HTTP:
        url = settings.push_gateway_url or ""
        if not url.startswith(("http://", "https://")):
            problems.append("PUSH_SENDER=http needs PUSH_GATEWAY_URL (https://...)")
    return problems
