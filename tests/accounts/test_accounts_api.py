import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import RefreshToken, User
from app.accounts.security import create_access_token
from app.core.clock import request_time, utcnow
from app.core.config import get_settings
from tests.factories import AuthUser, login, register_user

PROBLEM = "application/problem+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims_for(user: AuthUser, **overrides: object) -> dict[str, object]:
    now = utcnow()
    claims: dict[str, object] = {
        "sub": user.id,
        "typ": "access",
        "jti": uuid.uuid4().hex,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    claims.update(overrides)
    return claims


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def assert_unauthorized(response, slug: str | None = None) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"].startswith("Bearer")
    if slug:
        assert response.json()["type"].endswith("/" + slug)


@pytest.fixture()
def user(client: TestClient) -> AuthUser:
    return register_user(client)


@pytest.fixture()
def frozen_now(client: TestClient):
    """Moves the request clock; JWT expiry is still checked against the real clock."""
    moments: list[datetime] = []

    def set_now(moment: datetime) -> None:
        moments.append(moment)
        client.app.dependency_overrides[request_time] = lambda: moment  # type: ignore[attr-defined]

    yield set_now
    client.app.dependency_overrides.pop(request_time, None)  # type: ignore[attr-defined]


# --- registration ---


def test_register_returns_the_account_without_any_password(client: TestClient) -> None:
    response = client.post(
        "/v1/auth/register",
        json={
            "email": "  Ana.Silva@Example.COM ",
            "password": "correct horse battery",
            "display_name": "Ana",
            "timezone": "Europe/Lisbon",
            "usual_areas": ["lower", "upper", "lower"],
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "ana.silva@example.com"
    assert body["display_name"] == "Ana"
    assert body["timezone"] == "Europe/Lisbon"
    assert body["usual_areas"] == ["upper", "lower"]
    uuid.UUID(body["id"])
    assert body["created_at"].endswith("Z")
    assert "correct horse battery" not in response.text
    assert not {"password", "password_hash"} & set(body)


def test_register_defaults_to_utc(client: TestClient) -> None:
    response = client.post(
        "/v1/auth/register", json={"email": "bo@example.com", "password": "0123456789"}
    )
    assert response.status_code == 201
    assert response.json()["timezone"] == "UTC"
    assert response.json()["usual_areas"] == []


def test_same_email_in_another_case_is_a_conflict(client: TestClient) -> None:
    first = client.post(
        "/v1/auth/register", json={"email": "Cara@Example.com", "password": "long enough 1"}
    )
    assert first.status_code == 201
    second = client.post(
        "/v1/auth/register", json={"email": "cara@EXAMPLE.com", "password": "long enough 2"}
    )
    assert second.status_code == 409
    assert second.headers["content-type"] == PROBLEM
    assert second.json()["type"].endswith("/email-taken")
    # The first password still signs in: the second attempt changed nothing.
    login(client, "cara@example.com", "long enough 1")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "dee@example.com", "password": "short9char"[:9]}, "body.password"),
        ({"email": "not-an-email", "password": "long enough"}, "body.email"),
        ({"password": "long enough"}, "body.email"),
        ({"email": "dee@example.com", "password": "x" * 129}, "body.password"),
        (
            {"email": "dee@example.com", "password": "long enough", "timezone": "Mars/Base"},
            "body.timezone",
        ),
        (
            {"email": "dee@example.com", "password": "long enough", "usual_areas": ["neck"]},
            "body.usual_areas.0",
        ),
    ],
)
def test_invalid_sign_up_is_422_naming_the_field(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    response = client.post("/v1/auth/register", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert field in [e["field"] for e in response.json()["errors"]]


def test_ten_character_password_is_enough(client: TestClient) -> None:
    response = client.post(
        "/v1/auth/register", json={"email": "eve@example.com", "password": "a" * 10}
    )
    assert response.status_code == 201


# --- signing in ---


def test_sign_in_returns_a_bearer_token_pair(client: TestClient, user: AuthUser) -> None:
    response = client.post(
        "/v1/auth/token", data={"username": user.email.upper(), "password": user.password}
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert body["refresh_expires_in"] == 30 * 24 * 3600
    assert body["refresh_token"] and body["refresh_token"] != body["access_token"]
    me = client.get("/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == user.id


def test_access_token_carries_the_standard_claims(user: AuthUser) -> None:
    claims = jwt.decode(user.access_token, get_settings().jwt_secret, algorithms=["HS256"])
    assert claims["sub"] == user.id
    assert claims["typ"] == "access"
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert claims["jti"]
    assert jwt.get_unverified_header(user.access_token)["alg"] == "HS256"


def test_wrong_password_and_unknown_email_are_indistinguishable(
    client: TestClient, user: AuthUser
) -> None:
    wrong_password = client.post(
        "/v1/auth/token", data={"username": user.email, "password": "not the password"}
    )
    unknown_email = client.post(
        "/v1/auth/token", data={"username": "nobody@example.com", "password": "not the password"}
    )
    for response in (wrong_password, unknown_email):
        assert_unauthorized(response, "invalid-credentials")
    assert wrong_password.json() == unknown_email.json()


def test_sign_in_needs_both_form_fields(client: TestClient) -> None:
    response = client.post("/v1/auth/token", data={"username": "ana@example.com"})
    assert response.status_code == 422
    assert "body.password" in [e["field"] for e in response.json()["errors"]]


# --- access tokens ---


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"username": "ana@example.com", "password": "x"}'),
        ("application/json; charset=utf-8", "{}"),
        ("text/plain", "username=ana@example.com&password=x"),
    ],
)
def test_a_json_sign_in_is_told_the_endpoint_takes_form_fields(
    client: TestClient, user: AuthUser, content_type: str, body: str
) -> None:
    response = client.post("/v1/auth/token", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/form-fields-required")
    assert "application/x-www-form-urlencoded" in problem["detail"]
    assert "`username`" in problem["detail"] and "`password`" in problem["detail"]
    assert "errors" not in problem  # not a list of "missing" fields


def test_the_same_credentials_as_form_fields_sign_in(client: TestClient, user: AuthUser) -> None:
    response = client.post(
        "/v1/auth/token",
        content=f"username={user.email}&password={user.password}".replace(" ", "+"),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert response.status_code == 200, response.text


def test_no_token_is_401_with_a_bearer_challenge(client: TestClient) -> None:
    response = client.get("/v1/me")
    assert_unauthorized(response, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


def test_another_scheme_is_not_accepted(client: TestClient, user: AuthUser) -> None:
    response = client.get("/v1/me", headers={"Authorization": f"Basic {user.access_token}"})
    assert_unauthorized(response)


def test_expired_token_is_rejected(client: TestClient, user: AuthUser) -> None:
    secret = get_settings().signing_key
    fresh = create_access_token(
        uuid.UUID(user.id), secret=secret, now=utcnow(), lifetime=timedelta(minutes=15)
    )
    expired = create_access_token(
        uuid.UUID(user.id),
        secret=secret,
        now=utcnow() - timedelta(minutes=16),
        lifetime=timedelta(minutes=15),
    )
    assert client.get("/v1/me", headers=bearer(fresh)).status_code == 200
    response = client.get("/v1/me", headers=bearer(expired))
    assert_unauthorized(response, "invalid-token")
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_tampered_token_is_rejected(client: TestClient, user: AuthUser) -> None:
    other = register_user(client)
    header, payload, signature = user.access_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = other.id
    forged = ".".join([header, b64(claims), signature])
    assert_unauthorized(client.get("/v1/me", headers=bearer(forged)), "invalid-token")
    # Flipping one character of the signature breaks it too.
    flipped = user.access_token[:-2] + ("A" if user.access_token[-2] != "A" else "B")
    flipped += user.access_token[-1]
    assert_unauthorized(client.get("/v1/me", headers=bearer(flipped)), "invalid-token")


def test_token_signed_with_another_key_is_rejected(client: TestClient, user: AuthUser) -> None:
    token = jwt.encode(claims_for(user), "another-secret-that-is-long-enough-32b", "HS256")
    assert_unauthorized(client.get("/v1/me", headers=bearer(token)), "invalid-token")
    # The same claims signed with the real key pass, so the key is what was rejected.
    genuine = jwt.encode(claims_for(user), get_settings().jwt_secret, "HS256")
    assert client.get("/v1/me", headers=bearer(genuine)).status_code == 200


def test_unsigned_alg_none_token_is_rejected(client: TestClient, user: AuthUser) -> None:
    for alg in ("none", "None", "NONE"):
        token = b64({"alg": alg, "typ": "JWT"}) + "." + b64(claims_for(user)) + "."
        assert_unauthorized(client.get("/v1/me", headers=bearer(token)), "invalid-token")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_token_with_a_different_hmac_algorithm_is_rejected(
    client: TestClient, user: AuthUser
) -> None:
    token = jwt.encode(claims_for(user), get_settings().jwt_secret, "HS512")
    assert_unauthorized(client.get("/v1/me", headers=bearer(token)), "invalid-token")


@pytest.mark.parametrize("missing", ["exp", "sub", "jti", "typ", "iat"])
def test_token_missing_a_required_claim_is_rejected(
    client: TestClient, user: AuthUser, missing: str
) -> None:
    claims = claims_for(user)
    del claims[missing]
    token = jwt.encode(claims, get_settings().jwt_secret, "HS256")
    assert_unauthorized(client.get("/v1/me", headers=bearer(token)), "invalid-token")


@pytest.mark.parametrize(
    "overrides", [{"typ": "refresh"}, {"sub": "not-a-uuid"}, {"sub": str(uuid.uuid4())}]
)
def test_token_for_the_wrong_purpose_or_nobody_is_rejected(
    client: TestClient, user: AuthUser, overrides: dict[str, object]
) -> None:
    token = jwt.encode(claims_for(user, **overrides), get_settings().jwt_secret, "HS256")
    assert_unauthorized(client.get("/v1/me", headers=bearer(token)), "invalid-token")


def test_garbage_token_is_rejected(client: TestClient) -> None:
    assert_unauthorized(client.get("/v1/me", headers=bearer("not.a.jwt")), "invalid-token")


# --- refresh tokens ---


def refresh(client: TestClient, token: str):
    return client.post("/v1/auth/refresh", json={"refresh_token": token})


def test_refresh_rotates_the_pair(client: TestClient, user: AuthUser) -> None:
    first = refresh(client, user.refresh_token)
    assert first.status_code == 200, first.text
    assert first.headers["cache-control"] == "no-store"
    pair = first.json()
    assert pair["refresh_token"] != user.refresh_token
    assert client.get("/v1/me", headers=bearer(pair["access_token"])).json()["id"] == user.id
    # The new refresh token is good for the next rotation in turn.
    second = refresh(client, pair["refresh_token"])
    assert second.status_code == 200
    assert second.json()["refresh_token"] not in (user.refresh_token, pair["refresh_token"])


def test_reusing_a_rotated_token_revokes_the_whole_family(
    client: TestClient, user: AuthUser
) -> None:
    other_device = login(client, user.email, user.password)
    newest = refresh(client, user.refresh_token).json()["refresh_token"]

    assert_unauthorized(refresh(client, user.refresh_token), "invalid-refresh-token")
    # Whoever holds the newest token (possibly the thief) is locked out as well.
    assert_unauthorized(refresh(client, newest), "invalid-refresh-token")
    # Sign-ins on other devices are separate families and keep working.
    assert refresh(client, other_device["refresh_token"]).status_code == 200


def test_expired_refresh_token_is_rejected(client: TestClient, user: AuthUser, frozen_now) -> None:
    frozen_now(utcnow() + timedelta(days=29))
    still_valid = refresh(client, user.refresh_token)
    assert still_valid.status_code == 200
    frozen_now(utcnow() + timedelta(days=29 + 31))
    assert_unauthorized(
        refresh(client, still_valid.json()["refresh_token"]), "invalid-refresh-token"
    )


def test_unknown_refresh_token_is_rejected(client: TestClient) -> None:
    assert_unauthorized(refresh(client, "made-up-token"), "invalid-refresh-token")


def test_access_token_is_not_a_refresh_token(client: TestClient, user: AuthUser) -> None:
    assert_unauthorized(refresh(client, user.access_token), "invalid-refresh-token")


def test_refresh_needs_a_token(client: TestClient) -> None:
    response = client.post("/v1/auth/refresh", json={})
    assert response.status_code == 422
    assert "body.refresh_token" in [e["field"] for e in response.json()["errors"]]


def test_refresh_tokens_are_stored_only_as_hashes(
    client: TestClient, db: Session, user: AuthUser
) -> None:
    stored = db.exec(
        select(RefreshToken.token_hash).where(RefreshToken.user_id == uuid.UUID(user.id))
    ).all()
    assert len(stored) == 1
    assert user.refresh_token not in stored
    assert all(len(h) == 64 for h in stored)


# --- signing out ---


def test_logout_revokes_the_refresh_token(client: TestClient, user: AuthUser) -> None:
    response = client.post("/v1/auth/logout", json={"refresh_token": user.refresh_token})
    assert response.status_code == 204
    assert response.content == b""
    assert_unauthorized(refresh(client, user.refresh_token), "invalid-refresh-token")


def test_logout_ends_the_rotated_chain_too(client: TestClient, user: AuthUser) -> None:
    newest = refresh(client, user.refresh_token).json()["refresh_token"]
    assert client.post("/v1/auth/logout", json={"refresh_token": newest}).status_code == 204
    assert_unauthorized(refresh(client, newest))


def test_logout_with_an_unknown_or_spent_token_still_succeeds(
    client: TestClient, user: AuthUser
) -> None:
    assert client.post("/v1/auth/logout", json={"refresh_token": "nope"}).status_code == 204
    client.post("/v1/auth/logout", json={"refresh_token": user.refresh_token})
    again = client.post("/v1/auth/logout", json={"refresh_token": user.refresh_token})
    assert again.status_code == 204


# --- profile ---


def test_get_me(client: TestClient) -> None:
    user = register_user(client, email="Fay@Example.com", timezone="Asia/Tokyo")
    body = client.get("/v1/me", headers=user.headers).json()
    assert body == {
        "id": user.id,
        "email": "fay@example.com",
        "display_name": None,
        "timezone": "Asia/Tokyo",
        "usual_areas": [],
        "birth_year": None,
        "region": None,
        "language": None,
        "created_at": body["created_at"],
        "email_verified": False,
        "health_data_consent": True,
    }


def test_patch_me_changes_only_what_is_sent(client: TestClient, user: AuthUser) -> None:
    response = client.patch(
        "/v1/me",
        headers=user.headers,
        json={"display_name": "  Gus ", "timezone": "America/New_York"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "Gus"
    response = client.patch(
        "/v1/me", headers=user.headers, json={"usual_areas": ["lower", "mid", "mid"]}
    )
    body = client.get("/v1/me", headers=user.headers).json()
    assert body["display_name"] == "Gus"
    assert body["timezone"] == "America/New_York"
    assert body["usual_areas"] == ["mid", "lower"]


def test_patch_me_can_clear_the_display_name(client: TestClient, user: AuthUser) -> None:
    client.patch("/v1/me", headers=user.headers, json={"display_name": "Hal"})
    response = client.patch("/v1/me", headers=user.headers, json={"display_name": None})
    assert response.status_code == 200
    assert response.json()["display_name"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Europe/Atlantis"}, "body.timezone"),
        ({"timezone": "../../etc/passwd"}, "body.timezone"),
        ({"timezone": ""}, "body.timezone"),
        ({"timezone": None}, "body.timezone"),
        # Names the tz database ships that are not a place: one follows the server's own
        # setting, the others are legacy rules and aliases.
        ({"timezone": "localtime"}, "body.timezone"),
        ({"timezone": "Factory"}, "body.timezone"),
        ({"timezone": "EST5EDT"}, "body.timezone"),
        ({"timezone": "US/Eastern"}, "body.timezone"),
        ({"timezone": "Etc/GMT+3"}, "body.timezone"),
        ({"usual_areas": None}, "body.usual_areas"),
        ({"usual_areas": ["shoulder"]}, "body.usual_areas.0"),
        ({"display_name": ""}, "body.display_name"),
        ({"display_name": "x" * 101}, "body.display_name"),
    ],
)
def test_invalid_profile_changes_are_422_and_change_nothing(
    client: TestClient, user: AuthUser, body: dict[str, object], field: str
) -> None:
    response = client.patch("/v1/me", headers=user.headers, json=body)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert client.get("/v1/me", headers=user.headers).json()["timezone"] == "UTC"


@pytest.mark.parametrize(
    "name",
    ["UTC", "Europe/Berlin", "America/Argentina/Salta", "Pacific/Kiritimati", "Asia/Kolkata"],
)
def test_area_location_time_zones_are_accepted(
    client: TestClient, user: AuthUser, name: str
) -> None:
    response = client.patch("/v1/me", headers=user.headers, json={"timezone": name})
    assert response.status_code == 200, response.text
    assert response.json()["timezone"] == name


def test_profile_needs_a_token(client: TestClient) -> None:
    assert_unauthorized(client.patch("/v1/me", json={"display_name": "Ivy"}))
    assert_unauthorized(client.delete("/v1/me"))
    assert_unauthorized(client.get("/v1/me/export"))


# --- deletion ---


def test_delete_me_leaves_nothing_behind(client: TestClient, db: Session, user: AuthUser) -> None:
    other = register_user(client)
    second_sign_in = login(client, user.email, user.password)
    refresh(client, second_sign_in["refresh_token"])
    user_id = uuid.UUID(user.id)

    response = client.delete("/v1/me", headers=user.headers)
    assert response.status_code == 204

    assert_unauthorized(client.get("/v1/me", headers=user.headers), "invalid-token")
    assert_unauthorized(
        client.post("/v1/auth/token", data={"username": user.email, "password": user.password}),
        "invalid-credentials",
    )
    assert_unauthorized(refresh(client, user.refresh_token))
    db.expire_all()
    assert db.get(User, user_id) is None
    assert db.exec(select(RefreshToken).where(RefreshToken.user_id == user_id)).all() == []
    # Only that account went.
    assert client.get("/v1/me", headers=other.headers).status_code == 200
    assert db.exec(
        select(RefreshToken).where(col(RefreshToken.user_id) == uuid.UUID(other.id))
    ).all()


def test_the_email_is_free_again_after_deletion(client: TestClient, user: AuthUser) -> None:
    client.delete("/v1/me", headers=user.headers)
    again = client.post(
        "/v1/auth/register", json={"email": user.email, "password": "a new password"}
    )
    assert again.status_code == 201
    assert again.json()["id"] != user.id


# --- export ---


def test_export_contains_the_profile_and_every_sign_in(
    client: TestClient, user: AuthUser, frozen_now
) -> None:
    client.patch(
        "/v1/me", headers=user.headers, json={"display_name": "Jo", "usual_areas": ["upper"]}
    )
    rotated = refresh(client, user.refresh_token).json()
    client.post("/v1/auth/logout", json={"refresh_token": rotated["refresh_token"]})
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    frozen_now(moment)

    response = client.get("/v1/me/export", headers=user.headers)
    assert response.status_code == 200, response.text
    export = response.json()
    assert export["exported_at"] == "2030-01-02T03:04:05Z"
    assert export["user"] == client.get("/v1/me", headers=user.headers).json()
    assert export["user"]["display_name"] == "Jo"
    first, second = export["sign_ins"]
    assert first["used_at"] is not None and first["revoked_at"] is not None
    assert second["used_at"] is None and second["revoked_at"] is not None
    assert first["created_at"] <= second["created_at"] < second["expires_at"]
    # Neither the tokens nor any hash are part of it.
    for secret in (user.refresh_token, rotated["refresh_token"], user.password):
        assert secret not in response.text
    assert "hash" not in response.text


def test_export_shows_only_the_callers_data(client: TestClient, user: AuthUser) -> None:
    other = register_user(client)
    export = client.get("/v1/me/export", headers=other.headers).json()
    assert export["user"]["id"] == other.id
    assert user.email not in json.dumps(export)
    assert len(export["sign_ins"]) == 1


# --- docs ---


def test_docs_describe_the_password_flow(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    (scheme,) = schemes.values()
    assert scheme["flows"]["password"]["tokenUrl"] == "/v1/auth/token"
    (name,) = schemes
    assert spec["paths"]["/v1/me"]["get"]["security"] == [{name: []}]
    # Public: no token is asked for. Optional: anonymous callers are served too.
    assert spec["paths"]["/v1/auth/register"]["post"]["security"] == []
    assert spec["paths"]["/v1/routines"]["get"]["security"] == [{}, {name: []}]
