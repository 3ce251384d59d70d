"""Cursors and sync tokens are the service's own: whatever else arrives in their place (random
bytes, JSON of any shape, a real one with a byte changed) is a 422 naming the parameter,
never a 500, on every list that takes them."""

import base64
import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.shared import sync
from tests.factories import AFTER_SAMPLES, AuthUser, log_session, register_user

# Every list that pages with a cursor, and the ones that also sync.
CURSOR_LISTS = (
    "/v1/progress/sessions",
    "/v1/routines",
    "/v1/checkins",
    "/v1/outcomes/peg/responses",
)
SYNC_LISTS = ("/v1/progress/sessions", "/v1/routines")
LIST = "/v1/progress/sessions"
PROBES = [(path, "cursor") for path in CURSOR_LISTS] + [
    (path, "changed_since") for path in SYNC_LISTS
]


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)
# The shapes the service's own tokens and cursors have, with values of any type.
token_shapes = st.fixed_dictionaries(
    {"k": json_values, "s": json_values, "t": json_values, "m": json_values, "c": json_values}
)
payloads = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    token_shapes.map(lambda value: json.dumps(value).encode()),
)


def refused(client: TestClient, user: AuthUser, path: str, name: str, value: str) -> None:
    response = client.get(path, params={name: value}, headers=user.headers)
    assert response.status_code == 422, (path, name, value, response.text)
    assert [e["field"] for e in response.json()["errors"]] == [f"query.{name}"]


@pytest.mark.parametrize(("path", "name"), PROBES)
def test_anything_not_issued_is_a_422_naming_the_parameter(
    client: TestClient, path: str, name: str
) -> None:
    user = register_user(client)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(payload=payloads, forged_tag=st.booleans())
    def probe(payload: bytes, forged_tag: bool) -> None:
        # With a tag-sized prefix too, as if someone guessed the format.
        value = b64((b"\0" * sync.TAG_BYTES if forged_tag else b"") + payload)
        if value:
            refused(client, user, path, name, value)

    probe()


@pytest.mark.parametrize(
    "shape",
    [
        {"k": ["x", "y"], "s": False, "t": "x"},
        {"k": [None, None], "s": False, "t": "x"},
        {"k": [True, [1]], "s": False, "t": "x"},
        {"k": [{"dt": [1]}, {"u": {}}], "s": False, "t": "x"},
        {"k": [1, 2], "s": False, "t": "x"},
    ],
)
def test_the_cursors_that_were_500s_are_422s(client: TestClient, shape: dict[str, Any]) -> None:
    user = register_user(client)
    refused(client, user, LIST, "cursor", b64(json.dumps(shape).encode()))


@pytest.mark.parametrize("mark", [2**64, 2**63, -(2**63) - 1])
def test_a_change_number_beyond_64_bits_is_a_422(client: TestClient, mark: int) -> None:
    user = register_user(client)
    # Signed with the service's own key: only the range check stands in the way.
    user_id = uuid.UUID(user.id)
    token = sync.SyncToken({sync.user_scope(user_id): mark}, sync.caller_tag(user_id), 0).encode()
    refused(client, user, LIST, "changed_since", token)


@pytest.mark.time_machine(AFTER_SAMPLES)
@pytest.mark.parametrize("name", ["cursor", "changed_since"])
def test_an_issued_value_with_one_byte_changed_is_refused(client: TestClient, name: str) -> None:
    user = register_user(client)
    for _ in range(2):
        log_session(client, user)
    page = client.get(LIST, params={"limit": 1}, headers=user.headers).json()
    issued = page["next_cursor"] if name == "cursor" else page["sync_token"]
    raw = bytearray(base64.urlsafe_b64decode(issued + "=" * (-len(issued) % 4)))
    for index in (0, len(raw) - 2):
        changed = bytearray(raw)
        changed[index] ^= 1
        refused(client, user, LIST, name, b64(bytes(changed)))
    assert client.get(LIST, params={name: issued}, headers=user.headers).status_code == 200
