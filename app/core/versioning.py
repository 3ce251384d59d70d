"""The API version: one constant for the OpenAPI document and a header on every response."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Semantic version of the /v1 contract. Additive changes raise the minor number; a breaking
# change needs a new path prefix (/v2), see the README's deprecation policy.
API_VERSION = "1.0.0"
API_VERSION_HEADER = "API-Version"
_HEADER_KEY = API_VERSION_HEADER.lower().encode()


class ApiVersionMiddleware:
    """Pure ASGI middleware: adds `API-Version` to every HTTP response that lacks it."""

    def __init__(self, app: ASGIApp, version: str = API_VERSION) -> None:
        self.app = app
        self.value = version.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(key.lower() == _HEADER_KEY for key, _ in headers):
                    headers.append((_HEADER_KEY, self.value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_version)
