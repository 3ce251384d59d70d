"""Version header on every response, and the headers the deprecation policy promises."""

from datetime import date

import pytest
from fastapi.testclient import TestClient

from app.contract.versioning import API_VERSION, deprecated_since
from app.main import create_app


def test_every_api_path_answers_with_the_version(client) -> None:
    for path in ("/v1/exercises", "/v1/screening/questions", "/healthz", "/docs", "/nowhere"):
        assert client.get(path).headers["api-version"] == API_VERSION, path


def test_document_version_is_the_header_version(client) -> None:
    assert client.get("/openapi.json").json()["info"]["version"] == API_VERSION


def test_deprecated_route_announces_its_sunset_and_successor() -> None:
    app = create_app()

    def old_list() -> dict[str, str]:
        return {"ok": "yes"}

    app.add_api_route(
        "/v1/old-list",
        old_list,
        deprecated=True,
        dependencies=[
            deprecated_since(date(2027, 1, 1), date(2027, 7, 1), successor="/v2/new-list")
        ],
    )
    with TestClient(app) as client:
        response = client.get("/v1/old-list")
        spec = client.get("/openapi.json").json()
    assert response.status_code == 200
    assert response.headers["deprecation"] == "@1798761600"
    assert response.headers["sunset"] == "Thu, 01 Jul 2027 00:00:00 GMT"
    assert response.headers["link"] == '</v2/new-list>; rel="successor-version"'
    documented = spec["paths"]["/v1/old-list"]["get"]
    assert documented["deprecated"] is True
    assert {"Deprecation", "Sunset"} <= set(documented["responses"]["200"]["headers"])


def test_sunset_must_follow_deprecation() -> None:
    with pytest.raises(ValueError):
        deprecated_since(date(2027, 1, 1), date(2027, 1, 1))
