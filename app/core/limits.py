"""Request body size limit, enforced before any endpoint reads the body."""

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import DEFAULT_MAX_REQUEST_BODY_BYTES
from app.core.errors import BODY_TOO_LARGE, problem_response
from app.i18n.catalog import gettext


class BodySizeLimitMiddleware:
    """Pure ASGI middleware answering 413 problem details for bodies over `max_bytes`.

    A declared `Content-Length` over the limit is refused without reading anything. A body
    without one (chunked transfer encoding) is read up to the limit first and then handed to
    the app unchanged, so a stream that never ends cannot make the app buffer it.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_REQUEST_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None:
            if declared.strip().isdigit() and int(declared) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            # The server delivers no more than the declared length.
            await self.app(scope, receive, send)
            return
        if b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return

        buffered: list[Message] = []
        size = 0
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            Request(scope),
            413,
            gettext(BODY_TOO_LARGE).format(limit=self.max_bytes),
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)
