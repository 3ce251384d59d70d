"""The referral to in-person care and the article's disclaimer."""

import copy
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, delete, select

from app.care.models import CareReferral
from app.exercises.models import SourceArticle
from seed import loader

SEVERE = {"area": "lower", "pain_level": 9, "red_flags": [], "cautions": []}


def test_referral_is_the_articles_clinic(client: TestClient) -> None:
    response = client.get("/v1/care/referral")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["slug"] == "illinois-pain-spine-institute"
    assert body["name"] == "Illinois Pain & Spine Institute"
    assert "Chicago" in body["location"]
    assert "non-surgical treatment" in body["offers"]
    assert {"chronic back pain", "new back pain"} <= set(body["offers"])
    assert body["source"]["section"].endswith("Back Pain Specialist in Chicago")


def test_referral_carries_the_articles_disclaimer(client: TestClient) -> None:
    body = client.get("/v1/care/referral").json()
    assert "average level of mobility" in body["disclaimer"]
    assert "you may want to see a back pain relief specialist" in body["disclaimer"]
    assert body["disclaimer"] == body["disclaimer_quote"]


def test_referral_says_where_in_person_care_fits(client: TestClient) -> None:
    guidance = client.get("/v1/care/referral").json()["guidance"]
    assert "your own doctor" in guidance
    assert "article's own example" in guidance and "Illinois Pain & Spine Institute" in guidance
    assert "not the only place" in guidance
    assert "not the place for an emergency" in guidance


def test_referral_facts_are_in_the_article(client: TestClient, source_article: str) -> None:
    text = source_article
    body = client.get("/v1/care/referral").json()
    assert body["name"] in text
    assert body["source"]["section"] in text
    assert body["source"]["title"] in text
    assert body["disclaimer_quote"] in text
    assert "non-surgical" in text and "Chicago" in text


def test_referral_is_cacheable(client: TestClient) -> None:
    first = client.get("/v1/care/referral")
    again = client.get("/v1/care/referral", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_another_clinic_replaces_it_through_the_seed(
    client: TestClient,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
    content_changed: Callable[[], None],
) -> None:
    data = copy.deepcopy(loader.read_json("catalog.json"))
    data["referrals"] = [
        {
            "slug": "lakeside-back-clinic",
            "is_default": True,
            "name": "Lakeside Back Clinic",
            "location": "Springfield",
            "summary": "Physiotherapy for back pain.",
            "offers": ["physiotherapy"],
            "source": {"section": "Clinic partners"},
        }
    ]
    monkeypatch.setattr(loader, "read_json", lambda name: data)
    assert client.get("/v1/care/referral").json()["name"] != "Lakeside Back Clinic"
    loader.load_referrals(db)
    content_changed()
    assert client.get("/v1/care/referral").json()["name"] == "Lakeside Back Clinic"
    embedded = client.post("/v1/recommendations", json=SEVERE).json()["referral"]
    assert embedded["slug"] == "lakeside-back-clinic"
    assert "Lakeside Back Clinic in Springfield" in embedded["guidance"]
    dropped = db.exec(
        select(CareReferral).where(CareReferral.slug == "illinois-pain-spine-institute")
    ).one()
    assert dropped.is_default is False


def test_no_referral_configured_is_a_404_but_triage_still_answers(
    client: TestClient, db: Session, content_changed: Callable[[], None]
) -> None:
    assert client.get("/v1/care/referral").status_code == 200
    db.execute(delete(CareReferral))
    content_changed()
    answer = client.post("/v1/recommendations", json=SEVERE)
    assert answer.status_code == 200
    assert answer.json()["triage"]["level"] == "see_doctor"
    assert answer.json()["referral"] is None
    response = client.get("/v1/care/referral")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/v1/care/referral", None), ("POST", "/v1/recommendations", SEVERE)],
)
def test_missing_article_is_a_503_not_a_500(
    client: TestClient,
    db: Session,
    content_changed: Callable[[], None],
    method: str,
    path: str,
    body: dict | None,
) -> None:
    assert client.request(method, path, json=body).status_code == 200
    db.execute(delete(SourceArticle))
    content_changed()
    response = client.request(method, path, json=body)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "seed" in response.json()["detail"]


def test_emergency_guidance_does_not_depend_on_the_seed(
    client: TestClient, db: Session, content_changed: Callable[[], None]
) -> None:
    """An urgent answer needs nothing from the article, so it is given even without it."""
    db.execute(delete(SourceArticle))
    db.execute(delete(CareReferral))
    content_changed()
    body = {"area": "lower", "pain_level": 5, "red_flags": ["chest_pain"], "cautions": []}
    response = client.post("/v1/recommendations", json=body)
    assert response.status_code == 200
    assert response.json()["triage"]["level"] == "urgent_care"


def test_care_routes_list_every_region_kept_with_its_sources(client: TestClient) -> None:
    response = client.get("/v1/care/routes")
    assert response.status_code == 200, response.text
    body = response.json()
    routes = {r["region"]: r for r in body["data"]}
    assert {"GB", "IE", "DE", "FR", "US"} <= set(routes) and body["count"] == len(routes)
    assert routes["GB"]["emergency"]["number"] == "999"
    assert routes["GB"]["urgent"]["number"] == "111"
    assert routes["DE"]["urgent"]["number"] == "116 117"
    assert routes["GB"]["physiotherapy"] is not None
    assert body["fallback"]["region"] is None and body["fallback"]["emergency"]["number"] is None
    again = client.get("/v1/care/routes", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
