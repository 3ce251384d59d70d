"""Answers that depend only on the request and the seed content, sent again without running
the route.

The catalog, the screen, the curated routines and a recommendation for given answers change
only when the seed is reloaded. A route marks such an answer with the content version it was
built from (`ReplayableDep`, or `anonymous_replayable(ttl)` for routes that answer anonymous
callers from the content alone); `Replayer`, in front of the middleware stack, keeps the
marked 200 responses, keyed by everything the answer can depend on (path, query, whether gzip
is accepted, whether credentials were sent, the language negotiated from `Accept-Language`,
and for a POST its content type and body), and
sends the same bytes for the same request while this process
knows the content version to be current (`app.core.content`). A conditional request whose
If-None-Match names the kept ETag is answered 304. Anything else goes to the route as before.
"""

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request, Response, routing
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute
from starlette.types import Message, Receive, Scope, Send

from app.core.caching import IF_NONE_MATCH_MAX_LENGTH, REPLAY_MARK_HEADER, if_none_match_matches
from app.core.config import get_settings
from app.core.content import CONTENT
from app.core.observability import (
    REQUEST_ID_HEADER,
    Observability,
    request_id_for,
    request_id_var,
    route_template,
)
from app.i18n import DEFAULT_LANGUAGE, negotiate

MARK_HEADER = REPLAY_MARK_HEADER
MARK = MARK_HEADER.encode()
# Answers that depend on no content at all (liveness).
STATIC = "static"
TTL_SEPARATOR = ";ttl="
# Bodies of POSTs that may be replayed are read whole only up to this size.
MAX_KEYED_BODY_BYTES = 16 * 1024
MAX_ENTRY_BYTES = 512 * 1024
MAX_ENTRIES = 2048
# Paths known to give replayable answers (learned from the answers), at most this many.
MAX_KNOWN_PATHS = 4096
MAX_TOTAL_BYTES = 24 * 1024 * 1024
ROUTE_TEMPLATE_KEY = "route_template"
REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode()

# What a 304 leaves out of the 200 it stands for: it has no body.
_BODY_HEADERS = frozenset({b"content-length", b"content-type", b"content-encoding"})


def caching_enabled() -> bool:
    return get_settings().content_recheck_seconds > 0


def _read_version() -> str | None:
    from app.core.db import get_engine

    with Session(get_engine()) as session:
        return CONTENT.current(session)


async def content_version() -> str | None:
    """The current content version, asking the database at most once per recheck interval;
    None when content caching is off (`CONTENT_RECHECK_SECONDS=0`) or nothing is recorded."""
    if not caching_enabled():
        return None
    if CONTENT.is_fresh():
        return CONTENT.version
    return await run_in_threadpool(_read_version)


async def _mark_replayable(response: Response) -> None:
    version = await content_version()
    if version is not None:
        response.headers[MARK_HEADER] = version


def anonymous_replayable(ttl_seconds: int) -> Any:
    """For routes that answer anonymous callers from the request and the seed content alone,
    but with something dated (a sync token's issue time): kept at most `ttl_seconds`."""

    async def mark(request: Request, response: Response) -> None:
        if "authorization" in request.headers:
            return
        version = await content_version()
        if version is not None:
            response.headers[MARK_HEADER] = f"{version}{TTL_SEPARATOR}{ttl_seconds}"

    return Depends(mark)


async def _mark_static(response: Response) -> None:
    if caching_enabled():
        response.headers[MARK_HEADER] = STATIC


async def _mark_anonymous_replayable(request: Request, response: Response) -> None:
    if "authorization" not in request.headers:
        await _mark_replayable(response)


ReplayableDep = Depends(_mark_replayable)
"""For routes whose 200 answer is the same for every caller and depends only on the request
and the seed content."""
AnonymousReplayableDep = Depends(_mark_anonymous_replayable)
"""For routes whose 200 answer to anonymous callers depends only on the request and the seed
content, and whose answer to a signed-in caller depends on that person (never kept)."""
StaticReplayableDep = Depends(_mark_static)
"""For routes whose 200 answer never changes while the process runs."""


@dataclass(frozen=True, slots=True)
class Entry:
    version: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str | None
    not_modified_headers: list[tuple[bytes, bytes]]
    route: str
    expires: float


# path, query string, gzip accepted, credentials sent, language, content type, body
Key = tuple[str, bytes, bool, bool, str, bytes, bytes]


class ReplayCache:
    """Least recently used entries, bounded in count and bytes; emptied when the content
    version changes."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_TOTAL_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.entries: OrderedDict[Key, Entry] = OrderedDict()
        self.size = 0

    def get(self, key: Key) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: Key, entry: Entry) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self.entries[key] = entry
        self.size += len(entry.body)
        while self.entries and (len(self.entries) > self.max_entries or self.size > self.max_bytes):
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.body)

    def clear(self) -> None:
        # Replaced, not cleared in place: a listener may run on a worker thread.
        self.entries = OrderedDict()
        self.size = 0


def _expired(entry: Entry) -> bool:
    return bool(entry.expires) and time.monotonic() > entry.expires


ASGICall = Callable[[Scope, Receive, Send], Awaitable[None]]


class Replayer:
    """Runs in front of the whole middleware stack: a kept answer is sent as the stack sent
    it (every header but the request id, which is the request's own), and logged and counted
    like any other. Everything else goes down the stack, which sees the request unchanged."""

    def __init__(self, observability: Observability, cache: ReplayCache | None = None) -> None:
        self.observability = observability
        self.cache = cache or ReplayCache()
        self._rechecking: asyncio.Future[str | None] | None = None
        self.post_paths: set[str] = set()
        # GET paths whose answers were marked replayable, 304s included: a conditional
        # request for one that is not kept yet asks the route for the whole answer, so that
        # it can be kept even when every caller only revalidates (phones after a restart).
        self.replayable_paths: set[str] = set()
        CONTENT.on_change(self.cache.clear)

    async def __call__(self, scope: Scope, receive: Receive, send: Send, app: ASGICall) -> None:
        if not caching_enabled():
            await app(scope, receive, send)
            return
        method = scope["method"]
        if method == "GET" or method == "HEAD":
            body = b""
        elif method == "POST" and scope["path"] in self.post_paths:
            read, receive = await _read_body(receive)
            if read is None:
                await app(scope, receive, self._recorder(scope, None, send))
                return
            body = read
        else:
            await app(scope, receive, send)
            return

        gzip = authorized = cross_origin = False
        content_type = b""
        condition: bytes | None = None
        language = DEFAULT_LANGUAGE
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                gzip = gzip or b"gzip" in value
            elif name == b"authorization":
                authorized = True
            elif name == b"if-none-match":
                condition = value
            elif name == b"content-type":
                content_type = value
            elif name == b"origin":
                cross_origin = True
            elif name == b"accept-language":
                language = negotiate(value.decode("latin-1"))
        key: Key = (
            scope["path"],
            scope["query_string"],
            gzip,
            authorized,
            language,
            content_type,
            body,
        )
        if cross_origin:
            # CORS answers depend on the origin; the stack handles them.
            await app(scope, receive, self._recorder(scope, None, send))
            return

        entry = self.cache.get(key)
        if entry is not None and entry.version != STATIC and not CONTENT.is_fresh():
            # One request asks the database whether the content changed; the others wait
            # for its answer instead of all rebuilding the same answer at once.
            await self._recheck()
        if (
            entry is None
            or _expired(entry)
            or (entry.version != STATIC and entry.version != CONTENT.version)
            or (condition is not None and len(condition) > IF_NONE_MATCH_MAX_LENGTH)
        ):
            if (
                condition is not None
                and method == "GET"
                and len(condition) <= IF_NONE_MATCH_MAX_LENGTH
                and scope["path"] in self.replayable_paths
            ):
                # The whole answer, kept, then compared with the caller's ETag here.
                unconditional = {
                    **scope,
                    "headers": [(n, v) for n, v in scope["headers"] if n != b"if-none-match"],
                }
                recorder = self._recorder(unconditional, key, send, condition)
                await app(unconditional, receive, recorder)
                return
            await app(scope, receive, self._recorder(scope, key, send))
            return

        started = time.perf_counter()
        request_id = request_id_for(scope)
        token = request_id_var.set(request_id)
        scope[ROUTE_TEMPLATE_KEY] = entry.route
        request_id_header = (REQUEST_ID_KEY, request_id.encode())
        try:
            if (
                condition is not None
                and entry.etag is not None
                and method != "POST"
                and if_none_match_matches(condition.decode("latin-1"), entry.etag)
            ):
                status = 304
                headers = [*entry.not_modified_headers, request_id_header]
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
            else:
                status = 200
                headers = [*entry.headers, request_id_header]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send(
                    {"type": "http.response.body", "body": b"" if method == "HEAD" else entry.body}
                )
        finally:
            self.observability.record(scope, status, time.perf_counter() - started)
            request_id_var.reset(token)

    def learn_routes(self, routes: Sequence[BaseRoute]) -> None:
        """The POST paths whose answers can be kept: their bodies are read up front, to key
        the answers by (no other request body is read here)."""
        for context in routing.iter_route_contexts(routes):
            route, path = context.route, context.path
            if (
                isinstance(route, APIRoute)
                and path
                and "POST" in (context.methods or ())
                and "{" not in path
                and any(
                    d.dependency in (_mark_replayable, _mark_anonymous_replayable)
                    for d in route.dependencies
                )
            ):
                self.post_paths.add(path)

    async def _recheck(self) -> None:
        if self._rechecking is None:
            self._rechecking = asyncio.ensure_future(content_version())
            self._rechecking.add_done_callback(self._rechecked)
        try:
            await asyncio.shield(self._rechecking)
        except Exception:
            # The route will meet the same database trouble and answer for it.
            return

    def _rechecked(self, _: "asyncio.Future[str | None]") -> None:
        self._rechecking = None

    def _recorder(
        self, scope: Scope, key: Key | None, send: Send, condition: bytes | None = None
    ) -> Send:
        """Passes the response on, without the mark; keeps a marked 200 to a GET or POST
        under `key` (only learns that the path's answers can be kept when there is none).
        With `condition` (an If-None-Match the route did not see), a 200 whose ETag it names
        reaches the caller as the 304 the route would have sent."""
        state: dict[str, Any] = {"version": None, "chunks": [], "size": 0, "304": False}
        keep = key is not None and scope["method"] != "HEAD"

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                version = None
                kept: list[tuple[bytes, bytes]] = []
                for name, value in message.get("headers", ()):
                    if name == MARK:
                        version = value.decode("latin-1")
                    else:
                        kept.append((name, value))
                if version is not None:
                    message = {**message, "headers": kept}
                    if scope["method"] == "GET" and len(self.replayable_paths) < MAX_KNOWN_PATHS:
                        self.replayable_paths.add(scope["path"])
                    if keep and message["status"] == 200:
                        state["version"] = version
                        state["headers"] = [(k, v) for k, v in kept if k != REQUEST_ID_KEY]
                if condition is not None and message["status"] == 200:
                    etag = next((v for k, v in kept if k == b"etag"), None)
                    if etag is not None and if_none_match_matches(
                        condition.decode("latin-1"), etag.decode("latin-1")
                    ):
                        state["304"] = True
                        message = {
                            "type": "http.response.start",
                            "status": 304,
                            "headers": [(k, v) for k, v in kept if k not in _BODY_HEADERS],
                        }
            elif message["type"] == "http.response.body":
                more = message.get("more_body", False)
                if state["version"] is not None:
                    chunk = message.get("body", b"")
                    state["size"] += len(chunk)
                    if state["size"] > MAX_ENTRY_BYTES:
                        state["version"] = None
                    else:
                        state["chunks"].append(chunk)
                        if not more:
                            assert key is not None
                            self._keep(scope, key, state)
                if state["304"]:
                    if more:
                        return
                    message = {"type": "http.response.body", "body": b""}
            await send(message)

        return record

    def _keep(self, scope: Scope, key: Key, state: dict[str, Any]) -> None:
        version, _, ttl = str(state["version"]).partition(TTL_SEPARATOR)
        headers: list[tuple[bytes, bytes]] = state["headers"]
        etag = next((v.decode("latin-1") for k, v in headers if k == b"etag"), None)
        self.cache.put(
            key,
            Entry(
                version=version,
                headers=headers,
                body=b"".join(state["chunks"]),
                etag=etag,
                not_modified_headers=[(k, v) for k, v in headers if k not in _BODY_HEADERS],
                route=route_template(scope),
                expires=time.monotonic() + float(ttl) if ttl else 0.0,
            ),
        )


async def _read_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """The whole request body, or None when it is too large to key by (or the client went
    away), and a receive that hands on everything already read before deferring to
    `receive`, so the route sees the request unchanged either way."""
    queue: list[Message] = []
    size = 0
    complete = False
    while True:
        message = await receive()
        queue.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            complete = True
            break
        if size > MAX_KEYED_BODY_BYTES:
            break
    body = b"".join(m.get("body", b"") for m in queue) if complete else None

    async def replay() -> Message:
        if queue:
            return queue.pop(0)
        return await receive()

    return body, replay
