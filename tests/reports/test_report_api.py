"""The clinician report: a real PDF whose text layer (read back with poppler's pdftotext) holds
the person's figures, the alerts box first on page 1, the definitions and the charts' axes and
legends (vector charts, their text kept as text); every page rendered to PNG with pdftoppm into
test-artifacts/ to be looked at. CSV by Accept or `format`, and the period's bounds."""

import csv
import io
import json
import math
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.recommendations.schemas import Caution, RedFlag
from app.recommendations.screening import clinical_label
from tests.factories import AuthUser, freeze_now, log_session, set_timezone
from tests.live_server import missing_tool

ROOT = Path(__file__).resolve().parents[2]
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


def pdf_pages(pdf: bytes, tmp_path: Path, name: str) -> list[str]:
    """The text layer of each page, whitespace collapsed; every page is rendered to
    test-artifacts/<name>-<n>.png to be looked at."""
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        missing_tool("poppler-utils (pdftotext, pdftoppm) is not installed")
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-[0-9]*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", str(source), str(ARTIFACTS / name)],
        check=True,
        timeout=60,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    pages = [" ".join(page.split()) for page in text.split("\f") if page.strip()]
    pngs = sorted(ARTIFACTS.glob(f"{name}-[0-9]*.png"))
    assert len(pngs) == len(pages) >= 2
    for png in pngs:
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 20_000
    return pages


def in_order(text: str, *parts: str) -> None:
    """Each part is in the text, after the one before it."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after position {at}: {text[at : at + 300]!r}"
        at = found + len(part)


@pytest.mark.slow
def test_the_pdf_holds_the_persons_figures(
    client: TestClient, diary: AuthUser, tmp_path: Path
) -> None:
    response = client.get("/v1/me/report/pdf", params=PERIOD, headers=diary.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert (
        "back-pain-report-2026-11-01-to-2026-11-24.pdf" in response.headers["content-disposition"]
    )
    assert response.content.startswith(b"%PDF-")
    text = " ".join(pdf_pages(response.content, tmp_path, "report"))
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
def test_page_one_opens_with_the_alerts_then_the_summary(
    client: TestClient, diary: AuthUser, tmp_path: Path
) -> None:
    """The person by name and birth year, then the alerts box: every warning sign with its
    date, urgency and the advice given, in a clinician's words, red flags apart from cautions;
    then the summary, the items for review and the definitions."""
    profile = {"display_name": "Alice Moreau", "birth_year": 1961}
    assert client.patch("/v1/me", json=profile, headers=diary.headers).status_code == 200
    answers = [
        {"recorded_at": "2026-11-20T08:00:00-06:00", "pain": 5, "red_flags": ["saddle_numbness"]},
        # Replaces the morning's check-in; the saddle numbness stays reported.
        {"recorded_at": "2026-11-20T21:00:00-06:00", "pain": 3},
        {
            "recorded_at": "2026-11-21T20:00:00-06:00",
            "pain": 3,
            "red_flags": ["cancer_history"],
            "cautions": ["leg_pain_below_knee"],
        },
    ]
    for body in answers:
        assert client.post("/v1/checkins", json=body, headers=diary.headers).status_code == 201
    response = client.get("/v1/me/report/pdf", params=PERIOD, headers=diary.headers)
    pages = pdf_pages(response.content, tmp_path, "report-alerts")
    first = pages[0]
    in_order(
        first,
        "Back pain diary report",
        "Name: Alice Moreau",
        "Birth year: 1961",
        "Period: 2026-11-01 to 2026-11-24",
        "Alerts: warning signs reported in this period",
        "Red flags (warning signs)",
        "2026-11-09 Urgent, same day: be seen today (reported in a check-in)",
        "Back pain worse at night.",
        "Advice given: \u201cPlease have a doctor check you today",
        "2026-11-20 Emergency: be seen now (reported in a check-in)",
        "New numbness or tingling in the saddle area (genitals, buttocks, inner thighs).",
        "Advice given: \u201cGet medical help now",
        "2026-11-21",
        "History of cancer.",
        "Advice given:",
        "Severe pain and PEG worsening",
        "None.",
        "Cautions",
        "2026-11-21: Pain or tingling down one leg below the knee (sciatica).",
        "Open now",
        "exercise on hold",
        "Summary",
        "Warning signs reported on 3 days; the most urgent: Emergency: be seen now on 2026-11-20.",
        "Items for review",
    )
    assert first.count("Alerts:") == 1
    # A clinician reads the findings in the third person; the advice is quoted as given.
    whole = " ".join(pages)
    assert "You have had cancer" not in whole
    assert "You have new numbness" not in whole
    in_order(
        whole,
        "Definitions",
        "Pain scale: 0-10, 0 = no pain, 10 = worst imaginable pain",
        "Flare-up: A session whose pain rose by 2 points or more",
        "PEG: The score is the mean of the three answers (0 to 10); higher is worse.",
        "a change of 1 point and 30% or more",
        "Krebs EE",
        "doi:10.1007/s11606-009-0981-1",
        "Points threshold: Reed DE 2nd",
        "doi:10.1016/j.jpain.2023.07.028",
        "Percent threshold: Dworkin RH",
        "doi:10.1016/j.jpain.2007.09.005",
    )
    csv_response = client.get("/v1/me/report/csv", params=PERIOD, headers=diary.headers)
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    twentieth, twenty_first = rows[19], rows[20]
    assert (twentieth["checkin_pain"], twentieth["warning_signs"], twentieth["urgency"]) == (
        "3",
        "New numbness or tingling in the saddle area (genitals, buttocks, inner thighs).",
        "Emergency: be seen now",
    )
    assert twentieth["advice_given"].startswith("Get medical help now")
    assert (twenty_first["warning_signs"], twenty_first["cautions"]) == (
        "History of cancer.",
        "Pain or tingling down one leg below the knee (sciatica)",
    )


@pytest.mark.slow
def test_severe_pain_has_its_own_list_in_the_alerts(
    client: TestClient, alice: AuthUser, tmp_path: Path
) -> None:
    for day, level in [(20, 8), (21, 9), (22, 7)]:
        body = {"recorded_at": f"2026-11-{day:02d}T12:00:00Z", "pain": level}
        assert client.post("/v1/checkins", json=body, headers=alice.headers).status_code == 201
    response = client.get("/v1/me/report/pdf", params=PERIOD, headers=alice.headers)
    first = pdf_pages(response.content, tmp_path, "report-severe")[0]
    in_order(
        first,
        "Red flags (warning signs) None.",
        "Severe pain and PEG worsening",
        "2026-11-20 Soon, within days: be seen in the next few days (reported in a check-in)",
        "Severe pain (8/10) reported in a check-in.",
        "Advice given: \u201cPlease see a doctor in the next few days",
        "2026-11-22",
        "(reported in the pain diary)",
        "Severe pain (7-10) on 3 or more check-ins within 7 days.",
        "Cautions",
        "Summary",
        "Warning signs reported: none.",
        "Items for review",
        "None.",
    )
    assert first.count("Severe pain (7-10) on 3 or more check-ins within 7 days.") == 1
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/v1/me/report/csv", params=PERIOD, headers=alice.headers).text)
        )
    )
    assert (rows[19]["warning_signs"], rows[19]["other_alerts"], rows[19]["urgency"]) == (
        "",
        "Severe pain (8/10) reported in a check-in.",
        "Soon, within days: be seen in the next few days",
    )


@pytest.mark.slow
def test_items_for_review_are_stated_for_a_clinician(
    client: TestClient, alice: AuthUser, tmp_path: Path
) -> None:
    for day in (10, 13, 16):
        log_session(
            client,
            alice,
            started_at=f"2026-11-{day}T07:30:00Z",
            completed_at=f"2026-11-{day}T07:45:00Z",
            pain_before=2,
            pain_after=5,
        )
    response = client.get("/v1/me/report/pdf", params=PERIOD, headers=alice.headers)
    first = pdf_pages(response.content, tmp_path, "report-review")[0]
    in_order(
        first,
        "Summary",
        "Flare-ups: 3 days.",
        "Items for review",
        "2026-11-16 Routine: book a review (open)",
        "3 flare-ups within 14 days: 2026-11-10, 2026-11-13, 2026-11-16.",
        "Advice given: \u201cPlease have your back pain reviewed",
    )
    assert "You had 3 flare-ups" not in first


@pytest.mark.slow
def test_the_charts_name_months_label_axes_and_explain_every_mark(
    client: TestClient, diary: AuthUser, tmp_path: Path
) -> None:
    body = {"recorded_at": "2026-11-20T08:00:00-06:00", "pain": 5, "red_flags": ["saddle_numbness"]}
    assert client.post("/v1/checkins", json=body, headers=diary.headers).status_code == 201
    response = client.get("/v1/me/report/pdf", params=PERIOD, headers=diary.headers)
    text = " ".join(pdf_pages(response.content, tmp_path, "report-charts"))
    # Ticks every 3 days from the first, named by month, the first with its year; "22" alone
    # or "2026-Dec" never.
    for tick in ("1 Nov 2026", "4 Nov", "19 Nov", "22 Nov"):
        assert tick in text
    assert "22 Nov 2026" not in text
    # No tick names the day after the period.
    assert "25 Nov" not in text
    assert "2026-Dec" not in text and "Dec" not in text
    for label in ("Date", "Pain (0-10)", "PEG (0-10, higher = worse)"):
        assert label in text
    for entry in (
        "Check-in pain",
        "Session: pain before",
        "Session: pain after",
        "Flare-up day",
        "Warning sign (Emergency: be seen now)",
        "Warning sign (Urgent, same day: be seen today)",
        "PEG score",
        "Baseline",
        "Meaningful improvement",
        "Meaningful worsening",
    ):
        assert entry in text, entry


@pytest.mark.slow
def test_a_long_period_is_named_by_month(
    client: TestClient, alice: AuthUser, tmp_path: Path
) -> None:
    for when in ("2026-06-10T12:00:00Z", "2026-11-20T12:00:00Z"):
        body = {"recorded_at": when, "pain": 4}
        assert client.post("/v1/checkins", json=body, headers=alice.headers).status_code == 201
    params = {"from": "2026-06-01", "to": "2026-11-24"}
    response = client.get("/v1/me/report/pdf", params=params, headers=alice.headers)
    text = " ".join(pdf_pages(response.content, tmp_path, "report-months"))
    for month in ("Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026"):
        assert month in text


@pytest.mark.parametrize(
    ("days", "join", "breaks"),
    [
        ([1, 2, 3], 1, 0),
        ([1, 2, 4], 1, 1),
        # Six weeks without a check-in is a gap, never a straight line across it.
        ([1, 2, 44, 45], 1, 1),
        ([1, 3, 5], 1, 2),
        ([1, 8, 22], 14, 0),
        ([1, 8, 23], 14, 1),
        ([], 1, 0),
    ],
)
def test_a_line_breaks_where_readings_are_missing(days: list[int], join: int, breaks: int) -> None:
    from app.reports.charts import with_gaps

    points = [(date(2026, 9, 1) + timedelta(days=d), 3.0) for d in days]
    xs, ys = with_gaps(points, join)
    assert sum(math.isnan(x) for x in xs) == sum(math.isnan(y) for y in ys) == breaks
    assert len(xs) == len(days) + breaks


@pytest.mark.slow
def test_an_empty_period_says_none_and_names_the_article(
    client: TestClient, alice: AuthUser, tmp_path: Path
) -> None:
    response = client.get("/v1/me/report/pdf", headers=alice.headers)
    assert response.status_code == 200
    pages = pdf_pages(response.content, tmp_path, "report-empty")
    text = " ".join(pages)
    # Without a display name the person is named by their email.
    assert f"Name: {alice.email}" in pages[0]
    assert "Birth year" not in text
    assert "Period: 2026-10-26 to 2026-11-24 (30 days" in text
    in_order(
        pages[0],
        "Red flags (warning signs) None.",
        "Severe pain and PEG worsening None.",
        "Cautions (no urgency of their own; moves they could aggravate are held back) None.",
        "Open now No concern open; exercise allowed.",
        "Summary Warning signs reported: none.",
        "Items for review",
        "None.",
    )
    for section in ("PEG responses", "Flare-ups", "Moves done"):
        in_order(text, section, "None.")
    assert "No pain recorded in this period" in text
    assert (
        "The moves come from \u201cBack Pain Relief: Exercises & Stretches That Can Help With "
        "Back Pain\u201d, Illinois Pain & Spine Institute." in text
    )


def test_the_csv_path_and_the_deprecated_one_give_the_same_rows(
    client: TestClient, diary: AuthUser
) -> None:
    by_path = client.get("/v1/me/report/csv", params=PERIOD, headers=diary.headers)
    by_accept = client.get(
        "/v1/me/report", params=PERIOD, headers={**diary.headers, "Accept": "text/csv"}
    )
    by_format = client.get(
        "/v1/me/report", params={**PERIOD, "format": "csv"}, headers=diary.headers
    )
    assert by_path.status_code == by_accept.status_code == by_format.status_code == 200
    assert by_path.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_path.content == by_accept.content == by_format.content
    assert "Deprecation" not in by_path.headers
    rows = list(csv.DictReader(io.StringIO(by_path.text)))
    assert len(rows) == 24
    assert rows[0]["date"] == "2026-11-01" and rows[0]["checkin_pain"] == "5"
    assert list(rows[0]) == [
        "date",
        "checkin_pain",
        "checkin_areas",
        "sessions",
        "session_pain_before",
        "session_pain_after",
        "moves",
        "flare_up",
        "peg_pain",
        "peg_enjoyment",
        "peg_activity",
        "peg_score",
        "warning_signs",
        "other_alerts",
        "cautions",
        "urgency",
        "advice_given",
        "notes",
    ]
    ninth = rows[8]
    assert (ninth["warning_signs"], ninth["cautions"], ninth["urgency"]) == (
        "Back pain worse at night.",
        "",
        "Urgent, same day: be seen today",
    )
    assert ninth["advice_given"].startswith("Please have a doctor check you today")
    # A note that looks like a formula stays text in a spreadsheet.
    assert ninth["notes"] == "'=cmd|' /C calc'!A0"
    twelfth = rows[11]
    assert (twelfth["sessions"], twelfth["session_pain_before"], twelfth["flare_up"]) == (
        "1",
        "2",
        "yes",
    )
    sixteenth = rows[15]
    assert [sixteenth[f"peg_{item}"] for item in ("pain", "enjoyment", "activity", "score")] == [
        "4",
        "4",
        "4",
        "4.0",
    ]
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


@pytest.mark.parametrize("path", ["/v1/me/report/pdf", "/v1/me/report/csv", "/v1/me/report"])
def test_period_bounds(client: TestClient, alice: AuthUser, path: str) -> None:
    def get(**params: str) -> int:
        return client.get(path, params=params, headers=alice.headers).status_code

    assert get(**{"from": "2026-11-10", "to": "2026-11-01"}) == 422
    assert get(**{"from": "2025-01-01", "to": "2026-11-01"}) == 422
    assert client.get(path).status_code == 401


def test_the_format_parameter_names_pdf_or_csv(client: TestClient, alice: AuthUser) -> None:
    response = client.get("/v1/me/report", params={"format": "docx"}, headers=alice.headers)
    assert response.status_code == 422


def test_each_report_path_has_one_media_type_and_the_old_one_is_deprecated(
    client: TestClient, alice: AuthUser
) -> None:
    """A generated client types each answer from its one media type; the path that served
    both says when it goes and what replaces it."""
    paths = client.get("/openapi.json").json()["paths"]
    for path, media in (
        ("/v1/me/report/pdf", "application/pdf"),
        ("/v1/me/report/csv", "text/csv"),
    ):
        assert list(paths[path]["get"]["responses"]["200"]["content"]) == [media]
        assert not paths[path]["get"].get("deprecated")
    assert paths["/v1/me/report"]["get"]["deprecated"] is True
    old = client.get("/v1/me/report", headers=alice.headers)
    assert old.status_code == 200 and old.headers["content-type"] == "application/pdf"
    assert old.headers["Sunset"] == "Sun, 06 Jun 2027 00:00:00 GMT"
    assert "Deprecation" in old.headers
    assert '</v1/me/report/pdf>; rel="successor-version"' in old.headers["Link"]
    new = client.get("/v1/me/report/pdf", headers=alice.headers)
    assert new.status_code == 200 and new.headers["content-type"] == "application/pdf"
    assert "Deprecation" not in new.headers and new.content[:5] == b"%PDF-"


@pytest.mark.parametrize("answer", [*RedFlag, *Caution], ids=str)
def test_every_answer_has_a_clinicians_label(answer: str) -> None:
    label = clinical_label(answer)
    assert label and label[0].isupper() and not label.endswith(".")
    assert not {"you", "your"} & set(label.lower().replace(",", " ").split())


def test_the_publisher_named_is_the_articles_own(source_article: str) -> None:
    catalog = json.loads((ROOT / "seed" / "catalog.json").read_text(encoding="utf-8"))
    assert f"{catalog['article']['publisher']} is here to help you" in source_article
    assert catalog["article"]["title"] in source_article


@pytest.mark.parametrize(
    ("chosen", "accept_language", "language", "parts"),
    [
        (
            "es",
            "de",
            "es",
            [
                "Informe del diario de dolor de espalda",
                "Periodo: del 1 nov 2026 al 24 nov 2026 (24 días",
                "Alertas: señales de alarma comunicadas en este periodo",
                "9 nov 2026 Urgente, en el día: ser visto hoy (comunicado en un registro)",
                "Dolor de espalda peor por la noche.",
                "Resumen",
                "media 3,2",
                "Definiciones",
            ],
        ),
        (
            None,
            "de-AT",
            "de",
            [
                "Bericht zum Rückenschmerz-Tagebuch",
                "Zeitraum: 01.11.2026 bis 24.11.2026 (24 Tage",
                "Warnungen: in diesem Zeitraum gemeldete Warnzeichen",
                "09.11.2026 Dringend, am selben Tag: heute untersuchen lassen (gemeldet in einem "
                "Eintrag)",
                "Rückenschmerzen nachts schlimmer.",
                "Zusammenfassung",
                "Durchschnitt 3,2",
                "Definitionen",
            ],
        ),
    ],
)
def test_the_pdf_is_in_the_persons_language_with_its_dates_and_numbers(
    client: TestClient,
    diary: AuthUser,
    tmp_path: Path,
    chosen: str | None,
    accept_language: str,
    language: str,
    parts: list[str],
) -> None:
    assert client.patch("/v1/me", json={"language": chosen}, headers=diary.headers).is_success
    headers = {**diary.headers, "Accept-Language": accept_language}
    response = client.get("/v1/me/report/pdf", params=PERIOD, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-language"] == language
    pages = pdf_pages(response.content, tmp_path, f"report-{language}")
    # Page 1 up to the summary, then the rest in order.
    in_order(pages[0], *parts[:-1])
    in_order(" ".join(pages), *parts)
    # Charts: their axes and legends in the language, months as it names them.
    charts = " ".join(pages)
    assert ("Fecha" if language == "es" else "Datum") in charts
    assert ("nov" if language == "es" else "Nov.") in charts


def test_the_csv_keeps_its_column_names_and_says_its_values_in_the_persons_language(
    client: TestClient, diary: AuthUser
) -> None:
    assert client.patch("/v1/me", json={"language": "de"}, headers=diary.headers).is_success
    response = client.get("/v1/me/report/csv", params=PERIOD, headers=diary.headers)
    assert response.status_code == 200
    assert response.headers["content-language"] == "de"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    # The columns keep their machine names in every language.
    assert list(rows[0])[:3] == ["date", "checkin_pain", "checkin_areas"]
    assert {"warning_signs", "cautions", "urgency", "advice_given", "flare_up"} <= set(rows[0])
    ninth = next(r for r in rows if r["date"] == "2026-11-09")
    assert ninth["warning_signs"] == "Rückenschmerzen nachts schlimmer."
    assert ninth["urgency"] == "Dringend, am selben Tag: heute untersuchen lassen"
    assert ninth["flare_up"] == "nein"
    assert {r["flare_up"] for r in rows} <= {"ja", "nein"}
