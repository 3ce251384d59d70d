"""An integrator's view: generate a Python client from the committed openapi.json with
openapi-python-client and use it against a running server."""

import importlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.factories import ALL_CONSENTS
from tests.live_server import ROOT

PACKAGE = "backpain_client"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("sdk")
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(ROOT / "openapi.json"),
            "--output-path",
            str(out / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(ROOT / "tests" / "sdk" / "openapi-python-client.yaml"),
        ],
        # The generator formats its output with ruff, which lives next to it.
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    printed = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, printed
    # Anything beyond the progress line is a warning about our schema (a skipped endpoint,
    # an unsupported construct, a failed post-processing hook): each one is a defect.
    assert printed == f"Generating {out / PACKAGE}", printed
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def base_url(live_base_url: str) -> str:
    return live_base_url


def endpoint(tag: str, operation_id: str) -> Any:
    """The generated module for one operation: `api/<tag>/<operationId>.py`."""
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation_id}")


def models() -> Any:
    return importlib.import_module(f"{PACKAGE}.models")


def test_generated_client_drives_the_api(sdk: ModuleType, base_url: str) -> None:
    m = models()
    list_exercises = endpoint("exercises", "list_exercises")
    get_exercise = endpoint("exercises", "get_exercise")
    create_recommendation = endpoint("recommendations", "create_recommendation")
    register_user = endpoint("accounts", "register_user")
    login = endpoint("accounts", "login")
    get_me = endpoint("accounts", "get_me")
    create_routine = endpoint("routines", "create_routine")
    create_session = endpoint("progress", "create_session")
    get_summary = endpoint("progress", "get_summary")
    # Any status the document does not list raises: the contract has to be complete.
    client = sdk.Client(base_url=base_url, raise_on_unexpected_status=True)

    everything = list_exercises.sync(client=client)
    assert isinstance(everything, m.ExerciseList) and everything.count == 5

    stretches = list_exercises.sync(client=client, area=m.Area.LOWER, kind=m.ExerciseKind.STRETCH)
    assert isinstance(stretches, m.ExerciseList)
    assert stretches.count >= 1
    assert all(move.kind == m.ExerciseKind.STRETCH for move in stretches.data)

    one = get_exercise.sync(slug=stretches.data[0].slug, client=client)
    assert isinstance(one, m.ExercisePublic)
    assert one.slug == stretches.data[0].slug and one.steps
    # The pictures: one still per step with its alt text, PNGs for a phone, an animation.
    assert isinstance(one.media, m.ExerciseMedia)
    assert [still.step for still in one.media.steps] == list(range(1, len(one.steps) + 1))
    assert all(still.alt and still.basis == m.MediaBasis.ILLUSTRATION for still in one.media.steps)
    assert [png.scale for png in one.media.thumbnail.png] == [1, 2, 3]
    picture = client.get_httpx_client().get(one.media.thumbnail.png[2].url)
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert isinstance(everything.data[0].media, m.ExerciseMedia)

    # Each screening question's id comes typed for the field its answer goes in.
    screen = endpoint("recommendations", "list_screening_questions").sync(client=client)
    assert isinstance(screen, m.ScreeningQuestionList)
    warning_signs = [q.id for q in screen.data if isinstance(q, m.WarningSignQuestion)]
    cautions = [q.id for q in screen.data if isinstance(q, m.CautionQuestion)]
    assert all(isinstance(i, m.RedFlag) for i in warning_signs) and warning_signs
    assert all(isinstance(i, m.Caution) for i in cautions) and cautions

    advice = create_recommendation.sync(
        client=client,
        body=m.RecommendationCreate(area=m.Area.LOWER, pain_level=4, red_flags=[], cautions=[]),
    )
    assert isinstance(advice, m.RecommendationPublic)
    assert advice.triage.level == m.TriageLevel.SELF_CARE
    assert advice.moves
    assert all(isinstance(move.media, m.MoveMedia) for move in advice.moves)

    email = f"sdk-{uuid.uuid4().hex[:10]}@example.com"
    password = "correct horse battery"
    consents = [
        m.ConsentGrant(purpose=m.ConsentPurpose(c["purpose"]), version=c["version"])
        for c in ALL_CONSENTS
    ]
    user = register_user.sync(
        client=client, body=m.UserCreate(email=email, password=password, consents=consents)
    )
    assert isinstance(user, m.UserPublic) and user.email == email

    tokens = login.sync(client=client, body=m.LoginForm(username=email, password=password))
    assert isinstance(tokens, m.TokenPair)
    authed = sdk.AuthenticatedClient(
        base_url=base_url, token=tokens.access_token, raise_on_unexpected_status=True
    )
    me = get_me.sync(client=authed)
    assert isinstance(me, m.UserPublic) and me.id == user.id

    routine = create_routine.sync(
        client=authed,
        body=m.RoutineCreate(
            name="Lower back, after work",
            areas=[m.Area.LOWER],
            steps=[m.RoutineStepIn(exercise_slug=one.slug, sets=1, reps=5)],
        ),
    )
    assert isinstance(routine, m.RoutinePublic)
    assert [step.exercise_slug for step in routine.steps] == [one.slug]
    assert isinstance(routine.steps[0].media, m.MoveMedia)
    assert routine.steps[0].media.thumbnail.url == one.media.thumbnail.url

    finished = datetime.now(UTC) - timedelta(minutes=1)
    logged = create_session.sync(
        client=authed,
        body=m.SessionCreate(
            routine_id=routine.id,
            area=m.Area.LOWER,
            started_at=finished - timedelta(minutes=12),
            completed_at=finished,
            pain_before=6,
            pain_after=3,
            exercises=[m.SessionExerciseIn(exercise_slug=one.slug, reps=5)],
        ),
    )
    assert isinstance(logged, m.SessionPublic)
    assert logged.routine_id == routine.id

    summary = get_summary.sync(client=authed)
    assert isinstance(summary, m.ProgressSummary)
    assert summary.total_sessions == 1
    assert summary.average_pain_change == -3

    # The report's two operations: the PDF as bytes (with the config's override), the CSV as
    # text, each typed from its one media type.
    pdf = endpoint("reports", "get_report_pdf").sync(client=authed)
    assert isinstance(pdf, importlib.import_module(f"{PACKAGE}.types").File)
    assert pdf.payload.read(5) == b"%PDF-"
    table = endpoint("reports", "get_report_csv").sync(client=authed)
    assert isinstance(table, str) and table.startswith("date,")


def test_the_safety_state_through_the_generated_client(sdk: ModuleType, base_url: str) -> None:
    m = models()
    client = sdk.Client(base_url=base_url, raise_on_unexpected_status=True)
    email = f"sdk-{uuid.uuid4().hex[:10]}@example.com"
    consents = [
        m.ConsentGrant(purpose=m.ConsentPurpose(c["purpose"]), version=c["version"])
        for c in ALL_CONSENTS
    ]
    endpoint("accounts", "register_user").sync(
        client=client,
        body=m.UserCreate(email=email, password="correct horse battery", consents=consents),
    )
    tokens = endpoint("accounts", "login").sync(
        client=client, body=m.LoginForm(username=email, password="correct horse battery")
    )
    authed = sdk.AuthenticatedClient(
        base_url=base_url, token=tokens.access_token, raise_on_unexpected_status=True
    )
    urgent = endpoint("recommendations", "create_recommendation").sync(
        client=authed,
        body=m.RecommendationCreate(
            area=m.Area.LOWER, pain_level=4, red_flags=[m.RedFlag.SADDLE_NUMBNESS], cautions=[]
        ),
    )
    assert isinstance(urgent, m.RecommendationPublic)
    assert urgent.triage.level == m.TriageLevel.URGENT_CARE and urgent.moves == []
    state = endpoint("safety", "get_safety").sync(client=authed)
    assert isinstance(state, m.SafetyState)
    assert state.exercise == m.Exercise.ON_HOLD
    (concern,) = state.concerns
    assert concern.timeframe == m.CareTimeframe.NOW
    assert concern.source == m.ConcernSource.RECOMMENDATION
    closed = endpoint("safety", "close_concern").sync(
        concern_id=concern.id,
        client=authed,
        body=m.ConcernClose(seen_on=concern.opened_on),
    )
    assert isinstance(closed, m.ConcernPublic)
    assert closed.status == m.ConcernStatus.CLOSED and closed.closed_by == m.ClosedBy.PERSON
    history = endpoint("safety", "list_concerns").sync(client=authed)
    assert isinstance(history, m.ConcernList) and history.count == 1


def test_errors_arrive_as_typed_problems(sdk: ModuleType, base_url: str) -> None:
    m = models()
    list_exercises = endpoint("exercises", "list_exercises")
    get_exercise = endpoint("exercises", "get_exercise")
    client = sdk.Client(base_url=base_url, raise_on_unexpected_status=True)

    missing = get_exercise.sync_detailed(slug="no-such-move", client=client)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, m.Problem)
    assert missing.parsed.status == 404 and "no-such-move" in missing.parsed.detail
    assert missing.headers["content-type"] == "application/problem+json"

    invalid = list_exercises.sync_detailed(client=client, limit=0)
    assert invalid.status_code == 422
    assert isinstance(invalid.parsed, m.Problem)
    assert [error.field for error in invalid.parsed.errors] == ["query.limit"]
    assert all(isinstance(error, m.FieldError) for error in invalid.parsed.errors)

    anonymous = endpoint("accounts", "get_me").sync_detailed(client=client)
    assert anonymous.status_code == 401
    assert isinstance(anonymous.parsed, m.Problem)


def test_anonymous_calls_head_a_304_and_the_sync_loop(sdk: ModuleType, base_url: str) -> None:
    m = models()
    list_routines = endpoint("routines", "list_routines")
    get_exercise = endpoint("exercises", "get_exercise")
    list_sessions = endpoint("progress", "list_sessions")
    create_session = endpoint("progress", "create_session")
    delete_session = endpoint("progress", "delete_session")
    anonymous = sdk.Client(base_url=base_url, raise_on_unexpected_status=True)

    # Optional auth: the contract lists anonymous access, so a plain Client is served.
    curated = list_routines.sync(client=anonymous)
    assert isinstance(curated, m.RoutineList)
    assert curated.data and all(routine.curated for routine in curated.data)

    # HEAD mirrors GET through the client's own connection; a 304 is a documented answer.
    head = anonymous.get_httpx_client().head("/v1/exercises/knee-rolls")
    assert head.status_code == 200 and head.content == b""
    first = get_exercise.sync_detailed(slug="knee-rolls", client=anonymous)
    assert first.status_code == 200 and first.headers["etag"] == head.headers["etag"]
    again = get_exercise.sync_detailed(
        slug="knee-rolls", client=anonymous, if_none_match=first.headers["etag"]
    )
    assert again.status_code == 304 and again.parsed is None

    email = f"sdk-sync-{uuid.uuid4().hex[:10]}@example.com"
    register = endpoint("accounts", "register_user")
    consents = [
        m.ConsentGrant(purpose=m.ConsentPurpose(c["purpose"]), version=c["version"])
        for c in ALL_CONSENTS
    ]
    register.sync(
        client=anonymous,
        body=m.UserCreate(email=email, password="correct horse battery", consents=consents),
    )
    tokens = endpoint("accounts", "login").sync(
        client=anonymous, body=m.LoginForm(username=email, password="correct horse battery")
    )
    authed = sdk.AuthenticatedClient(
        base_url=base_url, token=tokens.access_token, raise_on_unexpected_status=True
    )

    def log(minutes_ago: int) -> Any:
        done = datetime.now(UTC) - timedelta(minutes=minutes_ago)
        return create_session.sync(
            client=authed,
            body=m.SessionCreate(
                area=m.Area.MID,
                started_at=done - timedelta(minutes=10),
                completed_at=done,
                pain_before=4,
                pain_after=3,
                exercises=[m.SessionExerciseIn(exercise_slug="cat-camel", reps=5)],
            ),
        )

    def sync(copy: dict[str, Any], token: str | None) -> str:
        cursor = None
        while True:
            page = list_sessions.sync(
                client=authed,
                limit=2,
                cursor=cursor if cursor else sdk.types.UNSET,
                changed_since=token if token else sdk.types.UNSET,
            )
            assert isinstance(page, m.SessionList)
            copy |= {str(s.id): s for s in page.data}
            for gone in page.deleted:
                copy.pop(str(gone.id), None)
            if not page.next_cursor:
                return str(page.sync_token)
            cursor = page.next_cursor

    kept = [log(30), log(20), log(10)]
    phone: dict[str, Any] = {}
    token = sync(phone, None)
    assert set(phone) == {str(s.id) for s in kept}
    delete_session.sync_detailed(session_id=kept[0].id, client=authed)
    newer = log(5)
    token = sync(phone, token)
    assert set(phone) == {str(kept[1].id), str(kept[2].id), str(newer.id)}
