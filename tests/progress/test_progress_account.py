"""What the account endpoints do with routines and sessions: the export holds all of them,
and deleting the account leaves none of them behind."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select

from app.progress.models import ProgressSession, SessionExercise
from app.routines.models import Routine, RoutineArea, RoutineStep
from tests.factories import AFTER_SAMPLES, create_routine, log_session, register_user

START = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)


@pytest.mark.time_machine(AFTER_SAMPLES)
def test_export_contains_every_routine_and_session(client: TestClient) -> None:
    alice, bob = register_user(client), register_user(client)
    routines = [create_routine(client, alice, name=f"Routine {n}") for n in range(3)]
    # More sessions than one page of the list holds: the export is not paged.
    sessions = []
    for n in range(55):
        begin = START + timedelta(days=n)
        sessions.append(
            log_session(
                client,
                alice,
                routine_id=routines[n % 3]["id"] if n % 2 else None,
                started_at=begin.isoformat(),
                completed_at=(begin + timedelta(minutes=12)).isoformat(),
                pain_before=n % 11,
                notes=f"day {n}",
            )
        )
    create_routine(client, bob)
    log_session(client, bob)

    response = client.get("/v1/me/export", headers=alice.headers)
    assert response.status_code == 200, response.text
    export = response.json()
    # The answer to creating a routine leads with the safety state of the moment; the export
    # keeps the routines themselves.
    assert export["routines"] == [r | {"safety": None} for r in routines]
    assert export["sessions"] == sessions


def test_export_of_an_account_without_routines_or_sessions(client: TestClient) -> None:
    user = register_user(client)
    export = client.get("/v1/me/export", headers=user.headers).json()
    assert (export["routines"], export["sessions"]) == ([], [])


def count(db: Session, model: type, *conditions: ColumnElement[bool]) -> int:
    return db.exec(select(func.count()).select_from(model).where(*conditions)).one()


@pytest.mark.time_machine(AFTER_SAMPLES)
def test_deleting_the_account_leaves_none_of_its_routines_or_sessions(
    client: TestClient, db: Session
) -> None:
    alice, bob = register_user(client), register_user(client)
    alice_id, bob_id = uuid.UUID(alice.id), uuid.UUID(bob.id)
    own = create_routine(client, alice)
    curated = client.get("/v1/routines").json()["data"][0]
    logged = [
        log_session(client, alice, routine_id=own["id"]),
        log_session(client, alice, routine_id=curated["id"]),
        log_session(client, alice),
    ]
    bobs_routine = create_routine(client, bob)
    bobs_session = log_session(client, bob, routine_id=curated["id"])

    routine_ids = [uuid.UUID(own["id"])]
    session_ids = [uuid.UUID(s["id"]) for s in logged]
    assert count(db, Routine, col(Routine.owner_id) == alice_id) == 1
    assert count(db, RoutineStep, col(RoutineStep.routine_id).in_(routine_ids)) == 2
    assert count(db, SessionExercise, col(SessionExercise.session_id).in_(session_ids)) == 6

    assert client.delete("/v1/me", headers=alice.headers).status_code == 204
    db.expire_all()

    assert count(db, Routine, col(Routine.owner_id) == alice_id) == 0
    assert count(db, Routine, col(Routine.id).in_(routine_ids)) == 0
    assert count(db, RoutineStep, col(RoutineStep.routine_id).in_(routine_ids)) == 0
    assert count(db, RoutineArea, col(RoutineArea.routine_id).in_(routine_ids)) == 0
    assert count(db, ProgressSession, col(ProgressSession.user_id) == alice_id) == 0
    assert count(db, ProgressSession, col(ProgressSession.id).in_(session_ids)) == 0
    assert count(db, SessionExercise, col(SessionExercise.session_id).in_(session_ids)) == 0

    # Everyone else's data, and the curated routines, are untouched.
    assert count(db, ProgressSession, col(ProgressSession.user_id) == bob_id) == 1
    assert client.get(f"/v1/routines/{bobs_routine['id']}", headers=bob.headers).json() == (
        bobs_routine
    )
    assert (
        client.get(f"/v1/progress/sessions/{bobs_session['id']}", headers=bob.headers).json()
        == bobs_session
    )
    assert client.get("/v1/routines").json()["count"] == 4
