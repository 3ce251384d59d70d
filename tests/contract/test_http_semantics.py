"""HTTP as clients and caches expect it: HEAD wherever GET is served, OPTIONS naming every
method, compressed bodies whose ETags still revalidate, bodiless statuses without a media
type, and trailing slashes sent to the real path with a relative Location."""

import gzip

import pytest
from fastapi.testclient import TestClient

from tests.factories import create_routine, register_user


@pytest.mark.parametrize(
    "path", ["/v1/exercises", "/v1/exercises/knee-rolls", "/v1/areas", "/healthz", "/openapi.json"]
)
def test_head_answers_like_get_without_the_body(client: TestClient, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "cache-control", "api-version"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_head_on_private_data_needs_the_same_token_as_get(client: TestClient) -> None:
    assert client.head("/v1/me").status_code == 401
    user = register_user(client)
    head = client.head("/v1/me", headers=user.headers)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["cache-control"] == "no-store"


def test_head_where_there_is_no_get_is_a_405_naming_the_methods(client: TestClient) -> None:
    response = client.head("/v1/auth/token")
    assert response.status_code == 405
    assert response.headers["allow"] == "OPTIONS, POST"
    assert response.content == b""


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/v1/exercises", "GET, HEAD, OPTIONS"),
        ("/v1/routines", "GET, HEAD, OPTIONS, POST"),
        ("/v1/routines/7f0c1f5e-9a43-4c8e-9a57-3d7d1c0b6a21", "DELETE, GET, HEAD, OPTIONS, PATCH"),
        ("/v1/me", "DELETE, GET, HEAD, OPTIONS, PATCH"),
        ("/v1/auth/token", "OPTIONS, POST"),
    ],
)
def test_options_lists_every_method_of_the_path(client: TestClient, path: str, allow: str) -> None:
    response = client.options(path)
    assert response.status_code == 204
    assert response.headers["allow"] == allow
    assert response.content == b"" and "content-type" not in response.headers


def test_options_on_an_unknown_path_is_a_404(client: TestClient) -> None:
    assert client.options("/v1/no-such-thing").status_code == 404


def test_large_bodies_are_gzipped_for_clients_that_accept_it(client: TestClient) -> None:
    plain = client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    packed = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["vary"]
    # httpx decodes it; the bytes on the wire are far fewer.
    assert packed.json() == plain.json()
    assert int(packed.headers["content-length"]) < len(plain.content) / 3


def test_small_bodies_are_sent_as_they_are(client: TestClient) -> None:
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers


def test_etags_stay_correct_under_compression(client: TestClient) -> None:
    plain = client.get("/v1/exercises", headers={"Accept-Encoding": "identity"})
    packed = client.get("/v1/exercises", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    # Weak: it names the content, which compression does not change; a strong tag would have
    # to differ between the two representations.
    weak = plain.headers["etag"]
    assert weak.startswith('W/"') and packed.headers["etag"] == weak
    for sent in (weak, weak.removeprefix("W/")):
        for encoding in ("identity", "gzip"):
            again = client.get(
                "/v1/exercises", headers={"If-None-Match": sent, "Accept-Encoding": encoding}
            )
            assert again.status_code == 304, (sent, encoding)
            assert again.content == b""


def test_a_gzipped_body_is_real_gzip(client: TestClient) -> None:
    with client.stream("GET", "/v1/exercises", headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
    assert gzip.decompress(raw).startswith(b'{"data":')


def test_no_content_has_no_content_type(client: TestClient) -> None:
    user = register_user(client)
    routine = create_routine(client, user)
    deleted = client.delete(f"/v1/routines/{routine['id']}", headers=user.headers)
    assert deleted.status_code == 204
    assert "content-type" not in deleted.headers
    etag = client.get("/v1/areas").headers["etag"]
    not_modified = client.get("/v1/areas", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and "content-type" not in not_modified.headers


def test_register_names_the_new_account_in_location(client: TestClient) -> None:
    response = client.post(
        "/v1/auth/register",
        json={"email": "location@example.com", "password": "correct horse battery"},
    )
    assert response.status_code == 201
    assert response.headers["location"] == "/v1/me"


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/v1/exercises/", "../exercises"),
        ("/v1/exercises/?area=lower", "../exercises?area=lower"),
        ("/v1/exercises/knee-rolls/", "../knee-rolls"),
        ("/healthz/", "../healthz"),
    ],
)
def test_a_trailing_slash_redirects_relative_to_the_request(
    client: TestClient, path: str, location: str
) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == location
    followed = client.get(path)
    assert followed.status_code == 200
    assert followed.url.path == path.split("?")[0].rstrip("/")


def test_a_trailing_slash_on_an_unknown_path_is_a_404(client: TestClient) -> None:
    response = client.get("/v1/no-such-thing/", follow_redirects=False)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("control", ["%0D", "%0A", "%09", "%0D%0A"])
def test_a_control_character_after_the_slash_is_not_a_trailing_slash(
    client: TestClient, control: str
) -> None:
    response = client.get(f"/v1/plans/{control}", follow_redirects=False)
    assert response.status_code in (401, 404), response.text
    assert "location" not in response.headers


def test_an_overlong_if_none_match_is_a_422_naming_the_header(client: TestClient) -> None:
    response = client.get("/v1/areas", headers={"If-None-Match": '"' + "a" * 1000 + '"'})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["header.If-None-Match"]
