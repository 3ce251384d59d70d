"""The benchmark run: the service on each engine and the reference app side by side, loaded by
wrk in alternating rounds, every response checked before it is timed, one table at the end."""

import dataclasses
import itertools
import json
import math
import random
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench import httpc, machine, reference
from bench.data import Seeder, spread_days
from bench.report import Meta, Row, render
from bench.servers import (
    REFERENCE_ARGV,
    START_SH,
    Failure,
    Process,
    base_env,
    memory_kb,
    serve_command,
)
from bench.stats import Target, growth, median, ratio, summarize
from bench.wrk import Load, WrkRun, command, parse

LUA = Path(__file__).resolve().parent / "lua"
RESULTS = Path(__file__).resolve().parent / "results"
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

THROUGHPUT_KEYS = (
    "catalog",
    "catalog-304",
    "move",
    "recommendations",
    "routines",
    "session-write",
    "healthz",
)
OTHER_KEYS = ("workers", "summary", "pages", "memory", "start")
ALL_KEYS = THROUGHPUT_KEYS + OTHER_KEYS

# The summary targets are set for these history sizes; others are reported, not judged.
TARGET_SUMMARY_SIZES = (1_000, 10_000, 100_000)
SUMMARY_P50_TARGET = Target("p50 < 25 ms", below=25.0)
SUMMARY_GROWTH_TARGET = Target("p50 < 3x the 1,000 one", below=3.0)
DEEP_PAGE_TARGET = Target("p50 within 1.25x of the first page", below=1.25)
START_TARGET = Target("< 1.5 s", below=1.5)
MEMORY_TARGET = Target("< 150 MB", below=150.0)

# A token is signed in again after this long; access tokens live 15 minutes by default.
TOKEN_REUSE_SECONDS = 300
# Accounts logging sessions at once in the session-write scenario: one per wrk connection.
SESSION_WRITERS = 32
PASSWORD = "correct horse battery staple"
RECOMMENDATION = {
    "area": "lower",
    "pain_level": 4,
    "red_flags": [],
    "cautions": [],
    "limitations": [],
    "age": 38,
}


class ServiceDied(Failure):
    """The service under test stopped: nothing more can be measured on this engine."""


@dataclass
class Options:
    mode: str
    engines: list[str]
    pg_url: str
    threads: int
    connections: int
    seconds: int
    rounds: int
    warmup: int
    summary_sizes: list[int]
    other_people: int
    other_sessions: int
    page_size: int
    deep_page: int
    starts: int
    keys: set[str]
    server_env: dict[str, str]
    output: Path | None

    @property
    def load(self) -> Load:
        return Load(self.threads, self.connections, self.seconds)


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- talking to the service -------------------------------------------------------------------


def expect(response: httpc.Response, status: int, what: str) -> httpc.Response:
    if response.status != status:
        raise Failure(f"{what}: expected {status}, got {response.status}: {response.body[:300]!r}")
    return response


def _retrying(send: Callable[[], httpc.Response]) -> httpc.Response:
    """Sign-up and sign-in are rate limited; wait out a 429 rather than fail the run."""
    for _ in range(4):
        response = send()
        if response.status != 429:
            return response
        time.sleep(int(response.headers.get("retry-after", "10")) + 1)
    return response


@dataclass
class Account:
    port: int
    email: str
    user_id: uuid.UUID
    timezone: str
    _token: str = ""
    _issued: float = 0.0

    @classmethod
    def register(cls, port: int, label: str, timezone: str) -> "Account":
        email = f"bench-{label}-{secrets.token_hex(4)}@example.com"
        # Signed up as the app does: accepting the current terms and privacy notice, and
        # consenting to keeping health data (under the privacy notice), which logging needs.
        policies = expect(
            _retrying(lambda: httpc.call(port, "GET", "/v1/policies")), 200, "policies"
        ).json()["data"]
        versions = {p["kind"]: p["version"] for p in policies}
        consents = [
            {"purpose": "terms", "version": versions["terms"]},
            {"purpose": "privacy_notice", "version": versions["privacy_notice"]},
            {"purpose": "health_data", "version": versions["privacy_notice"]},
        ]
        body = json.dumps(
            {"email": email, "password": PASSWORD, "timezone": timezone, "consents": consents}
        )
        response = _retrying(
            lambda: httpc.call(
                port,
                "POST",
                "/v1/auth/register",
                body=body.encode(),
                headers={"Content-Type": "application/json"},
            )
        )
        created = expect(response, 201, "sign-up").json()
        return cls(port, email, uuid.UUID(created["id"]), timezone)

    def token(self) -> str:
        if not self._token or time.monotonic() - self._issued > TOKEN_REUSE_SECONDS:
            form = urllib.parse.urlencode({"username": self.email, "password": PASSWORD})
            response = _retrying(
                lambda: httpc.call(
                    self.port,
                    "POST",
                    "/v1/auth/token",
                    body=form.encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
            )
            self._token = expect(response, 200, "sign-in").json()["access_token"]
            self._issued = time.monotonic()
        return self._token

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}


# --- driving wrk ------------------------------------------------------------------------------


@dataclass
class Drive:
    """One request as wrk sends it, again and again."""

    port: int
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    account: Account | None = None
    script: Path | None = None
    script_args: Callable[[], list[str]] | None = None
    # Servers left to finish their backlog before each run (every server on the machine that
    # a previous run loaded), so that one run's leftovers never slow the next.
    quiet: list[Process] = field(default_factory=list)

    def run(self, load: Load) -> WrkRun:
        settled = sum(process.settle() for process in self.quiet if process.alive())
        headers = dict(self.headers)
        if self.account is not None and self.script is None:
            headers |= self.account.auth()
        argv = command(
            f"http://127.0.0.1:{self.port}{self.path}",
            load,
            headers=headers,
            script=self.script,
            script_args=self.script_args() if self.script_args else None,
        )
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            check=False,
            timeout=load.seconds + load.timeout_seconds + 60,
        )
        if done.returncode != 0:
            raise Failure(f"wrk exited with {done.returncode}: {done.stderr or done.stdout}")
        return dataclasses.replace(parse(done.stdout), settled_seconds=round(settled, 2))


@dataclass
class Scenario:
    key: str
    name: str
    drive: Drive
    # One request as wrk will send it, with its answer checked; raises Failure.
    check: Callable[[], None]
    target: Target | None
    # Rows the scenario stores, counted around each round to prove each request stored one.
    stored: Callable[[], int] | None = None

    def measure(self, load: Load) -> WrkRun:
        before = self.stored() if self.stored else 0
        run = self.drive.run(load)
        if self.stored:
            new = _settled(self.stored) - before
            # Requests still in flight when wrk stops may be stored without being counted.
            if not run.requests <= new <= run.requests + load.connections:
                raise Failure(
                    f"{run.requests} requests completed but {new} sessions were stored: "
                    "some requests did not store a new session"
                )
        return run


def _settled(count: Callable[[], int]) -> int:
    """A count once it stops changing (requests in flight at the end of a round finish)."""
    last = count()
    for _ in range(50):
        time.sleep(0.1)
        now = count()
        if now == last:
            return now
        last = now
    return last


# --- one engine -------------------------------------------------------------------------------


@dataclass
class Context:
    opts: Options
    engine: str
    service: Process
    reference: Drive
    env: dict[str, str]
    seeder: Seeder
    tmp: Path
    # Every server of the run: each settles before any run is timed.
    quiet: list[Process]

    @property
    def name(self) -> str:
        return ENGINE_NAMES[self.engine]

    def alive(self) -> None:
        if not self.service.alive():
            raise ServiceDied(f"the service died:\n{self.service.output()}")


def throughput_scenarios(ctx: Context) -> list[Scenario]:
    port = ctx.service.port

    def get(path: str, status: int = 200, headers: dict[str, str] | None = None) -> httpc.Response:
        return expect(httpc.call(port, "GET", path, headers=headers), status, f"GET {path}")

    def catalog_check() -> None:
        body = get("/v1/exercises").json()
        if not body["data"] or body["count"] != len(body["data"]):
            raise Failure(f"GET /v1/exercises answered an unexpected list: {body}")

    etag = httpc.call(port, "GET", "/v1/exercises").headers.get("etag", "")

    def not_modified_check() -> None:
        if not etag:
            raise Failure("GET /v1/exercises sent no ETag")
        get("/v1/exercises", 304, {"If-None-Match": etag})

    def move_check() -> None:
        if get("/v1/exercises/knee-rolls").json()["slug"] != "knee-rolls":
            raise Failure("GET /v1/exercises/knee-rolls answered another move")

    recommendation = json.dumps(RECOMMENDATION).encode()
    recommendation_file = ctx.tmp / "recommendation.json"
    recommendation_file.write_bytes(recommendation)

    def recommendation_check() -> None:
        response = httpc.call(
            port,
            "POST",
            "/v1/recommendations",
            body=recommendation,
            headers={"Content-Type": "application/json"},
        )
        body = expect(response, 200, "POST /v1/recommendations").json()
        if body["triage"]["level"] != "self_care" or not body["moves"]:
            raise Failure(f"the recommendation is not self-care with moves: {body['triage']}")

    def healthz_check() -> None:
        get("/healthz")

    def routines_check() -> None:
        body = get("/v1/routines").json()
        if not body["data"]:
            raise Failure("GET /v1/routines lists no curated routine")

    # People log sessions from their own phones, one at a time each: the writes come from
    # many accounts at once, not from one account over many connections (one person's writes
    # are serialised by their sync clock, see app/shared/sync.py).
    writers = [
        Account.register(port, f"writer{n}", "Europe/Berlin") for n in range(SESSION_WRITERS)
    ]
    ended = datetime.now(UTC) - timedelta(hours=1)
    session = {
        "id": "__ID__",
        "area": "lower",
        "started_at": (ended - timedelta(minutes=12)).isoformat(),
        "completed_at": ended.isoformat(),
        "pain_before": 5,
        "pain_after": 3,
        "exercises": [
            {"exercise_slug": "knee-rolls", "sets": 1, "reps": 8, "hold_seconds": 3},
            {"exercise_slug": "hamstring-stretch", "sets": 2, "hold_seconds": 5},
        ],
        "notes": "Stiff after the drive; better afterwards.",
    }
    session_file = ctx.tmp / f"session-{ctx.engine}.json"
    session_file.write_text(json.dumps(session))
    # Unique per wrk run within this database, so that ids never repeat across rounds.
    run_numbers = itertools.count(random.randrange(0x1000))

    tokens_file = ctx.tmp / f"writers-{ctx.engine}.txt"

    def session_args() -> list[str]:
        tokens_file.write_text("".join(f"{w.token()}\n" for w in writers))
        return [
            str(session_file),
            str(tokens_file),
            f"{next(run_numbers):04x}",
            str(random.randrange(2**31)),
        ]

    def session_check() -> None:
        body = json.dumps(session).replace("__ID__", str(uuid.uuid4())).encode()
        response = httpc.call(
            port,
            "POST",
            "/v1/progress/sessions",
            body=body,
            headers={"Content-Type": "application/json"} | writers[0].auth(),
        )
        expect(response, 201, "POST /v1/progress/sessions")

    scenarios = [
        Scenario(
            "catalog",
            "GET /v1/exercises",
            Drive(port, "/v1/exercises"),
            catalog_check,
            Target(">= 1.25x", at_least=1.25),
        ),
        Scenario(
            "catalog-304",
            "GET /v1/exercises, If-None-Match (304)",
            Drive(port, "/v1/exercises", headers={"If-None-Match": etag}),
            not_modified_check,
            Target(">= 1.5x", at_least=1.5),
        ),
        Scenario(
            "move",
            "GET /v1/exercises/knee-rolls",
            Drive(port, "/v1/exercises/knee-rolls"),
            move_check,
            Target(">= 1.2x", at_least=1.2),
        ),
        Scenario(
            "recommendations",
            "POST /v1/recommendations",
            Drive(
                port,
                "/v1/recommendations",
                script=LUA / "post_json.lua",
                script_args=lambda: [str(recommendation_file)],
            ),
            recommendation_check,
            Target(">= 1.0x", at_least=1.0),
        ),
        Scenario(
            "routines",
            "GET /v1/routines (anonymous)",
            Drive(port, "/v1/routines"),
            routines_check,
            Target(">= 1.0x", at_least=1.0),
        ),
        Scenario(
            "session-write",
            f"POST /v1/progress/sessions (token, new id each, {SESSION_WRITERS} people)",
            Drive(
                port,
                "/v1/progress/sessions",
                script=LUA / "new_sessions.lua",
                script_args=session_args,
            ),
            session_check,
            # The target is set on PostgreSQL; SQLite is reported beside it.
            Target(">= 0.3x", at_least=0.3) if ctx.engine == "postgresql" else None,
            stored=lambda: ctx.seeder.count_sessions([w.user_id for w in writers]),
        ),
        Scenario(
            "healthz",
            "GET /healthz",
            Drive(port, "/healthz"),
            healthz_check,
            Target(">= 0.9x", at_least=0.9),
        ),
    ]
    for scenario in scenarios:
        scenario.drive.quiet = ctx.quiet
    return scenarios


def throughput_rows(ctx: Context) -> list[Row]:
    """Each scenario against the reference in alternating rounds: reference, scenario, and so
    on round after round over all scenarios, so drift over the run hits every pair alike."""
    opts, load = ctx.opts, ctx.opts.load
    scenarios = [s for s in throughput_scenarios(ctx) if s.key in opts.keys]
    errors: dict[str, str] = {}
    for s in scenarios:
        try:
            s.check()
        except Failure as exc:
            errors[s.key] = str(exc)
    live = [s for s in scenarios if s.key not in errors]
    if opts.warmup:
        log(f"{ctx.name}: warming up")
        warm = Load(load.threads, load.connections, opts.warmup)
        ctx.reference.run(warm)
        for s in live:
            s.measure(warm)
    runs: dict[str, list[WrkRun]] = {s.key: [] for s in scenarios}
    refs: dict[str, list[WrkRun]] = {s.key: [] for s in scenarios}
    for n in range(opts.rounds):
        for s in live:
            if s.key in errors:
                continue
            log(f"{ctx.name}: round {n + 1}/{opts.rounds}: reference, then {s.name}")
            try:
                ref_run = ctx.reference.run(load)
                run = s.measure(load)
            except Failure as exc:
                errors[s.key] = str(exc)
                continue
            finally:
                ctx.alive()
            refs[s.key].append(ref_run)
            runs[s.key].append(run)
            problems = [f"reference: {p}" for p in ref_run.problems()] + run.problems()
            if problems:
                errors[s.key] = "; ".join(problems)
    for s in live:
        if s.key not in errors:
            try:
                s.check()  # the same answer after the load as before it (ETag still valid)
            except Failure as exc:
                errors[s.key] = f"after the load: {exc}"

    every_ref = [r for rs in refs.values() for r in rs]
    rows = []
    if every_ref:
        rows.append(
            Row(
                "reference app (the floor)",
                ctx.name,
                summarize(every_ref),
                rounds=every_ref,
                note="median of every reference round",
            )
        )
    for s in scenarios:
        row = Row(s.name, ctx.name, target=s.target, error=errors.get(s.key, ""))
        if runs[s.key]:
            row.summary = summarize(runs[s.key])
            row.ratio = ratio(runs[s.key], refs[s.key])
            row.value = row.ratio.value
            row.rounds, row.reference_rounds = runs[s.key], refs[s.key]
        rows.append(row)
    return rows


def workers_row(ctx: Context) -> Row:
    """The catalog on two workers against one, in alternating rounds."""
    opts, load = ctx.opts, ctx.opts.load
    name = "GET /v1/exercises, two workers vs one"
    two_env = ctx.env | {"WEB_CONCURRENCY": "2"}
    two = Process(f"service on {ctx.name}, two workers", ["sh", str(START_SH)], two_env)
    try:
        two.start("/readyz")
        workers = len(two.worker_pids())
        if workers != 2:
            return Row(name, ctx.name, error=f"the server started {workers} workers, not 2")
        expect(httpc.call(two.port, "GET", "/v1/exercises"), 200, "GET /v1/exercises")
        one_drive = Drive(ctx.service.port, "/v1/exercises", quiet=[*ctx.quiet, two])
        two_drive = Drive(two.port, "/v1/exercises", quiet=[*ctx.quiet, two])
        if opts.warmup:
            warm = Load(load.threads, load.connections, opts.warmup)
            one_drive.run(warm)
            two_drive.run(warm)
        ones, twos = [], []
        for n in range(opts.rounds):
            log(f"{ctx.name}: round {n + 1}/{opts.rounds}: one worker, then two")
            ones.append(one_drive.run(load))
            ctx.alive()
            twos.append(two_drive.run(load))
        problems = [p for r in ones + twos for p in r.problems()]
        scaled = ratio(twos, ones)
        return Row(
            name,
            ctx.name,
            summarize(twos),
            note=f"{scaled.value:.2f}x one worker"
            + (f" ({scaled.low:.2f}-{scaled.high:.2f})" if len(twos) > 1 else ""),
            error="; ".join(problems),
            rounds=twos,
            reference_rounds=ones,
        )
    except Failure as exc:
        return Row(name, ctx.name, error=str(exc))
    finally:
        two.close()


def latency_runs(ctx: Context, drives: list[Drive]) -> list[list[WrkRun]]:
    """Single-client rounds, the drives alternating round by round. A round lasts long enough
    for about ten requests when one request is slow, so that p50 is never one sample."""
    slowest = 0.0
    for drive in drives:
        headers = drive.account.auth() if drive.account else {}
        httpc.call(drive.port, "GET", drive.path, headers=headers)  # warm
        began = time.perf_counter()
        httpc.call(drive.port, "GET", drive.path, headers=headers)
        slowest = max(slowest, time.perf_counter() - began)
    seconds = max(ctx.opts.seconds, min(60, math.ceil(10 * slowest)))
    load = Load(1, 1, seconds, timeout_seconds=max(10, min(120, math.ceil(5 * slowest))))
    if ctx.opts.warmup:
        for drive in drives:
            drive.run(Load(1, 1, ctx.opts.warmup, load.timeout_seconds))
    runs: list[list[WrkRun]] = [[] for _ in drives]
    for _ in range(ctx.opts.rounds):
        for drive, mine in zip(drives, runs, strict=True):
            mine.append(drive.run(load))
            ctx.alive()
    return runs


def _latency_row(ctx: Context, name: str, runs: list[WrkRun]) -> Row:
    problems = sorted({p for r in runs for p in r.problems()})
    return Row(name, ctx.name, summarize(runs), error="; ".join(problems), rounds=runs)


def history_rows(ctx: Context) -> list[Row]:
    """One person's summary as their history grows, other people's history beside it; then
    their session list, first page against a deep one."""
    opts, seeder = ctx.opts, ctx.seeder
    port = ctx.service.port
    person = Account.register(port, "historian", "Europe/Berlin")
    sizes = sorted(opts.summary_sizes)
    deep_needs = opts.deep_page * opts.page_size
    if "pages" in opts.keys and sizes[-1] < deep_needs:
        raise Failure(
            f"page {opts.deep_page} of {opts.page_size} needs {deep_needs:,} sessions; "
            f"the largest history is {sizes[-1]:,}"
        )
    others = opts.other_sessions
    log(f"{ctx.name}: {opts.other_people} other people with {others:,} sessions each")
    for other_id, timezone in seeder.add_people(opts.other_people):
        seeder.add_sessions(other_id, timezone, others, spread_days(others))

    rows: list[Row] = []
    p50: dict[int, float] = {}
    judged_sizes = tuple(sizes) == TARGET_SUMMARY_SIZES
    summary = Drive(port, "/v1/progress/summary", account=person, quiet=ctx.quiet)
    held = 0
    for size in sizes:
        log(f"{ctx.name}: history of {size:,} sessions")
        seeder.add_sessions(person.user_id, person.timezone, size - held, spread_days(size))
        held = size
        seeder.analyze()
        if "summary" not in opts.keys:
            continue
        name = f"GET /v1/progress/summary, {size:,} sessions"
        try:
            answer = httpc.call(port, "GET", summary.path, headers=person.auth())
            total = expect(answer, 200, "GET /v1/progress/summary").json()["total_sessions"]
            if total != size:
                raise Failure(
                    f"the summary counts {total:,} sessions, {size:,} were stored: if the "
                    "service keeps counts of its own, bench/data.py must fill them too"
                )
            (runs,) = latency_runs(ctx, [summary])
        except Failure as exc:
            if isinstance(exc, ServiceDied):
                raise
            rows.append(Row(name, ctx.name, error=str(exc)))
            continue
        row = _latency_row(ctx, name, runs)
        if row.summary and row.summary.p50_ms is not None:
            p50[size] = row.summary.p50_ms
        if judged_sizes and size == 10_000 and size in p50:
            row.target, row.value = SUMMARY_P50_TARGET, p50[size]
            row.value_text = f"{p50[size]:.1f} ms"
        if judged_sizes and size == sizes[-1] and sizes[0] in p50 and size in p50:
            row.target = SUMMARY_GROWTH_TARGET
            row.value = growth(p50[sizes[0]], p50[size])
            row.value_text = f"{row.value:.2f}x"
        rows.append(row)

    if "pages" in opts.keys:
        rows += page_rows(ctx, person, sizes[-1])
    return rows


def page_rows(ctx: Context, person: Account, held: int) -> list[Row]:
    """The first page of the session list against page `deep_page`: through `cursor` when the
    list answers with `next_cursor`, through `offset` otherwise."""
    opts, port = ctx.opts, ctx.service.port
    size = opts.page_size
    first = f"/v1/progress/sessions?limit={size}"

    def page(path: str) -> dict:
        answer = httpc.call(port, "GET", path, headers=person.auth())
        body = expect(answer, 200, f"GET {path}").json()
        if len(body["data"]) != size:
            raise Failure(f"GET {path} answered {len(body['data'])} sessions, not {size}")
        return body

    try:
        body = page(first)
        first_ids = {item["id"] for item in body["data"]}
        if "next_cursor" in body:
            log(f"{ctx.name}: walking {opts.deep_page - 1:,} pages by cursor")
            for _ in range(opts.deep_page - 1):
                if not body.get("next_cursor"):
                    raise Failure("the session list ended before the deep page")
                cursor = urllib.parse.quote(body["next_cursor"], safe="")
                deep = f"{first}&cursor={cursor}"
                body = page(deep)
            how = "cursor"
        else:
            skip = (opts.deep_page - 1) * size
            deep = f"{first}&offset={skip}"
            body = page(deep)
            how = f"offset {skip:,}"
        if first_ids & {item["id"] for item in body["data"]}:
            raise Failure("the deep page repeats sessions of the first page")
        first_runs, deep_runs = latency_runs(
            ctx,
            [
                Drive(port, first, account=person, quiet=ctx.quiet),
                Drive(port, deep, account=person, quiet=ctx.quiet),
            ],
        )
    except Failure as exc:
        if isinstance(exc, ServiceDied):
            raise
        return [Row("GET /v1/progress/sessions, first and deep page", ctx.name, error=str(exc))]
    first_row = _latency_row(
        ctx, f"GET /v1/progress/sessions, first page ({size} of {held:,})", first_runs
    )
    deep_row = _latency_row(
        ctx, f"GET /v1/progress/sessions, page {opts.deep_page:,} ({how})", deep_runs
    )
    if first_row.summary and deep_row.summary:
        first_p50, deep_p50 = first_row.summary.p50_ms, deep_row.summary.p50_ms
        if first_p50 and deep_p50:
            deep_row.target = DEEP_PAGE_TARGET
            deep_row.value = growth(first_p50, deep_p50)
            deep_row.value_text = f"{deep_row.value:.2f}x"
    return [first_row, deep_row]


def memory_row(ctx: Context) -> Row:
    """Resident memory of the largest serving process, from /proc, after every load above."""
    name = "resident memory of one worker after load"
    try:
        measured = [memory_kb(pid) for pid in ctx.service.worker_pids()]
    except OSError as exc:
        return Row(name, ctx.name, error=f"cannot read /proc: {exc}")
    if not measured:
        return Row(name, ctx.name, error="no server process found")
    worker = max(measured, key=lambda m: m.get("VmRSS", 0))
    rss_mb = worker["VmRSS"] * 1024 / 1e6
    peak_mb = worker.get("VmHWM", worker["VmRSS"]) * 1024 / 1e6
    return Row(
        name,
        ctx.name,
        target=MEMORY_TARGET,
        value=rss_mb,
        value_text=f"{rss_mb:.0f} MB, peak {peak_mb:.0f} MB",
    )


def start_rows(ctx: Context) -> list[Row]:
    """Exec to the first 200 from /readyz, on the migrated and seeded database: the serving
    command alone (the target), and the whole of scripts/start.sh (migrate, seed, serve)."""
    rows = []
    for name, argv, target in (
        (
            "start to ready: server process",
            ["sh", "-c", serve_command()],
            START_TARGET,
        ),
        ("start to ready: scripts/start.sh (migrate and seed, serve)", ["sh", str(START_SH)], None),
    ):
        times = []
        try:
            for _ in range(ctx.opts.starts):
                process = Process(f"service on {ctx.name}", argv, ctx.env)
                try:
                    times.append(process.start("/readyz", timeout=120))
                finally:
                    process.close()
        except Failure as exc:
            rows.append(Row(name, ctx.name, error=str(exc)))
            continue
        mid = median(times)
        spread = f", {min(times):.2f}-{max(times):.2f}" if len(times) > 1 else ""
        rows.append(
            Row(
                name,
                ctx.name,
                target=target,
                value=mid,
                value_text=f"{mid:.2f} s, median of {len(times)}{spread}",
            )
        )
    return rows


@contextmanager
def database(engine: str, pg_url: str, tmp: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    base = make_url(pg_url)
    name = f"bench_{secrets.token_hex(5)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        raise Failure(f"PostgreSQL at {base.render_as_string()} is unreachable: {exc}") from exc
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def engine_rows(opts: Options, engine: str, tmp: Path) -> list[Row]:
    name = ENGINE_NAMES[engine]
    with database(engine, opts.pg_url, tmp) as url:
        settings = {
            "DATABASE_URL": url,
            # As served to people: production checks, JSON logs, metrics, rate limits. The
            # production checks refuse SQLite, so it runs as on a laptop, which changes only
            # those checks.
            "ENVIRONMENT": "development" if engine == "sqlite" else "production",
            "JWT_SECRET": secrets.token_urlsafe(48),
            "WEB_CONCURRENCY": "1",
            # The harness signs up and signs in every writer from one address, and loads the
            # service from that one address as a crowd of phones would from many: every
            # limit is counted as in production but set out of the load's reach.
            "AUTH_RATE_LIMIT": "1000",
            "DEFAULT_RATE_LIMIT": "1000000000",
            "UPLOAD_RATE_LIMIT": "1000000000",
            "UPLOAD_ADDRESS_RATE_LIMIT": "1000000000",
        }
        env = base_env(settings | opts.server_env)
        service = Process(f"service on {name}", ["sh", str(START_SH)], env)
        # The same settings, so the same server options (workers, logging) as the service.
        ref = Process(f"reference app beside {name}", REFERENCE_ARGV, base_env(settings))
        seeder: Seeder | None = None
        rows: list[Row] = []
        try:
            log(f"{name}: starting the service (scripts/start.sh) and the reference app")
            ref.start(reference.PATH, timeout=60)
            service.start("/readyz")
            seeder = Seeder(url)
            quiet = [service, ref]
            reference_drive = Drive(ref.port, reference.PATH, quiet=quiet)
            ctx = Context(opts, engine, service, reference_drive, env, seeder, tmp, quiet)
            if opts.keys & set(THROUGHPUT_KEYS):
                rows += throughput_rows(ctx)
            if "workers" in opts.keys:
                rows.append(workers_row(ctx))
            if opts.keys & {"summary", "pages"}:
                try:
                    rows += history_rows(ctx)
                except ServiceDied:
                    raise
                except Failure as exc:
                    rows.append(Row("history", name, error=str(exc)))
            if "memory" in opts.keys:
                rows.append(memory_row(ctx))
            logged = service.errors_logged()
            service.stop()
            if not ref.alive():
                raise Failure(f"the reference app died:\n{ref.output()}")
            ref.stop()
            if logged:
                rows.append(Row("service log", name, error=f"unhandled errors: {logged[0]}"))
            if "start" in opts.keys:
                seeder.close()
                rows += start_rows(ctx)
        except Failure as exc:
            rows.append(Row("(this engine's run)", name, error=str(exc)))
        finally:
            if seeder is not None:
                seeder.close()
            service.close()
            ref.close()
        return rows


def results_path(opts: Options, started: datetime, machine_slug: str) -> Path:
    if opts.output is not None:
        return opts.output
    folder = RESULTS / "smoke" if opts.mode == "smoke" else RESULTS
    engines = "-".join(opts.engines)
    return folder / f"{started:%Y-%m-%d-%H%M}-{engines}-{machine_slug}.md"


def run(opts: Options) -> int:
    started = datetime.now(UTC)
    info = machine.describe()
    load_before = machine.loadavg()
    log(f"load average before: {load_before}")
    rows: list[Row] = []
    pg_version = ""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        for engine in opts.engines:
            if engine == "postgresql":
                pg_version = machine.postgresql_version(opts.pg_url)
            try:
                rows += engine_rows(opts, engine, tmp)
            except Failure as exc:
                rows.append(Row("(this engine's run)", ENGINE_NAMES[engine], error=str(exc)))
    load_after = machine.loadavg()
    meta = Meta(
        started=started,
        mode=opts.mode,
        machine=info.machine,
        cores=info.cores,
        software=info.software(pg_version),
        code=info.code,
        load=(
            f"wrk -t{opts.threads} -c{opts.connections} -d{opts.seconds}s over loopback, "
            f"{opts.rounds} round(s) per scenario alternating with the reference app (the floor), "
            "medians of rounds; summary and session-list rows: one client (-t1 -c1), rounds "
            "lengthened to about ten requests when a request is slow; "
            f"one worker (WEB_CONCURRENCY=1) unless stated; server: `{serve_command()}`, the "
            "reference app on the same server code and options; SQLite runs with "
            "ENVIRONMENT=development (production refuses SQLite), PostgreSQL with production"
        ),
        loadavg_before=load_before,
        loadavg_after=load_after,
    )
    table = render(meta, rows)
    path = results_path(opts, started, info.slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(table)
    path.with_suffix(".json").write_text(machine.to_json(meta, rows))
    print(table)
    log(f"wrote {path} and {path.with_suffix('.json').name}")
    failed = [row for row in rows if row.error]
    if failed:
        log(f"{len(failed)} measurement(s) failed; see the result column")
        return 1
    return 0
