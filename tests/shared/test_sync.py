"""Offline sync as a phone does it: walk a list with cursors, keep the sync token of the last
page, then ask only for what changed since (changes and deletions), page by page."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import (
    AuthUser,
    create_routine,
    freeze_now,
    log_session,
    register_user,
    session_payload,
)

LISTS = ("/v1/routines", "/v1/progress/sessions")


@dataclass
class Device:
    """One phone's copy of a list, kept in step with the sync loop in docs/sync.md."""

    path: str
    headers: dict[str, str]
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    token: str | None = None
    pages: int = 0

    def sync(self, client: TestClient, limit: int = 2) -> None:
        cursor, token = None, None
        while True:
            params: dict[str, Any] = {"limit": limit}
            if self.token:
                params["changed_since"] = self.token
            if cursor:
                params["cursor"] = cursor
            response = client.get(self.path, params=params, headers=self.headers)
            assert response.status_code == 200, response.text
            page = response.json()
            self.pages += 1
            assert token in (None, page["sync_token"]), "one walk, one token"
            token = page["sync_token"]
            for item in page["data"]:
                self.items[item["id"]] = item
            for gone in page["deleted"]:
                assert self.token, "a first walk lists no deletions"
                self.items.pop(gone["id"], None)
            cursor = page["next_cursor"]
            if cursor is None:
                break
        self.token = token


def server_state(client: TestClient, path: str, user: AuthUser) -> dict[str, dict[str, Any]]:
    everything: dict[str, dict[str, Any]] = {}
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        page = client.get(path, params=params, headers=user.headers).json()
        everything |= {item["id"]: item for item in page["data"]}
        cursor = page["next_cursor"]
        if cursor is None:
            return everything


def finished(minutes_ago: int) -> dict[str, str]:
    end = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return {
        "started_at": (end - timedelta(minutes=10)).isoformat(),
        "completed_at": end.isoformat(),
    }


def test_two_phones_of_one_account_converge(client: TestClient) -> None:
    user = register_user(client)
    phones = [
        {path: Device(path, user.headers) for path in LISTS},
        {path: Device(path, user.headers) for path in LISTS},
    ]
    mine = [create_routine(client, user, name=f"Routine {i}") for i in range(3)]
    sessions = [log_session(client, user, **finished(60 - i)) for i in range(5)]
    for phone in phones:
        for device in phone.values():
            device.sync(client)
    assert phones[0][LISTS[0]].items == server_state(client, LISTS[0], user)

    # The first phone edits and deletes; the second logs, deletes and edits too.
    patched = client.patch(
        f"/v1/routines/{mine[0]['id']}", json={"name": "Renamed on phone one"}, headers=user.headers
    )
    assert patched.status_code == 200
    assert client.delete(f"/v1/routines/{mine[1]['id']}", headers=user.headers).status_code == 204
    assert (
        client.delete(f"/v1/progress/sessions/{sessions[0]['id']}", headers=user.headers)
    ).status_code == 204
    phones[0][LISTS[0]].sync(client)
    followed = log_session(client, user, routine_id=mine[2]["id"], **finished(5))
    log_session(client, user, **finished(4))
    assert (
        client.delete(f"/v1/progress/sessions/{sessions[1]['id']}", headers=user.headers)
    ).status_code == 204
    # Deleting a routine unlinks the sessions logged with it: that is a change to sync too.
    assert client.delete(f"/v1/routines/{mine[2]['id']}", headers=user.headers).status_code == 204
    client.patch(f"/v1/routines/{mine[0]['id']}", json={"areas": ["lower"]}, headers=user.headers)

    for phone in phones:
        for device in phone.values():
            device.sync(client)
    for path in LISTS:
        truth = server_state(client, path, user)
        assert phones[0][path].items == truth == phones[1][path].items, path
    sessions_now = phones[1][LISTS[1]].items
    assert sessions[0]["id"] not in sessions_now and sessions[1]["id"] not in sessions_now
    assert sessions_now[followed["id"]]["routine_id"] is None
    routines_now = phones[1][LISTS[0]].items
    assert routines_now[mine[0]["id"]]["name"] == "Renamed on phone one"
    assert routines_now[mine[0]["id"]]["areas"] == ["lower"]
    assert mine[1]["id"] not in routines_now and mine[2]["id"] not in routines_now


def test_a_sync_with_nothing_new_sends_nothing(client: TestClient) -> None:
    user = register_user(client)
    log_session(client, user, **finished(30))
    phone = Device(LISTS[1], user.headers)
    phone.sync(client)
    before = phone.token
    response = client.get(LISTS[1], params={"changed_since": before}, headers=user.headers)
    page = response.json()
    assert page["data"] == [] and page["deleted"] == [] and page["next_cursor"] is None
    assert page["count"] == 0


def test_a_cursor_neither_skips_nor_repeats_while_sessions_arrive(client: TestClient) -> None:
    user = register_user(client)
    logged = [log_session(client, user, **finished(100 - i)) for i in range(6)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(LISTS[1], params=params, headers=user.headers).json()
        seen += [s["id"] for s in page["data"]]
        # Newer sessions arrive during the walk; an offset would shift under them.
        log_session(client, user, **finished(1))
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [s["id"] for s in reversed(logged)]


def test_a_deleted_id_stays_deleted(client: TestClient) -> None:
    user = register_user(client)
    phone = Device(LISTS[1], user.headers)
    phone.sync(client)
    session_id = str(uuid.uuid4())
    log_session(client, user, id=session_id, **finished(20))
    client.delete(f"/v1/progress/sessions/{session_id}", headers=user.headers)
    late = client.post(
        LISTS[1], json=session_payload(id=session_id, **finished(10)), headers=user.headers
    )
    assert late.status_code == 410
    page = client.get(LISTS[1], params={"changed_since": phone.token}, headers=user.headers)
    assert page.json()["data"] == []
    assert [gone["id"] for gone in page.json()["deleted"]] == [session_id]


def test_curated_routines_sync_anonymously(client: TestClient) -> None:
    phone = Device(LISTS[0], {})
    phone.sync(client)
    assert phone.items and all(r["curated"] for r in phone.items.values())
    again = client.get(LISTS[0], params={"changed_since": phone.token})
    assert again.status_code == 200 and again.json()["data"] == []


def test_a_token_older_than_the_tombstones_is_gone(client: TestClient) -> None:
    user = register_user(client)
    token = client.get(LISTS[1], headers=user.headers).json()["sync_token"]
    freeze_now(datetime.now(UTC) + timedelta(days=91))
    response = client.get(LISTS[1], params={"changed_since": token}, headers=user.headers)
    assert response.status_code == 410
    assert response.json()["type"].endswith("/sync-token-expired")
    freeze_now(datetime.now(UTC) + timedelta(days=89))
    assert (
        client.get(LISTS[1], params={"changed_since": token}, headers=user.headers).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (LISTS[1], {"area": "lower"}, "query.area"),
        (LISTS[1], {"from": "2026-11-01"}, "query.from"),
        (LISTS[0], {"area": "mid"}, "query.area"),
    ],
)
def test_a_sync_takes_no_filters(
    client: TestClient, path: str, params: dict[str, str], field: str
) -> None:
    user = register_user(client)
    token = client.get(path, headers=user.headers).json()["sync_token"]
    response = client.get(path, params={"changed_since": token, **params}, headers=user.headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("name", ["cursor", "changed_since"])
def test_made_up_tokens_and_cursors_are_a_422_naming_the_field(
    client: TestClient, name: str
) -> None:
    user = register_user(client)
    response = client.get(LISTS[1], params={name: "bm90LWEtdG9rZW4"}, headers=user.headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [f"query.{name}"]


def test_a_token_works_only_for_the_caller_it_was_issued_to(client: TestClient) -> None:
    ana, ben = register_user(client), register_user(client)
    token = client.get(LISTS[1], headers=ana.headers).json()["sync_token"]
    response = client.get(LISTS[1], params={"changed_since": token}, headers=ben.headers)
    assert response.status_code == 422


def test_a_cursor_from_a_listing_does_not_continue_a_sync(client: TestClient) -> None:
    user = register_user(client)
    for minutes in (30, 20, 10):
        log_session(client, user, **finished(minutes))
    listing = client.get(LISTS[1], params={"limit": 1}, headers=user.headers).json()
    response = client.get(
        LISTS[1],
        params={"changed_since": listing["sync_token"], "cursor": listing["next_cursor"]},
        headers=user.headers,
    )
    assert response.status_code == 422


def test_offset_counts_from_the_cursor(client: TestClient) -> None:
    user = register_user(client)
    logged = [log_session(client, user, **finished(50 - i)) for i in range(5)]
    first = client.get(LISTS[1], params={"limit": 1}, headers=user.headers).json()
    skipped = client.get(
        LISTS[1],
        params={"limit": 1, "offset": 2, "cursor": first["next_cursor"]},
        headers=user.headers,
    ).json()
    assert [s["id"] for s in skipped["data"]] == [logged[1]["id"]]
