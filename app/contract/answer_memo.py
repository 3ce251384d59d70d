"""Content answers sent again from memory, before routing.

`ContentAnswerDep` (app.contract.caching) builds a content answer (the catalog, a move, the
screen) once per content version, language and request; what is left of a request for one is
the middleware stack and FastAPI's routing and dependency solving. Measured as server CPU per
request under wrk (one worker, SQLite): the bare FastAPI route of bench/reference.py costs
85 µs; the catalog through the whole stack 410 µs and its 304 370 µs, about 330 µs of it the
stack (each middleware's send wrapper and header rewriting, the dependency solving, the
database session of the version check). No trimming of the stack comes near the floor, so
this middleware keeps the answer as it was last sent (body and every header, in the memo entry
of `ContentAnswerDep`) and sends it again for the next anonymous GET or HEAD with the same
key, or 304 when If-None-Match names its ETag: then the catalog costs about 90 µs and its 304
about 78 µs (1.1x the floor), of which about 20 µs here (a third of it the access-log line);
the rest is the server and the 42 KB body, which the floor's small answer does not have.

It is the outermost middleware of the app, inside Starlette's error handling, and writes what
the stack would: a fresh request id, the metrics and the access line (app.core.observability,
the same functions as for any answer). The stored headers carry the rest: `API-Version` and
the safety headers, `Content-Language`, `Vary`, `Cache-Control`, `ETag`. Anything it cannot
answer exactly as the stack would goes through the stack: a signed-in or cross-origin
caller, a content version not checked within `CONTENT_RECHECK_SECONDS`, an answer not built
yet or not yet sent with this encoding, an oversized If-None-Match (a 400 there).

Nothing is kept here: a sent answer lives in its memo entry and goes with it when the
content version changes (`AnswerMemo`). gzip and identity answers are kept apart (by whether
the client accepts gzip, as the compression middleware decides), so nothing is compressed
twice.
"""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.contract.caching import (
    ANSWERS,
    IF_NONE_MATCH_MAX_LENGTH,
    SCOPE_KEY,
    Answer,
    Sent,
    fresh_version,
    if_none_match_matches,
)
from app.core.observability import (
    REQUEST_ID_HEADER,
    Observability,
    request_id_for,
    request_id_header,
    request_id_var,
    route_template,
)
from app.core.ratelimit import refused
from app.i18n import language_of_scope

_REQUEST_ID = REQUEST_ID_HEADER.lower().encode()
# Signed-in callers get their own answers; a cross-origin one needs the CORS headers.
_PASS_THROUGH = frozenset({b"authorization", b"origin", b"cookie"})
# Not on a 304: it has no body (RFC 9110, 15.4.5).
_BODY_HEADERS = frozenset({b"content-type", b"content-length", b"content-encoding"})


class AnswerMemoMiddleware:
    """Pure ASGI middleware; see the module's docstring."""

    def __init__(self, app: ASGIApp, observability: Observability) -> None:
        self.app = app
        self.observability = observability

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or refused(scope):
            # A request over the default rate limit gets its 429 from the stack.
            await self.app(scope, receive, send)
            return
        gzip = False
        condition: bytes | None = None
        for name, value in scope["headers"]:
            if name in _PASS_THROUGH:
                await self.app(scope, receive, send)
                return
            if name == b"accept-encoding":
                gzip = b"gzip" in value
            elif name == b"if-none-match":
                condition = value
        if condition is not None and len(condition) > IF_NONE_MATCH_MAX_LENGTH:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"], language_of_scope(scope))
        answer = ANSWERS.get(fresh_version(), key)
        sent = answer.sent.get(gzip) if answer is not None else None
        if sent is None:
            if scope["method"] == "GET":
                await self._learn(scope, receive, send, gzip)
            else:
                await self.app(scope, receive, send)
            return
        await self._send(scope, send, sent, answer, condition)  # type: ignore[arg-type]

    async def _send(
        self, scope: Scope, send: Send, sent: Sent, answer: Answer, condition: bytes | None
    ) -> None:
        started = time.perf_counter()
        status = 500
        request_id = request_id_for(scope)
        token = request_id_var.set(request_id)
        try:
            if condition is not None and if_none_match_matches(
                condition.decode("latin-1"), answer.etag
            ):
                status = 304
                headers = list(sent.not_modified_headers)
                body = b""
            else:
                status = 200
                headers = list(sent.headers)
                body = sent.body if scope["method"] == "GET" else b""
            headers.append(request_id_header(request_id))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        finally:
            self.observability.record(scope, status, time.perf_counter() - started, sent.route)
            request_id_var.reset(token)

    async def _learn(self, scope: Scope, receive: Receive, send: Send, gzip: bool) -> None:
        """Through the stack; a 200 that `ContentAnswerDep` made is kept as it was sent."""
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                # Copied now: the middleware outside adds its own headers to the message.
                status = message["status"]
                headers = [
                    (k.lower(), v)
                    for k, v in message.get("headers", ())
                    if k.lower() != _REQUEST_ID
                ]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        answer = scope.get(SCOPE_KEY)
        if isinstance(answer, Answer) and status == 200:
            not_modified = [(k, v) for k, v in headers if k not in _BODY_HEADERS]
            body = b"".join(chunks)
            answer.sent[gzip] = Sent(headers, body, route_template(scope), not_modified)
