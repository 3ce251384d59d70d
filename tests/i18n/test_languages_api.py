"""The answer's language follows Accept-Language: Spanish and German where there is a
translation, with its status shown; English, said so, for anything else."""

import re

import pytest
from fastapi.testclient import TestClient

from tests.factories import register_user
from tests.mailbox import Mailbox

SCREEN = "/v1/screening/questions"
URGENT = {"area": "lower", "pain_level": 3, "red_flags": ["saddle_numbness"], "cautions": []}


def screen(client: TestClient, accept_language: str | None) -> tuple[dict, dict]:
    headers = {"Accept-Language": accept_language} if accept_language is not None else {}
    response = client.get(SCREEN, headers=headers)
    assert response.status_code == 200
    questions = {q["id"]: q for q in response.json()["data"]}
    return dict(response.headers), questions


@pytest.mark.parametrize(
    ("accept_language", "language", "question"),
    [
        ("es", "es", "¿Tiene dolor en ambas piernas?"),
        ("es-MX, en;q=0.5", "es", "¿Tiene dolor en ambas piernas?"),
        ("fr, de;q=0.8, es;q=0.5", "de", "Haben Sie Schmerzen in beiden Beinen?"),
        ("de-CH", "de", "Haben Sie Schmerzen in beiden Beinen?"),
    ],
)
def test_the_safety_screen_is_asked_in_the_persons_language(
    client: TestClient, accept_language: str, language: str, question: str
) -> None:
    headers, questions = screen(client, accept_language)
    assert headers["content-language"] == language
    assert "Accept-Language" in headers["vary"]
    both_legs = questions["both_legs_pain"]
    assert both_legs["text"] == question
    # Machine-translated and not reviewed by a clinician: the app is told so.
    assert both_legs["translation"] == {"language": language, "status": "machine"}
    for q in questions.values():
        assert q["translation"]["language"] == language, q["id"]


@pytest.mark.parametrize("accept_language", [None, "fr", "zz-QQ, pt;q=0.9", "*", "es;q=0", "%%%"])
def test_anything_unsupported_is_answered_in_english_and_says_so(
    client: TestClient, accept_language: str | None
) -> None:
    headers, questions = screen(client, accept_language)
    assert headers["content-language"] == "en"
    both_legs = questions["both_legs_pain"]
    assert both_legs["text"] == "Do you have pain in both legs?"
    assert both_legs["translation"] == {"language": "en", "status": "original"}


def test_each_language_has_its_own_etag(client: TestClient) -> None:
    english, _ = screen(client, "en")
    spanish, _ = screen(client, "es")
    mexican, _ = screen(client, "es-MX")
    assert english["etag"] != spanish["etag"] == mexican["etag"]
    again = client.get(SCREEN, headers={"Accept-Language": "de", "If-None-Match": spanish["etag"]})
    assert again.status_code == 200 and again.headers["content-language"] == "de"
    same = client.get(SCREEN, headers={"Accept-Language": "es", "If-None-Match": spanish["etag"]})
    assert same.status_code == 304
    assert same.headers["content-language"] == "es"
    assert "Accept-Language" in same.headers["vary"]


def test_kept_answers_are_kept_per_language(client: TestClient) -> None:
    for _ in range(2):
        for accept_language, language in (("es", "es"), ("de", "de"), ("fr", "en")):
            headers, questions = screen(client, accept_language)
            assert headers["content-language"] == language
            assert questions["chest_pain"]["translation"]["language"] == language
        answer = client.post(
            "/v1/recommendations", json=URGENT, headers={"Accept-Language": "de"}
        ).json()
        assert answer["triage"]["message"].startswith("Holen Sie sich jetzt ärztliche Hilfe")
    spanish, _ = screen(client, "es")
    kept = client.get(SCREEN, headers={"Accept-Language": "es", "If-None-Match": spanish["etag"]})
    assert kept.status_code == 304 and kept.headers["content-language"] == "es"
    other = client.get(SCREEN, headers={"Accept-Language": "de", "If-None-Match": spanish["etag"]})
    assert other.status_code == 200 and other.headers["content-language"] == "de"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "es",
            "Busque ayuda médica ahora: llame a su número de emergencias local o vaya a "
            "urgencias del hospital más cercano.",
        ),
        (
            "de",
            "Holen Sie sich jetzt ärztliche Hilfe: Rufen Sie die Notrufnummer an Ihrem Ort an "
            "oder gehen Sie in die nächste Notaufnahme.",
        ),
        (
            "en",
            "Get medical help now: call your local emergency number or go to the nearest "
            "emergency department.",
        ),
    ],
)
def test_a_warning_sign_gets_emergency_guidance_in_the_persons_language(
    client: TestClient, language: str, message: str
) -> None:
    response = client.post(
        "/v1/recommendations", json=URGENT, headers={"Accept-Language": language}
    )
    assert response.status_code == 200
    assert response.headers["content-language"] == language
    triage = response.json()["triage"]
    assert triage["level"] == "urgent_care"
    assert triage["message"] == message
    status = "original" if language == "en" else "machine"
    assert triage["translation"] == {"language": language, "status": status}


@pytest.mark.parametrize("language", ["es", "de"])
def test_a_recommended_moves_name_and_reason_are_translated_beside_the_articles(
    client: TestClient, language: str
) -> None:
    body = {"area": "upper", "pain_level": 3, "red_flags": [], "cautions": []}
    english = client.post("/v1/recommendations", json=body).json()["moves"]
    assert english and all(m["reason_translated"] is None for m in english)
    assert all(m["exercise"]["name_translated"] is None for m in english)
    moves = client.post(
        "/v1/recommendations", json=body, headers={"Accept-Language": language}
    ).json()["moves"]
    assert [m["exercise"]["slug"] for m in moves] == [m["exercise"]["slug"] for m in english]
    for move, original in zip(moves, english, strict=True):
        assert (move["exercise"]["name"], move["reason"]) == (
            original["exercise"]["name"],
            original["reason"],
        )
        # The same words the catalog gives the move in this language.
        slug = move["exercise"]["slug"]
        catalog = client.get(f"/v1/exercises/{slug}", headers={"Accept-Language": language})
        translation = catalog.json()["translation"]
        assert move["exercise"]["name_translated"] == {
            "language": language,
            "status": "machine",
            "text": translation["name"],
        }
        assert move["reason_translated"] == {
            "language": language,
            "status": "machine",
            "text": translation["helps_with"],
        }


def test_a_regions_own_words_stay_as_they_are_around_translated_guidance(
    client: TestClient,
) -> None:
    body = {**URGENT, "region": "GB"}
    english = client.post("/v1/recommendations", json=body).json()["triage"]["message"]
    spanish = client.post("/v1/recommendations", json=body, headers={"Accept-Language": "es"})
    message = spanish.json()["triage"]["message"]
    assert message.startswith("Busque ayuda médica ahora: llame a 999")
    assert "999" in english


def test_a_held_concern_gives_its_guidance_in_the_persons_language(client: TestClient) -> None:
    auth = {**register_user(client).headers, "Accept-Language": "de"}
    client.post("/v1/recommendations", json=URGENT, headers=auth)
    calm = {"area": "lower", "pain_level": 2, "red_flags": [], "cautions": []}
    answer = client.post("/v1/recommendations", json=calm, headers=auth)
    assert answer.headers["content-language"] == "de"
    triage = answer.json()["triage"]
    assert triage["message"].startswith("Holen Sie sich jetzt ärztliche Hilfe")
    assert triage["translation"] == {"language": "de", "status": "machine"}


def test_the_safety_state_speaks_the_persons_language(client: TestClient) -> None:
    person = register_user(client)
    spanish = {**person.headers, "Accept-Language": "es-ES"}
    clear = client.get("/v1/me/safety", headers=spanish)
    assert clear.headers["content-language"] == "es"
    state = clear.json()
    assert state["message"].startswith("Nada de lo que ha comunicado")
    assert state["translation"] == {"language": "es", "status": "machine"}
    guidance = state["general_guidance"]
    assert guidance["text"].startswith("Siga con sus actividades normales")
    # The guideline's own words are never translated in place.
    assert guidance["quote"] == "encouragement to continue with normal activities"

    client.post("/v1/recommendations", json=URGENT, headers=spanish)
    german = client.get("/v1/me/safety", headers={**person.headers, "Accept-Language": "de"})
    state = german.json()
    assert state["message"].startswith("Holen Sie sich jetzt ärztliche Hilfe")
    (concern,) = state["concerns"]
    assert concern["guidance"] == state["message"]
    assert concern["closes_when"].startswith("Das Anliegen wird geschlossen")
    assert concern["translation"] == {"language": "de", "status": "machine"}

    english = client.get("/v1/me/safety", headers=person.headers).json()
    assert english["message"].startswith("Get medical help now")
    assert english["translation"] == {"language": "en", "status": "original"}


@pytest.mark.parametrize(
    ("language", "title", "detail"),
    [
        ("es", "Datos no válidos", "Datos no válidos: body.pain_level."),
        ("de", "Ungültige Eingabe", "Ungültige Eingabe: body.pain_level."),
        ("it", "Invalid input", "Invalid input: body.pain_level."),
    ],
)
def test_a_problem_detail_is_in_the_persons_language(
    client: TestClient, language: str, title: str, detail: str
) -> None:
    body = {**URGENT, "pain_level": 11}
    response = client.post("/v1/recommendations", json=body, headers={"Accept-Language": language})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["content-language"] == ("en" if language == "it" else language)
    problem = response.json()
    assert (problem["title"], problem["detail"]) == (title, detail)
    # What a program reads never changes with the language.
    assert problem["type"].endswith("/validation-error")
    assert problem["errors"][0]["field"] == "body.pain_level"


def test_not_found_and_domain_problems_are_translated_too(client: TestClient) -> None:
    headers = {"Accept-Language": "de"}
    missing = client.get("/v1/nowhere", headers=headers).json()
    assert (missing["title"], missing["detail"]) == (
        "Nicht gefunden",
        "Unter /v1/nowhere gibt es keine Ressource.",
    )
    move = client.get("/v1/exercises/no-such-move", headers={"Accept-Language": "es"})
    assert move.status_code == 404 and move.json()["title"] == "Ejercicio no encontrado"
    assert move.headers["content-language"] == "es"


def test_the_catalog_keeps_the_articles_words_beside_their_translation(
    client: TestClient,
) -> None:
    english = client.get("/v1/exercises/knee-rolls").json()
    assert english["translation"] is None
    assert all(t["quote_translated"] is None for t in english["target_areas"])
    assert all(t["reason_translated"] is None for t in english["target_areas"])
    for language, name, step in (
        ("es", "Balanceo de rodillas", "Mantenga 3 segundos."),
        ("de", "Knierollen", "Halten Sie 3 Sekunden."),
    ):
        response = client.get("/v1/exercises/knee-rolls", headers={"Accept-Language": language})
        assert response.headers["content-language"] == language
        move = response.json()
        # The article's words never change with the language.
        assert (move["name"], move["steps"]) == (english["name"], english["steps"])
        translation = move["translation"]
        assert translation["language"] == language and translation["status"] == "machine"
        assert translation["name"] == name
        assert len(translation["steps"]) == len(english["steps"])
        assert step in translation["steps"]
        for target, original in zip(move["target_areas"], english["target_areas"], strict=True):
            assert (target["quote"], target["reason"]) == (original["quote"], original["reason"])
            for field in ("quote_translated", "reason_translated"):
                assert target[field]["language"] == language
                assert target[field]["status"] == "machine"
            assert target["reason_translated"]["text"] != original["reason"]


def test_areas_give_each_quote_with_its_translation(client: TestClient) -> None:
    areas = client.get("/v1/areas", headers={"Accept-Language": "es-AR"}).json()["data"]
    upper = next(a for a in areas if a["area"] == "upper")
    quotes = {m["quote"]: m["quote_translated"] for m in upper["exercises"]}
    assert quotes["Perfect for upper back and shoulder pain."] == {
        "language": "es",
        "status": "machine",
        "text": "Perfecto para el dolor de la parte alta de la espalda y de los hombros.",
    }


@pytest.mark.parametrize(
    ("language", "names"),
    [
        (
            "es",
            {
                "upper": "Parte alta de la espalda",
                "mid": "Parte media de la espalda",
                "lower": "Parte baja de la espalda",
            },
        ),
        ("de", {"upper": "Oberer Rücken", "mid": "Mittlerer Rücken", "lower": "Unterer Rücken"}),
    ],
)
def test_the_areas_are_named_and_described_in_the_persons_language(
    client: TestClient, language: str, names: dict[str, str]
) -> None:
    english = {a["area"]: a for a in client.get("/v1/areas").json()["data"]}
    assert all(a["translation"] is None for a in english.values())
    response = client.get("/v1/areas", headers={"Accept-Language": language})
    assert response.headers["content-language"] == language
    areas = {a["area"]: a for a in response.json()["data"]}
    assert {area: a["translation"]["name"] for area, a in areas.items()} == names
    for area, translated in areas.items():
        # The English stays beside the translation, for an app that shows both.
        assert (translated["name"], translated["description"]) == (
            english[area]["name"],
            english[area]["description"],
        )
        translation = translated["translation"]
        assert (translation["language"], translation["status"]) == (language, "machine")
        assert translation["description"] not in (english[area]["description"], "")
    # Each description says where its own part is: no two areas share one.
    assert len({a["translation"]["description"] for a in areas.values()}) == 3
    # Each move listed for an area gives its name and why it suits the area translated too.
    for area, translated in areas.items():
        for move, original in zip(translated["exercises"], english[area]["exercises"], strict=True):
            assert (move["name"], move["reason"]) == (original["name"], original["reason"])
            for field in ("name_translated", "reason_translated"):
                assert move[field]["language"] == language and move[field]["status"] == "machine"
                assert move[field]["text"] != original[field.removesuffix("_translated")]
            assert original["name_translated"] is original["reason_translated"] is None


def test_the_areas_have_an_etag_per_language(client: TestClient) -> None:
    etags = {
        language: client.get("/v1/areas", headers={"Accept-Language": language}).headers["etag"]
        for language in ("en", "es", "de")
    }
    assert len(set(etags.values())) == 3
    stale = client.get("/v1/areas", headers={"Accept-Language": "de", "If-None-Match": etags["es"]})
    assert stale.status_code == 200
    assert stale.json()["data"][0]["translation"]["language"] == "de"
    fresh = client.get("/v1/areas", headers={"Accept-Language": "de", "If-None-Match": etags["de"]})
    assert fresh.status_code == 304 and fresh.headers["content-language"] == "de"


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("es", "If-None-Match tiene más de 1000 caracteres."),
        ("de", "If-None-Match ist länger als 1000 Zeichen."),
        ("en", "If-None-Match is longer than 1000 characters."),
    ],
)
def test_an_overlong_if_none_match_is_refused_in_the_persons_language(
    client: TestClient, language: str, detail: str
) -> None:
    headers = {"Accept-Language": language, "If-None-Match": '"' + "a" * 1000 + '"'}
    response = client.get("/v1/areas", headers=headers)
    assert response.status_code == 422 and response.headers["content-language"] == language
    assert response.json()["detail"] == detail


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("es-ES", "Restablezca su contraseña de Back Pain Relief", "en los próximos 30 minutos"),
        ("de", "Setzen Sie Ihr Passwort für Back Pain Relief zurück", "innerhalb von 30 Minuten"),
        ("fr", "Reset your Back Pain Relief password", "within 30 minutes"),
    ],
)
def test_an_email_is_written_in_the_language_of_the_app_that_asked_for_it(
    client: TestClient, mailbox: Mailbox, language: str, subject: str, words: str
) -> None:
    user = register_user(client)
    asked = client.post(
        "/v1/auth/password-reset",
        json={"email": user.email},
        headers={"Accept-Language": language},
    )
    assert asked.status_code == 202
    [message] = [m for m in mailbox.to(user.email) if m["Subject"] == subject]
    assert words in mailbox.text(message)
    html = mailbox.html(message)
    assert words in html
    assert f'<html lang="{language[:2] if language != "fr" else "en"}">' in html
    # The link works whatever the language.
    assert mailbox.token(message)


def test_the_language_on_the_profile_is_kept_and_cleared(client: TestClient) -> None:
    user = register_user(client)
    assert client.get("/v1/me", headers=user.headers).json()["language"] is None
    chosen = client.patch("/v1/me", json={"language": "de"}, headers=user.headers)
    assert chosen.status_code == 200 and chosen.json()["language"] == "de"
    assert client.get("/v1/me", headers=user.headers).json()["language"] == "de"
    cleared = client.patch("/v1/me", json={"language": None}, headers=user.headers)
    assert cleared.status_code == 200 and cleared.json()["language"] is None


@pytest.mark.parametrize("language", ["fr", "es-MX", "ES", "", "klingon"])
def test_an_unsupported_profile_language_is_refused_naming_the_supported_ones(
    client: TestClient, language: str
) -> None:
    user = register_user(client)
    refused = client.patch("/v1/me", json={"language": language}, headers=user.headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    [error] = refused.json()["errors"]
    assert error["field"] == "body.language"
    assert all(f"'{code}'" in error["message"] for code in ("en", "es", "de"))
    assert client.get("/v1/me", headers=user.headers).json()["language"] is None


@pytest.mark.parametrize(
    ("chosen", "accept_language", "subject", "words"),
    [
        ("de", "es", "Setzen Sie Ihr Passwort für Back Pain Relief zurück", "innerhalb von 30"),
        ("es", "de", "Restablezca su contraseña de Back Pain Relief", "en los próximos 30"),
        ("en", "de", "Reset your Back Pain Relief password", "within 30 minutes"),
        (None, "de", "Setzen Sie Ihr Passwort für Back Pain Relief zurück", "innerhalb von 30"),
    ],
)
def test_an_email_is_written_in_the_language_chosen_on_the_profile(
    client: TestClient,
    mailbox: Mailbox,
    chosen: str | None,
    accept_language: str,
    subject: str,
    words: str,
) -> None:
    user = register_user(client)
    changed = client.patch("/v1/me", json={"language": chosen}, headers=user.headers)
    assert changed.status_code == 200
    asked = client.post(
        "/v1/auth/password-reset",
        json={"email": user.email},
        headers={"Accept-Language": accept_language},
    )
    assert asked.status_code == 202
    [message] = [m for m in mailbox.to(user.email) if m["Subject"] == subject]
    assert words in mailbox.text(message)


@pytest.mark.parametrize(
    ("language", "reasons"),
    [
        (
            "es",
            [
                "Su dolor de espalda empezó tras una caída o una lesión leve, y tiene 67 años y "
                "tiene osteoporosis. En ese caso incluso una lesión leve puede romper un hueso de "
                "la columna, así que un médico debería revisarle hoy.",
            ],
        ),
        (
            "de",
            [
                "Ihre Rückenschmerzen begannen nach einem Sturz oder einer leichten Verletzung, "
                "und Sie sind 67 und Sie haben Osteoporose. Dann kann schon eine leichte "
                "Verletzung einen Knochen der Wirbelsäule brechen, daher sollte Sie heute ein "
                "Arzt untersuchen.",
            ],
        ),
    ],
)
def test_triage_reasons_made_of_several_parts_are_said_in_the_persons_language(
    client: TestClient, language: str, reasons: list[str]
) -> None:
    body = {
        "area": "lower",
        "pain_level": 4,
        "age": 67,
        "duration_weeks": 1,
        "red_flags": ["fall_or_minor_injury"],
        "cautions": ["osteoporosis"],
    }
    english = client.post("/v1/recommendations", json=body).json()["triage"]
    answer = client.post("/v1/recommendations", json=body, headers={"Accept-Language": language})
    triage = answer.json()["triage"]
    assert len(triage["reasons"]) == len(english["reasons"])
    assert [r for r in triage["reasons"] if r in reasons] == reasons, triage["reasons"]
    assert not set(triage["reasons"]) & set(english["reasons"])
    assert triage["translation"] == {"language": language, "status": "machine"}


def test_self_care_reasons_and_held_back_moves_are_explained_in_the_persons_language(
    client: TestClient,
) -> None:
    body = {
        "area": "lower",
        "pain_level": 3,
        "red_flags": [],
        "cautions": ["osteoporosis"],
        "limitations": ["cannot_kneel"],
    }
    answer = client.post("/v1/recommendations", json=body, headers={"Accept-Language": "es-MX"})
    assert answer.status_code == 200, answer.text
    triage = answer.json()["triage"]
    assert triage["reasons"][0].startswith("Su dolor es leve (3 de 10)")
    assert (
        "No puede arrodillarse, así que se dejan fuera los ejercicios que empiezan a cuatro patas."
        in triage["reasons"]
    )
    excluded = {m["slug"]: m["reason"] for m in answer.json()["excluded"]}
    assert excluded["cat-camel"] == "Empieza a cuatro patas, y ha dicho que no puede arrodillarse."
    assert excluded["abdominal-crunches"] == (
        "Dobla la columna hacia delante con carga, algo que conviene evitar con osteoporosis."
    )
    names = {m["slug"]: (m["name"], m["name_translated"]) for m in answer.json()["excluded"]}
    assert names["cat-camel"] == (
        "Cat camel",
        {"language": "es", "status": "machine", "text": "Gato-camello"},
    )


def test_a_held_concern_gives_its_reasons_in_the_persons_language(client: TestClient) -> None:
    auth = {**register_user(client).headers, "Accept-Language": "es"}
    client.post("/v1/recommendations", json=URGENT, headers=auth)
    calm = {"area": "lower", "pain_level": 2, "red_flags": [], "cautions": []}
    triage = client.post("/v1/recommendations", json=calm, headers=auth).json()["triage"]
    assert triage["reasons"][0].startswith("Tiene entumecimiento u hormigueo nuevo")
    # The day the concern opened, as Spanish writes a date.
    assert re.fullmatch(
        r"Lo comunicó el \d{1,2} de [a-z]+ de \d{4}\. Hasta que nos diga que le han visto .*",
        triage["reasons"][-1],
    )


def test_a_moves_summary_cautions_and_what_it_helps_with_are_translated_beside_the_original(
    client: TestClient,
) -> None:
    english = client.get("/v1/exercises/abdominal-crunches").json()
    german = client.get("/v1/exercises/abdominal-crunches", headers={"Accept-Language": "de"})
    move = german.json()
    assert (move["summary"], move["helps_with"], move["cautions"]) == (
        english["summary"],
        english["helps_with"],
        english["cautions"],
    )
    translation = move["translation"]
    assert translation["status"] == "machine"
    assert translation["summary"].startswith("Auf dem Rücken liegend")
    assert translation["helps_with"].startswith("Die Bauchmuskeln")
    assert translation["cautions"] == [
        "Hände vor der Brust gekreuzt, um Nackenschmerzen zu vermeiden."
    ]


@pytest.mark.parametrize(
    ("language", "title", "detail"),
    [
        ("es", "Plan no encontrado", "No hay ningún plan con id '{id}'."),
        ("de", "Plan nicht gefunden", "Kein Plan mit der ID '{id}'."),
        ("en", "Plan not found", "No plan with id '{id}'."),
    ],
)
def test_a_domain_problem_with_values_keeps_them_in_its_translation(
    client: TestClient, language: str, title: str, detail: str
) -> None:
    user = register_user(client)
    plan = "3f0c2a9e-8f61-4c55-9b0e-6d1f3c2b7a10"
    response = client.get(
        f"/v1/plans/{plan}", headers={**user.headers, "Accept-Language": language}
    )
    assert response.status_code == 404
    problem = response.json()
    assert (problem["title"], problem["detail"]) == (title, detail.format(id=plan))
    assert problem["type"].endswith("/plan-not-found")


def test_a_field_problem_names_its_field_in_the_persons_language(client: TestClient) -> None:
    user = register_user(client)
    body = {"routine_id": "3f0c2a9e-8f61-4c55-9b0e-6d1f3c2b7a10", "weekdays": ["mon"]}
    body |= {"local_time": "07:30", "start_date": "2026-06-02", "end_date": "2026-06-01"}
    response = client.post(
        "/v1/plans", json=body, headers={**user.headers, "Accept-Language": "de"}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["detail"] == "end_date darf nicht vor start_date liegen."
    assert problem["errors"] == [
        {
            "loc": ["body", "end_date"],
            "field": "body.end_date",
            "message": "end_date darf nicht vor start_date liegen.",
            "type": "invalid",
        }
    ]


@pytest.mark.parametrize("language", ["es", "de"])
def test_the_articles_clinic_is_described_in_the_persons_language_beside_the_english(
    client: TestClient, language: str
) -> None:
    english = client.get("/v1/care/referral").json()
    assert english["translation"] is None
    response = client.get("/v1/care/referral", headers={"Accept-Language": language})
    assert response.headers["content-language"] == language
    body = response.json()
    # The source's words stay as they are; the translation sits beside them.
    assert {k: v for k, v in body.items() if k != "translation"} == {
        k: v for k, v in english.items() if k != "translation"
    }
    translation = body["translation"]
    assert (translation["language"], translation["status"]) == (language, "machine")
    assert len(translation["offers"]) == len(english["offers"])
    assert set(translation["offers"]).isdisjoint(english["offers"])
    assert translation["summary"] != english["summary"]
    # The clinic keeps its name and place inside the translated guidance.
    guidance = translation["guidance"]
    assert english["name"] in guidance and english["location"] in guidance
    assert guidance != english["guidance"]
    # A recommendation that offers the clinic offers it in the same words.
    severe = {"area": "lower", "pain_level": 9, "red_flags": [], "cautions": []}
    answer = client.post(
        "/v1/recommendations", json=severe, headers={"Accept-Language": language}
    ).json()
    assert answer["referral"]["translation"] == translation
    assert client.post("/v1/recommendations", json=severe).json()["referral"]["translation"] is None


@pytest.mark.parametrize("language", ["es", "de"])
def test_each_care_route_is_said_in_the_persons_language_keeping_its_numbers(
    client: TestClient, language: str
) -> None:
    english = client.get("/v1/care/routes").json()
    assert all(r["translation"] is None for r in (*english["data"], english["fallback"]))
    spoken = client.get("/v1/care/routes", headers={"Accept-Language": language}).json()
    routes = [*spoken["data"], spoken["fallback"]]
    originals = [*english["data"], english["fallback"]]
    assert len(routes) == len(originals) == english["count"] + 1
    for route, original in zip(routes, originals, strict=True):
        assert {k: v for k, v in route.items() if k != "translation"} == {
            k: v for k, v in original.items() if k != "translation"
        }
        translation = route["translation"]
        assert (translation["language"], translation["status"]) == (language, "machine")
        english_texts = {
            "name": original["name"],
            "emergency_place": original["emergency"]["place"],
            "urgent_action": original["urgent"]["action"],
            "routine_action": original["routine"]["action"],
            "physiotherapy_action": (original["physiotherapy"] or {}).get("action"),
        }
        for field, text in english_texts.items():
            if text is None:
                assert translation[field] is None
                continue
            assert translation[field] and translation[field] != text
            # A number to call is never changed by a translation.
            assert re.findall(r"\d+", translation[field]) == re.findall(r"\d+", text)
    # A recommendation names the route for its region in the same words.
    body = {"area": "lower", "pain_level": 3, "red_flags": [], "cautions": [], "region": "DE"}
    answer = client.post("/v1/recommendations", json=body, headers={"Accept-Language": language})
    germany = next(r for r in spoken["data"] if r["region"] == "DE")
    assert answer.json()["care_route"]["translation"] == germany["translation"]
