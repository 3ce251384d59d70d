"""The page a clinician opens, in a real browser (Debian's headless Chromium, JavaScript
off) against a running server: it reads in the order a clinician needs (alerts first), draws
both charts, offers the downloads, contacts nothing but this service, breaks no rule of its
Content-Security-Policy, and prints. A revoked link shows the plain "no longer available"
page with 410. Screenshots go to test-artifacts/."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from tests.factories import ALL_CONSENTS, session_payload
from tests.live.test_docs_browser import ARTIFACTS, browser  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow


def _server_today(base_url: str) -> date:
    """The server's own date (its clock is the machine's), from its `Date` header."""
    response = httpx.get(f"{base_url}/healthz")
    return parsedate_to_datetime(response.headers["date"]).date()


@pytest.fixture(scope="module")
def shared(live_base_url: str) -> dict[str, Any]:
    """Someone with two weeks of diary (night pain reported 5 days ago), two PEG responses
    and a session, who shared all of it."""
    base = live_base_url
    email = f"share-{datetime.now().strftime('%H%M%S%f')}@example.com"
    password = "correct horse battery"
    registered = httpx.post(
        f"{base}/v1/auth/register",
        json={
            "email": email,
            "password": password,
            "display_name": "Ana Example",
            "consents": ALL_CONSENTS,
        },
    )
    assert registered.status_code == 201, registered.text
    token = httpx.post(
        f"{base}/v1/auth/token", data={"username": email, "password": password}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    today = _server_today(base)
    start = today - timedelta(days=13)
    pains = [6, 6, 5, 5, 6, 4, 5, 4, 4, 3, 4, 3, 3, 2]
    for offset, pain in enumerate(pains):
        day = start + timedelta(days=offset)
        body: dict[str, Any] = {"recorded_at": f"{day.isoformat()}T08:00:00Z", "pain": pain}
        if offset == 8:
            body |= {"red_flags": ["night_pain"], "notes": "Woke at 3am, sore until breakfast."}
        response = httpx.post(f"{base}/v1/checkins", json=body, headers=headers)
        assert response.status_code == 201, response.text
    for offset, score in ((1, 6), (8, 4)):
        day = start + timedelta(days=offset)
        peg = {
            "answered_at": f"{day.isoformat()}T09:00:00Z",
            "pain": score,
            "enjoyment": score + 1,
            "activity": score,
        }
        response = httpx.post(f"{base}/v1/outcomes/peg/responses", json=peg, headers=headers)
        assert response.status_code == 201, response.text
    for offset, before, after in ((4, 5, 3), (10, 4, 2)):
        day = start + timedelta(days=offset)
        body = session_payload(
            started_at=f"{day.isoformat()}T07:30:00Z",
            completed_at=f"{day.isoformat()}T07:45:00Z",
            pain_before=before,
            pain_after=after,
        )
        response = httpx.post(f"{base}/v1/progress/sessions", json=body, headers=headers)
        assert response.status_code == 201, response.text
    created = httpx.post(
        f"{base}/v1/me/shares",
        json={"from": start.isoformat(), "to": today.isoformat(), "expires_in_days": 14},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    return {"headers": headers, **created.json()}


@pytest.fixture()
def page(browser: Any, live_base_url: str) -> Iterator[Any]:  # noqa: F811
    """A fresh page with JavaScript off that refuses, and records, any request that leaves
    this service, and records what the console says (CSP violations land there)."""
    context = browser.new_context(
        viewport={"width": 1100, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.outside_requests = []
    page.console_messages = []

    def only_this_service(route: Any) -> None:
        url = route.request.url
        if url.startswith((live_base_url + "/", "data:")):
            route.continue_()
        else:
            page.outside_requests.append(url)
            route.abort()

    page.route("**/*", only_this_service)
    page.on("console", lambda message: page.console_messages.append(message.text))
    try:
        yield page
    finally:
        context.close()


def test_the_page_reads_alerts_first_and_draws_its_charts(
    page: Any, shared: dict[str, Any]
) -> None:
    response = page.goto(shared["url"])
    assert response.status == 200
    headers = response.headers
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert headers["x-robots-tag"].startswith("noindex")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "share-page.png"), full_page=True)

    text = page.inner_text("body")
    assert "Back pain diary: Ana Example" in text
    headings = [h.inner_text() for h in page.query_selector_all("h2")]
    assert headings[:3] == ["Alerts", "Summary", "Charts"]
    assert "URGENT, SAME DAY: BE SEEN TODAY" in text.upper()
    assert "Back pain worse at night" in text
    assert "14 of 14 days" in text
    assert "Knee Rolls (1 set, 8 reps, hold 3 s)" in text
    assert "Woke at 3am, sore until breakfast." in text
    assert "Krebs" in text and "Definitions and sources" in text
    charts = page.query_selector_all("svg[role=img]")
    assert len(charts) == 2
    for chart in charts:
        box = chart.bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 150
    # The stylesheet applied (allowed by its hash): the alerts box has its red border.
    border = page.eval_on_selector(".alerts", "e => getComputedStyle(e).borderTopColor")
    assert border == "rgb(198, 40, 40)"
    links = {
        a.inner_text(): a.get_attribute("href") for a in page.query_selector_all(".downloads a")
    }
    assert set(links) == {"PDF report", "CSV, one row per day", "FHIR R4 bundle (JSON)"}
    assert page.outside_requests == []
    assert not [m for m in page.console_messages if "Content Security Policy" in m]

    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "share-page-print.png"), full_page=True)
    assert page.query_selector(".downloads").is_visible() is False


def test_the_downloads_open_through_the_link(shared: dict[str, Any]) -> None:
    # The server loads matplotlib and fpdf2 on its first report: on a busy machine, seconds.
    pdf = httpx.get(shared["url"] + "/report.pdf", timeout=120)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    fhir = httpx.get(shared["url"] + "/fhir", timeout=60)
    assert fhir.status_code == 200 and fhir.json()["resourceType"] == "Bundle"


def test_a_revoked_link_shows_no_longer_available(
    page: Any, shared: dict[str, Any], live_base_url: str
) -> None:
    revoked = httpx.delete(
        f"{live_base_url}/v1/me/shares/{shared['id']}", headers=shared["headers"]
    )
    assert revoked.status_code == 204
    response = page.goto(shared["url"])
    assert response.status == 410
    page.screenshot(path=str(ARTIFACTS / "share-page-gone.png"), full_page=True)
    text = page.inner_text("body")
    assert "No longer available" in text and "Ana Example" not in text
    unknown = page.goto(shared["url"][:-2] + "zz")
    assert unknown.status == 404 and "No longer available" in page.inner_text("body")
    assert page.outside_requests == []
