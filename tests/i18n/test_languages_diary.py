"""What the service says about a person's own diary, in their language: the self-care message,
attention items (a warning sign, flare-ups, a PEG worsening), the PEG's scoring and sources
(the English source kept exact beside them), and the report's findings, moves and answers."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthUser, freeze_now, log_session, routine_payload, session_payload
from tests.reports.test_report_api import PERIOD, pdf_pages

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
MACHINE = {
    "es": {"language": "es", "status": "machine"},
    "de": {"language": "de", "status": "machine"},
}
CALM = {"area": "lower", "pain_level": 3, "red_flags": [], "cautions": []}


@pytest.fixture(autouse=True)
def frozen_clock(alice: AuthUser) -> None:
    freeze_now(NOW)


def speaking(user: AuthUser, language: str) -> dict[str, str]:
    return {**user.headers, "Accept-Language": language}


def attention(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/v1/progress/attention", params={"status": "all"}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.mark.parametrize(
    ("language", "message", "review"),
    [
        (
            "es",
            "Estos ejercicios del artículo se ajustan a sus respuestas.",
            "Además, pida una cita con su médico para que revisen su dolor de espalda.",
        ),
        (
            "de",
            "Diese Übungen aus dem Artikel passen zu Ihren Antworten.",
            "Außerdem: vereinbaren Sie einen Termin bei Ihrem Arzt, um Ihre Rückenschmerzen "
            "untersuchen zu lassen.",
        ),
    ],
)
def test_the_self_care_message_is_in_the_persons_language(
    client: TestClient, language: str, message: str, review: str
) -> None:
    english = client.post("/v1/recommendations", json=CALM).json()["triage"]
    triage = client.post(
        "/v1/recommendations", json=CALM, headers={"Accept-Language": language}
    ).json()["triage"]
    assert triage["level"] == "self_care"
    assert triage["message"].startswith(message)
    assert triage["message"] != english["message"]
    assert triage["translation"] == MACHINE[language]
    # Pain lasting eight weeks adds the advice to book a review, said in the language too.
    lasting = client.post(
        "/v1/recommendations",
        json={**CALM, "duration_weeks": 8},
        headers={"Accept-Language": language},
    ).json()["triage"]
    assert lasting["message"].startswith(message)
    assert lasting["message"].endswith(review)
    assert "Also " not in lasting["message"]


@pytest.mark.parametrize(
    ("language", "first"),
    [
        ("es", "Nada en este registro requiere ver primero a un médico."),
        ("de", "Nichts in diesem Check-in erfordert zuerst einen Arztbesuch."),
    ],
)
def test_a_check_ins_self_care_message_is_in_the_persons_language(
    client: TestClient, alice: AuthUser, language: str, first: str
) -> None:
    body = {"recorded_at": "2026-11-20T12:00:00Z", "pain": 3, "cautions": ["osteoporosis"]}
    response = client.post("/v1/checkins", json=body, headers=speaking(alice, language))
    assert response.status_code == 201, response.text
    triage = response.json()["triage"]
    assert triage["level"] == "self_care"
    assert triage["message"].startswith(first)
    assert triage["translation"] == MACHINE[language]


@pytest.mark.parametrize(
    ("language", "reason", "advice"),
    [
        (
            "es",
            "Tuvo 3 brotes de dolor en 14 días: el 2 de noviembre de 2026, 6 de noviembre de 2026 "
            "y 11 de noviembre de 2026.",
            "Haga que revisen su dolor de espalda:",
        ),
        (
            "de",
            "Sie hatten 3 Schmerzschübe innerhalb von 14 Tagen: am 2. November 2026, "
            "6. November 2026 und 11. November 2026.",
            "Bitte lassen Sie Ihre Rückenschmerzen untersuchen:",
        ),
    ],
)
def test_a_flare_up_item_is_in_the_persons_language_with_its_dates(
    client: TestClient, alice: AuthUser, language: str, reason: str, advice: str
) -> None:
    for day in (2, 6, 11):
        stamp = f"2026-11-{day:02d}T07:"
        log_session(
            client,
            alice,
            started_at=stamp + "30:00Z",
            completed_at=stamp + "45:00Z",
            pain_before=3,
            pain_after=6,
        )
    (english,) = attention(client, alice.headers)
    assert english["translation"] == {"language": "en", "status": "original"}
    (item,) = attention(client, speaking(alice, language))
    assert item["id"] == english["id"] and item["kind"] == "flare_ups"
    assert item["reason"] == reason
    assert item["advice"].startswith(advice)
    assert item["translation"] == MACHINE[language]


@pytest.mark.parametrize(
    ("language", "reason", "advice"),
    [
        ("es", "Su dolor de espalda empeora por la noche", "Haga que un médico le examine hoy"),
        ("de", "Ihre Rückenschmerzen sind nachts schlimmer", "Lassen Sie sich bitte heute"),
    ],
)
def test_a_warning_sign_item_is_in_the_persons_language(
    client: TestClient, alice: AuthUser, language: str, reason: str, advice: str
) -> None:
    body = {"recorded_at": "2026-11-20T12:00:00Z", "pain": 3, "red_flags": ["night_pain"]}
    assert client.post("/v1/checkins", json=body, headers=alice.headers).status_code == 201
    (english,) = attention(client, alice.headers)
    (item,) = attention(client, speaking(alice, language))
    assert item["kind"] == "warning_sign" and item["timeframe"] == "today"
    assert item["reason"] != english["reason"] and item["advice"] != english["advice"]
    assert reason in item["reason"], item["reason"]
    assert advice in item["advice"], item["advice"]
    assert item["translation"] == MACHINE[language]


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        (
            "es",
            "Su puntuación PEG ha subido de 2 en su primer cuestionario a 5,67: un "
            "empeoramiento importante.",
        ),
        (
            "de",
            "Ihr PEG-Wert ist von 2 beim ersten Fragebogen auf 5,67 gestiegen: eine bedeutsame "
            "Verschlechterung.",
        ),
    ],
)
def test_a_peg_worsening_is_explained_in_the_persons_language(
    client: TestClient, alice: AuthUser, language: str, reason: str
) -> None:
    for day, answers in [("2026-11-02", (2, 2, 2)), ("2026-11-16", (6, 5, 6))]:
        body: dict[str, Any] = dict(zip(("pain", "enjoyment", "activity"), answers, strict=True))
        body["answered_at"] = f"{day}T18:00:00Z"
        response = client.post("/v1/outcomes/peg/responses", json=body, headers=alice.headers)
        assert response.status_code == 201, response.text
    (item,) = attention(client, speaking(alice, language))
    assert item["kind"] == "peg_worsening"
    assert item["reason"] == reason
    assert item["translation"] == MACHINE[language]


@pytest.mark.parametrize(
    ("language", "scoring", "words"),
    [
        (
            "es",
            "La puntuación es la media de las tres respuestas (0 a 10); cuanto más alta, peor.",
            "1.710 participantes",
        ),
        (
            "de",
            "Der Wert ist der Mittelwert der drei Antworten (0 bis 10); höher ist schlechter.",
            "1.710 Teilnehmenden",
        ),
    ],
)
def test_the_pegs_scoring_and_sources_are_translated_beside_the_english(
    client: TestClient, language: str, scoring: str, words: str
) -> None:
    english = client.get("/v1/outcomes/peg").json()
    assert english["translation"] is None
    answer = client.get("/v1/outcomes/peg", headers={"Accept-Language": language})
    assert answer.headers["content-language"] == language
    peg = answer.json()
    # The source's English never changes; the translation sits beside it.
    assert {k: v for k, v in peg.items() if k != "translation"} == {
        k: v for k, v in english.items() if k != "translation"
    }
    translation = peg["translation"]
    assert translation["language"] == language and translation["status"] == "machine"
    assert translation["scoring"] == scoring
    assert words in translation["meaningful_change_points_source"]
    # The bibliographic reference stays as published.
    assert translation["meaningful_change_source"].startswith("Dworkin RH, Turk DC")
    assert "IMMPACT" in translation["meaningful_change_source"]
    assert translation["schedule"] != english["schedule"]


@pytest.mark.parametrize(
    ("language", "parts"),
    [
        (
            "es",
            [
                "3 brotes de dolor en 14 días: 2 de noviembre de 2026, 6 de noviembre de 2026 y "
                "11 de noviembre de 2026.",
                "precaución: Osteoporosis.",
                "Balanceo de rodillas (1 serie, 8 repeticiones y mantener 3 s)",
                "La puntuación es la media de las tres respuestas",
            ],
        ),
        (
            "de",
            [
                "3 Schmerzschübe innerhalb von 14 Tagen: 2. November 2026, 6. November 2026 und "
                "11. November 2026.",
                "Vorsicht: Osteoporose.",
                "(1 Satz, 8 Wiederholungen und 3 s halten)",
                "Der Wert ist der Mittelwert der drei Antworten",
            ],
        ),
    ],
)
def test_the_reports_findings_moves_and_answers_are_in_the_persons_language(
    client: TestClient, alice: AuthUser, tmp_path: Path, language: str, parts: list[str]
) -> None:
    body = {
        "recorded_at": "2026-11-09T20:00:00Z",
        "pain": 3,
        "red_flags": ["night_pain"],
        "cautions": ["osteoporosis"],
    }
    assert client.post("/v1/checkins", json=body, headers=alice.headers).status_code == 201
    log_session(client, alice)
    for day in (2, 6, 11):
        stamp = f"2026-11-{day:02d}T07:"
        log_session(
            client,
            alice,
            started_at=stamp + "30:00Z",
            completed_at=stamp + "45:00Z",
            pain_before=3,
            pain_after=6,
        )
    peg = {"answered_at": "2026-11-02T18:00:00Z", "pain": 4, "enjoyment": 4, "activity": 4}
    client.post("/v1/outcomes/peg/responses", json=peg, headers=alice.headers)
    response = client.get("/v1/me/report/pdf", params=PERIOD, headers=speaking(alice, language))
    assert response.status_code == 200
    text = " ".join(
        " ".join(page.split())
        for page in pdf_pages(response.content, tmp_path, f"diary-{language}")
    )
    missing = [part for part in parts if part not in text]
    assert missing == [], text
    for english in ("flare-ups within", "caution: ", " reps", "The score is the mean"):
        assert english not in text


def catalog_name(client: TestClient, slug: str, language: str) -> dict[str, str]:
    """The move's name as the catalog translates it, with its status."""
    move = client.get(f"/v1/exercises/{slug}", headers={"Accept-Language": language}).json()
    return {"language": language, "status": "machine", "text": move["translation"]["name"]}


def named_moves(items: list[dict[str, Any]]) -> list[tuple[str, str, Any]]:
    return [(m["exercise_slug"], m["exercise_name"], m["exercise_name_translated"]) for m in items]


@pytest.mark.parametrize("language", ["es", "de"])
def test_a_sessions_moves_are_named_in_the_persons_language_beside_the_articles(
    client: TestClient, alice: AuthUser, language: str
) -> None:
    logged = log_session(client, alice)
    english = client.get(f"/v1/progress/sessions/{logged['id']}", headers=alice.headers).json()
    assert all(m["exercise_name_translated"] is None for m in english["exercises"])
    assert [m["exercise_name_translated"] for m in logged["exercises"]] == [None, None]
    spoken = speaking(alice, language)
    read = client.get(f"/v1/progress/sessions/{logged['id']}", headers=spoken).json()
    listed = client.get("/v1/progress/sessions", headers=spoken).json()["data"][0]
    summary = client.get("/v1/progress/summary", headers=spoken).json()["exercises"]
    for items in (read["exercises"], listed["exercises"], summary):
        assert named_moves(items) == [
            (
                m["exercise_slug"],
                m["exercise_name"],
                catalog_name(client, m["exercise_slug"], language),
            )
            for m in english["exercises"]
        ]
    # A session logged in the language answers with the names translated too.
    day = {"started_at": "2026-11-21T07:30:00-05:00", "completed_at": "2026-11-21T07:42:00-05:00"}
    created = client.post("/v1/progress/sessions", json=session_payload(**day), headers=spoken)
    assert created.status_code == 201, created.text
    assert named_moves(created.json()["exercises"]) == named_moves(read["exercises"])


@pytest.mark.parametrize("language", ["es", "de"])
def test_a_routines_steps_are_named_in_the_persons_language_beside_the_articles(
    client: TestClient, alice: AuthUser, language: str
) -> None:
    own = client.post("/v1/routines", json=routine_payload(), headers=speaking(alice, language))
    assert own.status_code == 201, own.text
    curated = client.get("/v1/routines", headers={"Accept-Language": language}).json()["data"]
    mine = client.get(f"/v1/routines/{own.json()['id']}", headers=speaking(alice, language))
    for routine in (own.json(), mine.json(), *curated):
        assert routine["steps"]
        for step in routine["steps"]:
            assert step["exercise_name_translated"] == catalog_name(
                client, step["exercise_slug"], language
            )
    # The curated routines kept for every request still answer English in English.
    english = client.get("/v1/routines").json()["data"]
    assert [s["exercise_name"] for r in english for s in r["steps"]] == [
        s["exercise_name"] for r in curated for s in r["steps"]
    ]
    assert all(s["exercise_name_translated"] is None for r in english for s in r["steps"])
