"""Headers every response carries: the contract version, and what keeps browsers and caches
from mishandling it."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.contract.versioning import API_VERSION, API_VERSION_HEADER

_VERSION = API_VERSION_HEADER.lower().encode()
_CACHE_CONTROL = b"cache-control"
_AUTHORIZATION = b"authorization"
_CONTENT_TYPE = b"content-type"
# Statuses that never have a body, so they name no media type either.
_BODYLESS = frozenset({204, 304})
# JSON is never to be sniffed into something executable, and no URL of ours (they can hold
# ids) is passed on as a referrer.
SAFETY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
_ALWAYS = tuple((k.lower().encode(), v.encode()) for k, v in SAFETY_HEADERS.items())


class StandardHeadersMiddleware:
    """Pure ASGI middleware. Adds `API-Version`, `X-Content-Type-Options` and
    `Referrer-Policy` to every response, and `Cache-Control: no-store` to every response to a
    request that carried credentials, unless the route chose its own caching (the catalog is
    public whoever asks): an intermediary must never keep someone's private data. A 204 or 304
    has no body, so it names no `Content-Type`."""

    def __init__(self, app: ASGIApp, version: str = API_VERSION) -> None:
        self.app = app
        self.version = version.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        authenticated = any(key == _AUTHORIZATION for key, _ in scope["headers"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if message["status"] in _BODYLESS:
                    headers = [(k, v) for k, v in headers if k.lower() != _CONTENT_TYPE]
                present = {key.lower() for key, _ in headers}
                if _VERSION not in present:
                    headers.append((_VERSION, self.version))
                headers.extend(_ALWAYS)
                if authenticated and _CACHE_CONTROL not in present:
                    headers.append((_CACHE_CONTROL, b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
