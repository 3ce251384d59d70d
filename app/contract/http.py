"""HTTP semantics every route gets without declaring them: HEAD wherever GET is served,
OPTIONS answered with the methods of the path, compression of larger bodies with ETags that
stay correct, and trailing-slash paths sent to the path without the slash."""

import re
from collections.abc import Iterable

from fastapi import routing
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Bodies this large or larger are compressed when the client accepts gzip.
COMPRESS_FROM_BYTES = 1024
IMPLICIT_METHODS = ("HEAD", "OPTIONS")


def _route_patterns(app: ASGIApp) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """Every route's full path pattern and methods, included routers flattened; built once."""
    state = getattr(app, "state", None)
    cached = getattr(state, "route_patterns", None)
    if cached is None:
        cached = [
            (compile_path(path)[0], frozenset(ctx.methods or ()))
            for ctx in routing.iter_route_contexts(getattr(app, "routes", []))
            if (path := ctx.path) and ctx.methods
        ]
        if state is not None:
            state.route_patterns = cached
    return cached


def declared_methods(app: ASGIApp, path: str) -> set[str]:
    """The methods routes declare for this path (empty when no route has the path)."""
    return {m for pattern, ms in _route_patterns(app) if pattern.match(path) for m in ms}


def allowed_methods(app: ASGIApp, path: str) -> list[str]:
    """What `Allow` says for a path: its declared methods, HEAD wherever GET is served, and
    OPTIONS; empty when no route has the path."""
    methods = declared_methods(app, path)
    if not methods:
        return []
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return sorted(methods)


def slashless_target(app: ASGIApp, path: str, query: str) -> str | None:
    """For `/v1/exercises/`, the relative reference `../exercises` when that path exists:
    relative, so it stays right behind a proxy that terminates TLS or adds a path prefix."""
    if len(path) < 2 or not path.endswith("/") or path.endswith("//"):
        return None
    trimmed = path[:-1]
    if not declared_methods(app, trimmed):
        return None
    target = "../" + trimmed.rsplit("/", 1)[1]
    return f"{target}?{query}" if query else target


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


class MethodsMiddleware:
    """Pure ASGI middleware for the two methods no route declares.

    - `HEAD` on a path served by GET runs the GET and sends its status and headers (including
      `Content-Length`) without the body.
    - `OPTIONS` on a known path answers 204 with `Allow` listing every method of the path.
      CORS preflights are answered before this, by the CORS middleware, when it is enabled.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in IMPLICIT_METHODS:
            await self.app(scope, receive, send)
            return
        root = scope.get("app", self.app)
        allowed = allowed_methods(root, scope["path"])
        if scope["method"] == "OPTIONS" and allowed:
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [(b"allow", ", ".join(allowed).encode())],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if scope["method"] == "HEAD":
            if "GET" in allowed:
                scope = {**scope, "method": "GET"}
            await self.app(scope, receive, _without_body(send))
            return
        await self.app(scope, receive, send)


def _without_body(send: Send) -> Send:
    async def send_head(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b""}
        await send(message)

    return send_head


def _tidied(headers: Iterable[tuple[bytes, bytes]], compressed: bool) -> list[tuple[bytes, bytes]]:
    """One `Vary` header without repeats, and a weak ETag on a compressed body: that is another
    representation of the resource, so the strong validator of the uncompressed one may not
    name it. If-None-Match compares weakly, so either form revalidates."""
    out: list[tuple[bytes, bytes]] = []
    vary: list[bytes] = []
    for key, value in headers:
        name = key.lower()
        if name == b"vary":
            for item in value.split(b","):
                item = item.strip()
                if item and item.lower() not in {v.lower() for v in vary}:
                    vary.append(item)
            continue
        if compressed and name == b"etag" and not value.startswith(b"W/"):
            value = b"W/" + value
        out.append((key, value))
    if vary:
        out.append((b"vary", b", ".join(vary)))
    return out


class CompressionMiddleware:
    """gzip for bodies of `COMPRESS_FROM_BYTES` or more when the client accepts it (Starlette's
    GZipMiddleware, which also adds `Vary: Accept-Encoding`), with strong ETags made weak on
    the compressed representation."""

    def __init__(self, app: ASGIApp, minimum_size: int = COMPRESS_FROM_BYTES) -> None:
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.gzip(scope, receive, send)
            return

        async def send_weakened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                compressed = any(k.lower() == b"content-encoding" for k, _ in headers)
                message = {**message, "headers": _tidied(headers, compressed)}
            await send(message)

        await self.gzip(scope, receive, send_weakened)
