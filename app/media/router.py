from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from app.contract.caching import IMMUTABLE, immutable_response
from app.contract.types import NO_NUL_PATTERN
from app.core.errors import problem_responses
from app.media import service
from app.media.errors import MediaNotFound

router = APIRouter(tags=["media"])

MEDIA_CONTENT: dict[str, Any] = {
    "image/svg+xml": {"schema": {"type": "string", "maxLength": 1_000_000}},
    "image/png": {"schema": {"type": "string", "format": "binary", "maxLength": 1_000_000}},
    "application/json": {
        "schema": {
            "type": "object",
            "description": "An animation's keyframes (see `Animation.keyframes`).",
        }
    },
}


FILE_HEADERS: dict[str, Any] = {
    "ETag": {
        "description": 'The file\'s hash, strong (`"3f0c9a61d2b7e45a18c0"`); weak (`W/`) when '
        "the body was gzip-compressed. Send it back in `If-None-Match` to get `304`.",
        "schema": {"type": "string", "maxLength": 80},
    },
    "Cache-Control": {
        "description": f"`{IMMUTABLE}`: the URL names the content, so a cache keeps the file "
        "for good; a changed drawing has a new URL.",
        "schema": {"type": "string", "maxLength": 80},
    },
}


@router.get(
    "/media/{name}",
    response_class=Response,
    summary="Get an illustration file",
    responses={
        200: {
            "description": "The file. Its name is its content's hash, so it never changes: "
            "cache it for good.",
            "content": MEDIA_CONTENT,
            "headers": FILE_HEADERS,
        },
        304: {
            "description": "Not modified: the file named in If-None-Match is this one.",
            "headers": FILE_HEADERS,
        },
        **problem_responses(MediaNotFound),
    },
)
def get_media(
    request: Request,
    name: Annotated[
        str,
        Path(
            min_length=1,
            max_length=64,
            pattern=NO_NUL_PATTERN,
            description="The file's name from a `media` object's `url`: its content's hash "
            "and extension, e.g. `3f0c9a61d2b7e45a18c0.svg`.",
        ),
    ],
) -> Response:
    """An illustration, animation or keyframes file named in a move's `media`: SVG, PNG or
    JSON. Send the ETag back in If-None-Match to get `304` instead of the body."""
    stored = service.find_file(name)
    return immutable_response(request, stored.body, stored.media_type, stored.etag)
