"""Conditional GET for read-mostly resources: ETags over the response body and 304s.

The ETags are weak (`W/"..."`): they name the content, which is the same whether the body
travels gzip-compressed or not, and conditional GET compares weakly anyway. A strong ETag
would have to differ between the compressed and the plain representation."""

import hashlib
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from app.core.config import get_settings
from app.core.errors import InvalidInput
from app.i18n import DEFAULT_LANGUAGE, current_language

# A list of a few dozen ETags at most; anything longer is a client bug, refused as such.
IF_NONE_MATCH_MAX_LENGTH = 1000
# The response header a route sets to mark its answer replayable (app.core.replay); never
# sent to clients.
REPLAY_MARK_HEADER = "x-replay-version"


def etag_for(body: bytes, language: str = DEFAULT_LANGUAGE) -> str:
    """Names the body in its language: the same bytes in two languages (a text with no
    translation yet) are two representations, told apart by `Content-Language`."""
    digest = hashlib.sha256(body)
    if language != DEFAULT_LANGUAGE:
        digest.update(b"\0" + language.encode())
    return 'W/"' + digest.hexdigest()[:32] + '"'


def if_none_match_matches(header: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison: `W/` prefixes are ignored, `*` matches anything."""
    if not header:
        return False
    bare = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == bare:
            return True
    return False


def if_none_match(request: Request) -> str | None:
    """The request's If-None-Match; an over-long one is refused rather than compared."""
    condition = request.headers.get("if-none-match")
    if condition is not None and len(condition) > IF_NONE_MATCH_MAX_LENGTH:
        raise InvalidInput(
            "If-None-Match is longer than {limit} characters.",
            loc=["header", "If-None-Match"],
            limit=IF_NONE_MATCH_MAX_LENGTH,
        )
    return condition


class CachedRoute(APIRoute):
    """Route class for catalog reads: adds ETag and Cache-Control to 200 responses and answers
    a matching If-None-Match with 304 and no body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def cached_handler(request: Request) -> Response:
            condition = if_none_match(request)
            # Read per request, not when routes are declared: settings are checked at start-up.
            max_age = get_settings().catalog_max_age_seconds
            response = await handler(request)
            if response.status_code != 200 or request.method not in ("GET", "HEAD"):
                return response
            etag = etag_for(bytes(response.body), current_language())
            headers = {
                "ETag": etag,
                "Cache-Control": f"public, max-age={max_age}",
                "Vary": "Accept-Encoding",
            }
            if if_none_match_matches(condition, etag):
                mark = response.headers.get(REPLAY_MARK_HEADER)
                if mark is not None:
                    # Tells the replayer this path's answers can be kept, so that it asks for
                    # the whole answer next time even when every caller revalidates.
                    headers[REPLAY_MARK_HEADER] = mark
                # What the 200 would have said of its language (RFC 9110 section 15.4.5).
                headers["Vary"] = "Accept-Encoding, Accept-Language"
                headers["Content-Language"] = current_language()
                return Response(status_code=304, headers=headers)
            response.headers.update(headers)
            return response

        return cached_handler


async def vary_on_authorization(response: Response) -> None:
    """For routes whose answer depends on who asks: a cache must not hand one person's
    answer (or the anonymous one) to another."""
    response.headers["Vary"] = "Authorization"


# Files whose URL names their content (`/v1/media/<hash>.svg`): a new version is a new URL,
# so a cache may keep one for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"


def immutable_response(request: Request, body: bytes, media_type: str, etag: str) -> Response:
    """A content-addressed file with its strong ETag, or 304 when If-None-Match names it."""
    condition = if_none_match(request)
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
    if if_none_match_matches(condition, etag):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type=media_type, headers=headers)


NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the representation matching If-None-Match is current."}
}
