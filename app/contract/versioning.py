"""The API version: one constant for the OpenAPI document and a header on every response."""

from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any

from fastapi import Depends, Response

# Semantic version of the /v1 contract. Additive changes raise the minor number; a breaking
# change needs a new path prefix (/v2), see the deprecation policy in docs/contract.md.
API_VERSION = "1.3.0"
API_VERSION_HEADER = "API-Version"


# Fields renamed in 1.2.0 so that one idea has one name; the old names stay until /v2.
FIELDS_DEPRECATED_ON = date(2026, 11, 24)
FIELDS_SUNSET_ON = date(2027, 5, 24)


def renamed(new_name: str) -> str:
    """Description of a response field kept under its old name."""
    return (
        f"Deprecated since {FIELDS_DEPRECATED_ON.isoformat()}: the same value as "
        f"`{new_name}`, which replaces it; sent until `/v2`, not before "
        f"{FIELDS_SUNSET_ON.isoformat()}."
    )


class DeprecationNotice:
    """The dependency `deprecated_since` makes: it puts the headers on each response, and the
    OpenAPI document, finding it on a route, documents them there."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers

    async def __call__(self, response: Response) -> None:
        response.headers.update(self.headers)


def deprecated_since(since: date, sunset: date, successor: str | None = None) -> Any:
    """`dependencies=[deprecated_since(...)]` together with `deprecated=True` on a route: each
    response then says so in `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and, when there is
    a replacement, a `Link` to it, as the deprecation policy in docs/contract.md promises."""
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
    return Depends(DeprecationNotice(headers))


def with_deprecated_fields() -> Any:
    """For routes whose answers still carry fields under deprecated names (marked
    `deprecated: true` in the schema): `Deprecation` and `Sunset` give those fields' dates,
    as the deprecation policy promises for anything that will go."""
    return deprecated_since(FIELDS_DEPRECATED_ON, FIELDS_SUNSET_ON)
