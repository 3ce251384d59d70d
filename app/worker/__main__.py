"""`python -m app.worker`: runs the reminder jobs against the server's database.

Start one or more beside the web server (docs/operations.md says how many); each runs the schedule
and `WORKER_THREADS` threads that send. Stop with SIGINT or SIGTERM: tasks in flight finish.
"""

import argparse
import inspect
import logging
import signal
import sys

from huey.consumer import Consumer
from pydantic import ValidationError

from app.core import cli
from app.core.config import database_problem, describe_validation_error, get_settings
from app.core.db import get_engine
from app.core.error_reports import configure_error_reports
from app.core.mail import mailer_from_settings
from app.core.observability import configure_logging
from app.core.tracing import configure_tracing
from app.worker.jobs import (
    make_queue,
    make_sender,
    policy_of,
    register_account_upkeep,
    register_jobs,
)
from app.worker.settings import get_worker_settings, worker_problems

logger = logging.getLogger("app.worker")


def parser() -> argparse.ArgumentParser:
    return cli.command_parser(
        "python -m app.worker",
        "Run the reminder worker: the plan-reminder schedule, the push sender, the email "
        "outbox's retries and the hourly purge, against the server's database, until SIGINT "
        "or SIGTERM (tasks in flight finish first). Same as backpain-worker.",
        [
            cli.ENVIRONMENT,
            cli.DATABASE,
            ("JOB_QUEUE_URL", "the job queue: sqlite:///./backpain-jobs.db (default) or redis://"),
            ("JOB_QUEUE_NAME", "the queue's name and Redis key prefix (default backpain)"),
            ("WORKER_THREADS", "threads that send (default 2)"),
            ("PUSH_SENDER", "log (the default) or http, which posts to PUSH_GATEWAY_URL"),
            ("PUSH_GATEWAY_URL", "the push gateway, for PUSH_SENDER=http"),
            ("REMINDER_*", "catch-up, give-up, lease, attempts and retry delay of reminders"),
            ("WORKER_METRICS_PORT", "serve the worker's Prometheus metrics on this port"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "send traces over OTLP/HTTP (and the other OTEL_*)"),
            ("SENTRY_DSN", "report unhandled errors, scrubbed of health data"),
            *cli.SMTP,
            *cli.LOGGING,
        ],
        [
            (cli.EXIT_OK, "stopped by SIGINT or SIGTERM"),
            (cli.EXIT_USAGE, "unknown arguments"),
            (cli.EXIT_CONFIG, "a setting is missing or wrong (named on stderr); nothing ran"),
        ],
    )


def main(argv: list[str] | None = None) -> None:
    parser().parse_args(argv)
    try:
        settings = get_settings()
        worker = get_worker_settings()
        production = not settings.is_development
        problems = worker_problems(worker, production=production)
        if production and (problem := database_problem(settings.database_url)):
            problems.insert(0, problem)
    except ValidationError as exc:
        problems = [describe_validation_error(exc)]
    if problems:
        print("configuration error: " + "; ".join(problems), file=sys.stderr, flush=True)
        raise SystemExit(cli.EXIT_CONFIG)
    configure_logging(settings.log_level, settings.log_json)
    # Before the engine and the push client are made, so both are instrumented.
    configure_tracing("backpain-worker")
    configure_error_reports(settings, "backpain-worker")
    queue = make_queue(worker.job_queue_url, worker.job_queue_name)
    register_jobs(
        queue,
        get_engine,
        make_sender(worker),
        policy_of(worker),
        worker.reminder_retry_delay_seconds,
    )
    register_account_upkeep(queue, get_engine, lambda: mailer_from_settings(settings))
    options: dict[str, object] = {
        "workers": worker.worker_threads,
        "worker_type": "thread",
        "periodic": True,
        # A lock left by a worker that died would stop every later scan.
        "flush_locks": True,
    }
    if "graceful_signal" in inspect.signature(Consumer.__init__).parameters:
        # SIGTERM (Kubernetes, compose) then lets running tasks finish; older huey releases
        # stop at once, and a reminder cut off mid-send is taken over when its lease ends.
        options["graceful_signal"] = "TERM"
    if worker.worker_metrics_port is not None:
        from prometheus_client import start_http_server

        from app.core.observability import Metrics

        start_http_server(worker.worker_metrics_port, registry=Metrics().scrape_registry())
    consumer = queue.create_consumer(**options)
    # Until the consumer has put its own handlers in place, a stop request ends the process
    # at once: nothing has been claimed yet (and anything claimed is taken over later).
    signal.signal(signal.SIGTERM, _exit_now)
    logger.info("worker starting", extra={"threads": worker.worker_threads})
    consumer.run()


def _exit_now(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


if __name__ == "__main__":
    main()
