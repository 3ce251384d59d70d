"""The API version: one constant for the OpenAPI document and a header on every response."""

from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any

from fastapi import Depends, Response

# Semantic version of the /v1 contract. Additive changes raise the minor number; a breaking
# change needs a new path prefix (/v2), see the README's deprecation policy.
API_VERSION = "1.1.0"
API_VERSION_HEADER = "API-Version"


def deprecated_since(since: date, sunset: date, successor: str | None = None) -> Any:
    """`dependencies=[deprecated_since(...)]` together with `deprecated=True` on a route: each
    response then says so in `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and, when there is
    a replacement, a `Link` to it, as the README's deprecation policy promises."""
    if sunset <= since:
        raise ValueError("sunset must come after the deprecation date")

    def midnight(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    headers = {
        "Deprecation": f"@{int(midnight(since).timestamp())}",
        "Sunset": format_datetime(midnight(sunset), usegmt=True),
    }
    if successor:
        headers["Link"] = f'<{successor}>; rel="successor-version"'

    def announce(response: Response) -> None:
        response.headers.update(headers)

    return Depends(announce)
