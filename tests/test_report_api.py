"""The clinician report: a real PDF with plotted charts and a text layer holding the person's
figures (read back with poppler's pdftotext, its first page rendered to PNG with pdftoppm into
test-artifacts/), CSV by Accept or `format`, and the period's bounds."""

import csv
import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthUser, freeze_now, log_session, set_timezone
from tests.live_server import missing_tool

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
PERIOD = {"from": "2026-11-01", "to": "2026-11-24"}


@pytest.fixture(autouse=True)
def frozen_clock(alice: AuthUser) -> None:
    freeze_now(NOW)


@pytest.fixture()
def diary(client: TestClient, alice: AuthUser) -> AuthUser:
    """Three weeks of check-ins, two PEG responses, sessions (one a flare-up) and a screen
    answer, for alice in Chicago."""
    set_timezone(client, alice, "America/Chicago")
    pains = [5, 5, 4, 4, 5, 3, 4, 4, 3, 3, 3, 2, 3, 2, 2, 3, 2, 2, 2]
    for day, pain in enumerate(pains, start=1):
        body: dict[str, Any] = {"recorded_at": f"2026-11-{day:02d}T20:00:00-06:00", "pain": pain}
        if day == 9:
            body |= {"red_flags": ["night_pain"], "notes": "=cmd|' /C calc'!A0"}
        assert client.post("/v1/checkins", json=body, headers=alice.headers).status_code == 201
    for when, score in [("2026-11-02", 6), ("2026-11-16", 4)]:
        peg = {
            "answered_at": f"{when}T18:00:00Z",
            "pain": score,
            "enjoyment": score,
            "activity": score,
        }
        client.post("/v1/outcomes/peg/responses", json=peg, headers=alice.headers)
    log_session(client, alice)
    log_session(
        client,
        alice,
        started_at="2026-11-12T07:30:00-06:00",
        completed_at="2026-11-12T07:45:00-06:00",
        pain_before=2,
        pain_after=5,
    )
    return alice


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    """The PDF's text layer; its first page goes to test-artifacts/<name>.png."""
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        missing_tool("poppler-utils (pdftotext, pdftoppm) is not installed")
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(ARTIFACTS / name),
        ],
        check=True,
        timeout=60,
    )
    png = (ARTIFACTS / f"{name}.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    return subprocess.run(
        ["pdftotext", "-layout", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


@pytest.mark.slow
def test_the_pdf_holds_the_persons_figures(
    client: TestClient, diary: AuthUser, tmp_path: Path
) -> None:
    response = client.get("/v1/me/report", params=PERIOD, headers=diary.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert (
        "back-pain-report-2026-11-01-to-2026-11-24.pdf" in response.headers["content-disposition"]
    )
    assert response.content.startswith(b"%PDF-")
    text = " ".join(pdf_text(response.content, tmp_path, "report-page-1").split())
    assert "Back pain diary report" in text
    assert "Period: 2026-11-01 to 2026-11-24 (24 days, days counted in America/Chicago)" in text
    assert "Check-ins: 19 of 24 days (79%)" in text
    assert "Days with exercise sessions: 2 of 24" in text
    assert "average 3.2, lowest 2, highest 5; first 5, last 2" in text
    assert "PEG score (0-10): baseline 6.00, latest 4.00 (-33.3%)" in text
    assert "2026-11-16: pain 4, enjoyment 4, activity 4; score 4.00, -33.3% from baseline" in text
    assert 'yes to "Is your back pain worse at night?"' in text
    assert "Flare-ups: 1 day." in text and "2026-11-12" in text
    assert "Knee Rolls (1 set, 8 reps, hold 3 s)" in text
    assert "Disclaimer" in text


@pytest.mark.slow
def test_the_report_keeps_a_replaced_warning_sign_and_the_safety_state(
    client: TestClient, diary: AuthUser, tmp_path: Path
) -> None:
    morning = {
        "recorded_at": "2026-11-20T08:00:00-06:00",
        "pain": 5,
        "red_flags": ["saddle_numbness"],
    }
    evening = {"recorded_at": "2026-11-20T21:00:00-06:00", "pain": 3}
    for body in (morning, evening):
        assert client.post("/v1/checkins", json=body, headers=diary.headers).status_code == 201
    response = client.get("/v1/me/report", params=PERIOD, headers=diary.headers)
    text = " ".join(pdf_text(response.content, tmp_path, "report-safety-page-1").split())
    assert "Safety state now: 2 concern(s) open, exercise on hold." in text
    assert "Open since 2026-11-20 (checkin, be seen now)" in text
    assert (
        '2026-11-20 (checkin, be seen now): yes to "Do you have new numbness or tingling around '
        'your genitals, buttocks or inner thighs?". Advice given: Get medical help now' in text
    )
    assert '2026-11-09 (checkin, be seen today): yes to "Is your back pain worse' in text
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    "/v1/me/report", params={**PERIOD, "format": "csv"}, headers=diary.headers
                ).text
            )
        )
    )
    twentieth = rows[19]
    assert (twentieth["checkin_pain"], twentieth["safety_screen_yes"], twentieth["urgency"]) == (
        "3",
        "saddle_numbness",
        "now",
    )


@pytest.mark.slow
def test_an_empty_period_still_makes_a_report(
    client: TestClient, alice: AuthUser, tmp_path: Path
) -> None:
    response = client.get("/v1/me/report", headers=alice.headers)
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content, tmp_path, "report-empty-page-1").split())
    assert "Period: 2026-10-26 to 2026-11-24 (30 days" in text
    assert "No sessions logged in this period." in text


def test_csv_by_accept_or_format(client: TestClient, diary: AuthUser) -> None:
    by_accept = client.get(
        "/v1/me/report", params=PERIOD, headers={**diary.headers, "Accept": "text/csv"}
    )
    by_format = client.get(
        "/v1/me/report", params={**PERIOD, "format": "csv"}, headers=diary.headers
    )
    assert by_accept.status_code == by_format.status_code == 200
    assert by_accept.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_accept.content == by_format.content
    rows = list(csv.DictReader(io.StringIO(by_accept.text)))
    assert len(rows) == 24
    assert rows[0]["date"] == "2026-11-01" and rows[0]["checkin_pain"] == "5"
    ninth = rows[8]
    assert ninth["safety_screen_yes"] == "night_pain"
    # A note that looks like a formula stays text in a spreadsheet.
    assert ninth["notes"] == "'=cmd|' /C calc'!A0"
    twelfth = rows[11]
    assert (twelfth["sessions"], twelfth["session_pain_before"], twelfth["flare_up"]) == (
        "1",
        "2",
        "yes",
    )
    assert rows[15]["peg_score"] == "4.0"
    assert rows[-1]["checkin_pain"] == ""


@pytest.mark.parametrize(
    ("accept", "status", "media"),
    [
        ("application/pdf", 200, "application/pdf"),
        ("text/csv;q=0.9, application/pdf", 200, "text/csv; charset=utf-8"),
        ("application/pdf;q=0, text/csv", 200, "text/csv; charset=utf-8"),
        ("*/*", 200, "application/pdf"),
        ("application/json", 406, "application/problem+json"),
    ],
)
def test_accept_negotiation(
    client: TestClient, alice: AuthUser, accept: str, status: int, media: str
) -> None:
    response = client.get("/v1/me/report", headers={**alice.headers, "Accept": accept})
    assert response.status_code == status
    assert response.headers["content-type"] == media


def test_period_bounds(client: TestClient, alice: AuthUser) -> None:
    def get(**params: str) -> int:
        return client.get("/v1/me/report", params=params, headers=alice.headers).status_code

    assert get(**{"from": "2026-11-10", "to": "2026-11-01"}) == 422
    assert get(**{"from": "2025-01-01", "to": "2026-11-01"}) == 422
    assert get(format="docx") == 422
    assert client.get("/v1/me/report").status_code == 401
