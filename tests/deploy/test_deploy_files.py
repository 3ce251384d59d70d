"""What the schema checks in .ci/run cannot see: that compose.yaml and the Kubernetes
manifests fit together and fit the service (probes, secrets, shutdown timing, scaling)."""

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.pool import QueuePool

from app.core.config import Settings
from app.core.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"


def manifests() -> dict[str, dict[str, Any]]:
    """Each manifest under "Kind/name", and the API's under its kind alone."""
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            docs[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
            if doc["metadata"]["name"] != WORKER:
                docs[doc["kind"]] = doc
    return docs


WORKER = "backpain-worker"


def seconds(value: str) -> int:
    assert value.endswith("s")
    return int(value[:-1])


def test_compose_runs_two_replicas_after_migrating_once_with_healthy_backends() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "app", "worker"}
    app, migrate = services["app"], services["migrate"]
    assert app["deploy"]["replicas"] == 2
    assert app["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert migrate["command"] == ["backpain-migrate"]
    assert "command" not in app  # the image's own command serves
    for name in ("postgres", "redis", "app"):
        assert services[name]["healthcheck"]["test"], name
    env = app["environment"]
    assert env["ENVIRONMENT"] == "production"
    assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["RATE_LIMIT_STORAGE_URL"].startswith("redis://redis:")
    assert "${JWT_SECRET:?" in env["JWT_SECRET"]  # required, never a default
    assert seconds(app["stop_grace_period"]) > int(env["SHUTDOWN_GRACE_SECONDS"])


def test_compose_runs_the_reminder_worker_on_the_same_database_and_a_redis_queue() -> None:
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    worker, app = services["worker"], services["app"]
    assert worker["command"] == ["backpain-worker"]
    assert worker["image"] == app["image"]
    assert worker["environment"]["DATABASE_URL"] == app["environment"]["DATABASE_URL"]
    queue = worker["environment"]["JOB_QUEUE_URL"]
    assert queue.startswith("redis://redis:")
    # Not the rate limiter's database: the two never share keys.
    assert queue != app["environment"]["RATE_LIMIT_STORAGE_URL"]
    assert worker["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "ports" not in worker and "healthcheck" not in worker


def test_the_worker_deployment_runs_the_api_image_with_its_settings() -> None:
    docs = manifests()
    worker = docs[f"Deployment/{WORKER}"]
    pod = worker["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    (api,) = docs["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["backpain-worker"]
    assert container["image"] == api["image"]
    assert container["envFrom"] == api["envFrom"]
    assert "ports" not in container
    labels = worker["spec"]["template"]["metadata"]["labels"]
    # No Service, budget or autoscaler of the API's takes the workers for API pods.
    assert not docs["Service"]["spec"]["selector"].items() <= labels.items()
    assert (
        not docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    )
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {"cpu", "memory"} <= set(container["resources"]["limits"])


def test_the_deployment_probes_secrets_and_resources() -> None:
    docs = manifests()
    deployment = docs["Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    resources = container["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"]) & set(resources["limits"])
    sources = {next(iter(s)): s[next(iter(s))]["name"] for s in container["envFrom"]}
    assert sources == {"configMapRef": "backpain", "secretRef": "backpain"}
    # Nothing secret is written into the manifests themselves.
    config = docs["ConfigMap"]["data"]
    assert not {"JWT_SECRET", "DATABASE_URL", "RATE_LIMIT_STORAGE_URL"} & set(config)
    assert "Secret" not in docs
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    # After the preStop pause the server gets SHUTDOWN_GRACE_SECONDS before the SIGKILL.
    pause = int(container["lifecycle"]["preStop"]["exec"]["command"][1])
    grace = int(config["SHUTDOWN_GRACE_SECONDS"])
    assert pod["terminationGracePeriodSeconds"] > pause + grace
    assert grace == Settings.model_fields["shutdown_grace_seconds"].default


def test_job_service_autoscaler_and_budget_point_at_the_deployment() -> None:
    docs = manifests()
    labels = docs["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert docs["Service"]["spec"]["selector"].items() <= labels.items()
    assert docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    target = docs["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == (
        "Deployment",
        docs["Deployment"]["metadata"]["name"],
    )
    assert docs["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2
    job = docs["Job"]["spec"]["template"]["spec"]
    (migrate,) = job["containers"]
    assert migrate["command"] == ["backpain-migrate"]
    assert (
        migrate["image"] == docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"]
    )
    assert job["restartPolicy"] == "Never"


def test_the_cluster_fits_postgresqls_default_connection_limit() -> None:
    """Every worker of every replica the autoscaler may run, at its pool's full overflow,
    stays inside PostgreSQL's default max_connections (100) with room for the migration
    Job and an operator's session."""
    docs = manifests()
    config = docs["ConfigMap"]["data"]
    settings = Settings(database_pool_size=int(config["DATABASE_POOL_SIZE"]))
    pool = make_engine("postgresql+psycopg://app@127.0.0.1:1/none", settings).pool
    assert isinstance(pool, QueuePool)
    per_worker = pool.size() + pool._max_overflow  # nothing connects: only the sizes are read
    replicas = docs["HorizontalPodAutoscaler"]["spec"]["maxReplicas"]
    # Each reminder worker is one process with the same pool.
    workers = docs[f"Deployment/{WORKER}"]["spec"]["replicas"]
    assert (replicas * int(config["WEB_CONCURRENCY"]) + workers) * per_worker <= 90


def test_every_setting_is_in_the_operations_guide() -> None:
    operations = (ROOT / "docs" / "operations.md").read_text()
    table = operations[operations.index("## Configuration") : operations.index("## Deploying")]
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in table]
    assert missing == []
