from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import get_engine, make_engine
from app.main import app
from tests.support import fresh_database


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_when_migrated(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def _readyz_against(engine: Engine, client: TestClient) -> dict:
    app.dependency_overrides[get_engine] = lambda: engine
    try:
        response = client.get("/readyz")
    finally:
        del app.dependency_overrides[get_engine]
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def test_readyz_is_503_on_an_unmigrated_database(client: TestClient) -> None:
    with fresh_database() as url:
        engine = make_engine(url)
        try:
            body = _readyz_against(engine, client)
        finally:
            engine.dispose()
    assert body["status"] == 503
    assert "migrated" in body["detail"]


def test_readyz_is_503_when_behind_head(client: TestClient, migrated_template: str) -> None:
    with fresh_database(template=migrated_template) as url:
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
            body = _readyz_against(engine, client)
        finally:
            engine.dispose()
    assert "latest migration" in body["detail"]


def test_readyz_is_503_when_the_database_is_unreachable(client: TestClient) -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    body = _readyz_against(engine, client)
    assert body["title"] == "Not ready"
