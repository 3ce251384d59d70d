import asyncio
import functools
import hashlib
import math
import os
import socket
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from enum import Enum
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import CheckConstraint, Connection, Engine, MetaData, Table, event, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, SQLModel, create_engine
from starlette.concurrency import run_in_threadpool

from app.core import tracing
from app.core.config import Settings, get_settings

# Set before any table is declared so every constraint gets a predictable name,
# which keeps migrations reviewable and reversible on both SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


def check_one_of(column: str, values: type[Enum]) -> CheckConstraint:
    """CHECK that `column` holds one of the enum's values (named after the column)."""
    allowed = ", ".join(repr(member.value) for member in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)


# Execution option that makes a SQLite transaction take the write lock when it begins.
SQLITE_BEGIN = "sqlite_begin"
# Execution option: the `time.monotonic()` by which a SQLite writer must have the write lock.
SQLITE_DEADLINE = "sqlite_deadline"
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")


class Watchdog:
    """A client-side deadline for PostgreSQL work. The statement timeout is enforced by the
    server, so a server that stops answering (hung, or cut off by a network that drops
    packets silently) cannot enforce it, and a request would wait on its pooled connection for
    as long as the silence lasts. Each statement and commit is armed with a deadline; one
    thread looks every `TICK_SECONDS` and shuts the socket of any connection past its deadline,
    which ends the wait with a connection error (a 503), and the pool drops the connection."""

    TICK_SECONDS = 0.25

    def __init__(self) -> None:
        self._armed: dict[int, tuple[float, int]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def arm(self, dbapi_connection: Any, seconds: float) -> None:
        try:
            fd = dbapi_connection.pgconn.socket
        except Exception:  # closed already: nothing to wait for
            return
        with self._lock:
            self._armed[id(dbapi_connection)] = (time.monotonic() + seconds, fd)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._watch, daemon=True, name="db-watchdog")
                self._thread.start()

    def disarm(self, dbapi_connection: Any) -> None:
        self._armed.pop(id(dbapi_connection), None)

    def _watch(self) -> None:
        while True:
            time.sleep(self.TICK_SECONDS)
            now = time.monotonic()
            with self._lock:
                late = [(key, fd) for key, (at, fd) in self._armed.items() if at <= now]
                for key, _ in late:
                    del self._armed[key]
            for _, fd in late:
                _shut(fd)


def _shut(fd: int) -> None:
    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()


WATCHDOG = Watchdog()
# Past the statement timeout by this much, the server has not enforced it: it is not answering.
WATCHDOG_MARGIN_SECONDS = 2.0


def _watch_engine(engine: Engine, seconds: float) -> None:
    def arm(conn: Any, *_: Any) -> None:
        WATCHDOG.arm(conn.connection.dbapi_connection, seconds)

    def disarm(conn: Any, *_: Any) -> None:
        WATCHDOG.disarm(conn.connection.dbapi_connection)

    event.listen(engine, "before_cursor_execute", arm)
    event.listen(engine, "after_cursor_execute", disarm)
    event.listen(engine, "handle_error", lambda context: _disarm_context(context))
    # Commits and rollbacks wait for the server too; armed for exactly their duration.
    dialect = engine.dialect
    for name in ("do_commit", "do_rollback"):
        setattr(dialect, name, _guarded(getattr(dialect, name), seconds))
    event.listen(engine.pool, "checkin", lambda dbapi, _record: WATCHDOG.disarm(dbapi))


def _guarded(method: Callable[[Any], None], seconds: float) -> Callable[[Any], None]:
    def guarded(dbapi_connection: Any) -> None:
        WATCHDOG.arm(dbapi_connection, seconds)
        try:
            method(dbapi_connection)
        finally:
            WATCHDOG.disarm(dbapi_connection)

    return guarded


def _disarm_context(context: Any) -> None:
    connection = context.connection
    if connection is not None and not connection.invalidated:
        WATCHDOG.disarm(connection.connection.dbapi_connection)


def make_engine(
    url: str, settings: Settings | None = None, *, client_deadline: bool = True
) -> Engine:
    settings = settings or get_settings()
    kwargs: dict[str, Any] = {
        "echo": settings.database_echo,
        # Failed statements are logged and raised without their parameters: those hold
        # password hashes, tokens and people's notes.
        "hide_parameters": True,
    }
    backend = make_url(url).get_backend_name()
    in_memory = backend == "sqlite" and make_url(url).database in (None, "", ":memory:")
    if not in_memory:
        # Sized to the thread pool that runs requests; a request that cannot get a connection
        # in time is a 503, not a hang.
        kwargs |= {
            "pool_size": settings.database_pool_size,
            "max_overflow": settings.database_pool_size,
            "pool_timeout": settings.database_pool_timeout_seconds,
            "pool_recycle": 1800,
            "poolclass": MeteredQueuePool,
        }
    if backend == "sqlite":
        # Requests run in a thread pool; each gets its own session but may reuse a connection.
        kwargs["connect_args"] = {
            "check_same_thread": False,
            "timeout": settings.database_lock_timeout_seconds,
        }
    elif backend == "postgresql":
        statement_ms = int(settings.database_statement_timeout_seconds * 1000)
        kwargs["connect_args"] = {
            # libpq counts whole seconds and ignores less than 2.
            "connect_timeout": max(2, math.ceil(settings.database_connect_timeout_seconds)),
            "options": f"-c statement_timeout={statement_ms} -c lock_timeout={statement_ms}",
            **dead_peer_limits(settings),
        }
    engine = create_engine(url, **kwargs)
    if backend == "postgresql" and client_deadline:
        _watch_engine(engine, settings.database_statement_timeout_seconds + WATCHDOG_MARGIN_SECONDS)
    if backend == "sqlite":
        busy_ms = int(settings.database_lock_timeout_seconds * 1000)
        event.listen(engine, "connect", lambda conn, _record: _sqlite_connect(conn, busy_ms))
        event.listen(engine, "begin", lambda conn: _sqlite_begin(conn, busy_ms))
    if not in_memory:
        # Imported here, not with this module: the package's import loads this one, before
        # the server has chosen where metrics live (app.serve).
        from app.core.observability import DB_POOL_IN_USE

        event.listen(engine, "checkout", lambda *_args: DB_POOL_IN_USE.inc())
        event.listen(engine, "checkin", lambda *_args: DB_POOL_IN_USE.dec())
    tracing.instrument_engine(engine)
    return engine


class MeteredQueuePool(QueuePool):
    """The usual pool, counting the checkouts in progress: those waiting for a connection
    while every one is in use (`db_pool_checkouts_waiting`)."""

    # SQLAlchemy names a pool's logger after its class's module: keep the library's name, so
    # the pool logs at the level set for `sqlalchemy` (warnings) as it did before.
    __module__ = QueuePool.__module__

    def _do_get(self) -> Any:
        from app.core.observability import DB_POOL_WAITING

        DB_POOL_WAITING.inc()
        try:
            return super()._do_get()
        finally:
            DB_POOL_WAITING.dec()


# TCP keepalive on every PostgreSQL connection: probe after this many idle seconds, then every
# interval, and give up after this many unanswered probes (inferred: a pooled connection to a
# database that vanished is noticed within about 10 s instead of the kernel's two hours).
KEEPALIVE_IDLE_SECONDS = 4
KEEPALIVE_INTERVAL_SECONDS = 2
KEEPALIVE_COUNT = 3


def dead_peer_limits(settings: Settings) -> dict[str, int]:
    """libpq options that let the client notice, by itself, a database that stopped
    answering: keepalives for an idle or waiting connection, and `tcp_user_timeout` for data
    sent and never acknowledged (the statement timeout is the server's, so a server that
    cannot be reached cannot enforce it)."""
    unacknowledged_ms = int(
        (settings.database_statement_timeout_seconds + settings.database_connect_timeout_seconds)
        * 1000
    )
    return {
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE_SECONDS,
        "keepalives_interval": KEEPALIVE_INTERVAL_SECONDS,
        "keepalives_count": KEEPALIVE_COUNT,
        "tcp_user_timeout": unacknowledged_ms,
    }


SQLITE_CACHE_KIB = 512


def _sqlite_connect(dbapi_connection: Any, busy_ms: int) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
    # SAVEPOINTs and transactional DDL behave as they do on PostgreSQL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A writer waits up to the busy timeout for another writer instead of failing at once,
    # and in WAL mode readers and the writer never block each other.
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Each pooled connection keeps its own page cache (2 MiB by default, times up to 40
    # connections); the operating system caches the file for all of them anyway.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def _sqlite_begin(conn: Any, busy_ms: int) -> None:
    # A transaction that reads and then writes cannot wait for the write lock (its snapshot
    # would be stale), so SQLite fails it with "database is locked". Requests that write take
    # the lock up front instead and queue behind the busy timeout: what is left of their
    # deadline, when they have one.
    options = conn.get_execution_options()
    mode = options.get(SQLITE_BEGIN, "")
    if mode:
        deadline = options.get(SQLITE_DEADLINE)
        if deadline is not None:
            wait_ms = max(1, int((deadline - time.monotonic()) * 1000))
            conn.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
        else:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={busy_ms}")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


_engine: Engine | None = None
_writing_engine: Engine | None = None


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = make_engine(get_settings().database_url)
    return _engine


def writing(engine: Engine) -> Engine:
    """The engine for work that writes: on SQLite its transactions begin IMMEDIATE. It shares
    the pool and events of `engine`."""
    return engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})


def get_writing_engine() -> Engine:
    global _writing_engine
    engine = get_engine()
    if _writing_engine is None or _writing_engine.url != engine.url:
        _writing_engine = writing(engine)
    return _writing_engine


def commit(db: Session) -> None:
    """`session.commit()`, as a span of its own when traces are on."""
    if not tracing.tracing_enabled():
        db.commit()
        return
    with tracing.tracer.start_as_current_span("db.commit"):
        db.commit()


def _commit(db: Session) -> None:
    with db:
        commit(db)


def _roll_back(db: Session) -> None:
    with db:
        db.rollback()


@functools.cache
def insert_into(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` that takes `on_conflict_do_nothing` and `on_conflict_do_update`,
    written the same for both engines (their ON CONFLICT clauses agree). Built once per
    engine and table: callers that add the same clauses on every write cache their statement
    too, with the values sent as parameters."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def dialect_of(db: Session | Connection) -> str:
    bind = db.get_bind() if isinstance(db, Session) else db
    return bind.dialect.name


def lock_row(db: Session, key_column: Any, key: Any) -> None:
    """Hold the row where `key_column == key` locked until commit (`SELECT ... FOR UPDATE`), so
    that writes which count or look something up before deciding run one at a time per row:
    the second waits, then sees what the first committed. PostgreSQL only: SQLite's writers
    already run one at a time."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(key_column).where(key_column == key).with_for_update())


def lock_key(db: Session, scope: str, key: str) -> None:
    """As `lock_row`, for something that may have no row yet (a push token): a PostgreSQL
    advisory lock on `scope` and `key`, held until commit."""
    if db.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"{scope}\0{key}".encode()).digest()
        number = int.from_bytes(digest[:8], "big", signed=True)
        db.execute(text("SELECT pg_advisory_xact_lock(:number)"), {"number": number})


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session and one transaction per request: commit on success, roll back on error.
    Requests with a method that writes take SQLite's write lock when they begin.

    A coroutine, so that opening the session (which does no I/O: the connection is taken at
    the first statement) costs no trip to a worker thread; the commit, which waits for the
    database, goes to one."""
    bind = get_engine() if request.method in READ_ONLY_METHODS else get_writing_engine()
    # SQLite has one writer at a time, and a writing request holds its lock from its first
    # statement over several trips to worker threads. Were the others to wait for the lock in
    # those threads, enough of them would take every thread, the writer could not get one to
    # go on, and all would wait until a timeout turned one into a 503. They wait here instead,
    # on the event loop, holding no thread and no connection.
    writer = None
    if bind is not get_engine() and bind.dialect.name == "sqlite":
        # One deadline for the whole wait, in this queue and then for the file lock (which
        # another process may hold): past it the request is a 503.
        budget = get_settings().database_lock_timeout_seconds
        deadline = time.monotonic() + budget
        writer = _sqlite_writer()
        try:
            await asyncio.wait_for(writer.acquire(), timeout=budget)
        except TimeoutError:
            raise sa_exc.TimeoutError(f"no turn to write within {budget} s") from None
        bind = bind.execution_options(**{SQLITE_DEADLINE: deadline})
    try:
        db = Session(bind)
        try:
            yield db
        except BaseException:
            await _end(db, _roll_back)
            raise
        await _end(db, _commit)
    finally:
        if writer is not None:
            writer.release()


_SQLITE_WRITERS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]" = (
    weakref.WeakKeyDictionary()
)


def _sqlite_writer() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _SQLITE_WRITERS.get(loop)
    if lock is None:
        lock = _SQLITE_WRITERS[loop] = asyncio.Lock()
    return lock


async def _end(db: Session, end: Callable[[Session], None]) -> None:
    if db.in_transaction():
        await run_in_threadpool(end, db)
    else:
        # Nothing began, or `in_transaction` below already committed: no connection is held,
        # so closing does no I/O.
        db.close()


async def in_transaction(db: Session, work: Callable[..., T], *args: Any) -> T:
    """`work(session, *args)` and the commit, in one trip to a worker thread: for routes whose
    whole answer is one service call, so the route can be a coroutine and the request pays for
    one thread hop instead of one for the route, one for validating its answer and one for the
    commit. Rolls back (and re-raises) when the work fails."""

    def run() -> T:
        try:
            result = work(db, *args)
            commit(db)
        except BaseException:
            db.rollback()
            raise
        return result

    return await run_in_threadpool(run)


async def get_read_db() -> AsyncIterator[Session]:
    """A session for a request that only reads whatever its method: a POST that computes an
    answer (a recommendation) takes no write lock."""
    db = Session(get_engine())
    try:
        yield db
    finally:
        await _end(db, _roll_back)


async def get_caller_db(request: Request) -> AsyncIterator[Session]:
    """For a route that answers anonymous callers from the request alone and records what a
    signed-in caller asked: a session that writes (as `get_db`) when the request carries
    credentials, a read-only one (as `get_read_db`, no write lock) when it does not."""
    if "authorization" in request.headers:
        context = asynccontextmanager(get_db)(request)
    else:
        context = asynccontextmanager(get_read_db)()
    async with context as db:
        yield db


# "function" scope commits before the response is sent, so a failed commit is reported
# to the client instead of being swallowed after a 2xx has gone out.
EngineDep = Annotated[Engine, Depends(get_engine)]
DbDep = Annotated[Session, Depends(get_db, scope="function")]
ReadDbDep = Annotated[Session, Depends(get_read_db)]
CallerDbDep = Annotated[Session, Depends(get_caller_db, scope="function")]
