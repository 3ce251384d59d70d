"""Conditional GET for read-mostly resources: ETags, 304s, and answers built from the seed
content once per content version.

A route whose answer depends only on the request and the seed content (the catalog, the
screen, the questionnaire, curated routines, the referral) takes `ContentAnswerDep` and hands
it the function that builds the answer. The body is built and serialized once per content
version, language and request (path and query), and kept in a small in-process memo with its
ETag; a later request for the same answer gets the same bytes, or 304 when its
If-None-Match names the ETag. Everything else (request ids, logs, metrics, security headers,
compression) is done by the middleware as for any answer.

The ETags are weak (`W/"..."`): they name the content in its language, which is the same
whether the body travels gzip-compressed or not (the compression middleware decides that, per
request), and conditional GET compares weakly anyway. A strong ETag would have to differ
between the compressed and the plain representation, and a 304 would have to know which of
the two the 200 would have been."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.exceptions import ResponseValidationError
from starlette.concurrency import run_in_threadpool

from app.core.config import get_settings
from app.core.db import DbDep
from app.core.errors import InvalidInput
from app.i18n import DEFAULT_LANGUAGE, current_language
from app.shared.content import CONTENT

# A list of a few dozen ETags at most; anything longer is a client bug, refused as such.
IF_NONE_MATCH_MAX_LENGTH = 1000
# The memo holds the answers to this many distinct requests per content version (the catalog
# and its filters, each move, each language), and none larger than this.
MAX_ANSWERS = 1024
MAX_ANSWER_BYTES = 256 * 1024


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


@dataclass(frozen=True, slots=True)
class Sent:
    """An answer as it left the app for an anonymous GET: every header the middleware added
    but the request id, the body as sent (compressed or not), and the route's template for
    the metrics and the access log (`app.contract.answer_memo` sends it again)."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: str
    # The same for a 304, which has no body and so no body headers (RFC 9110, 15.4.5).
    not_modified_headers: list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class Answer:
    body: bytes
    etag: str
    # As sent, by whether the client accepted gzip; filled by `app.contract.answer_memo`.
    sent: dict[bool, Sent] = field(default_factory=dict, compare=False)


# Where `ContentAnswer` leaves the answer it sent, for `app.contract.answer_memo` to keep.
SCOPE_KEY = "app.content_answer"


# path, query string, language
AnswerKey = tuple[str, bytes, str]


class AnswerMemo:
    """The answers built from one content version; emptied when another version is seen.
    Bounded: past `max_answers`, the oldest answer goes."""

    def __init__(self, max_answers: int = MAX_ANSWERS) -> None:
        self.max_answers = max_answers
        self.version: str | None = None
        self.answers: dict[AnswerKey, Answer] = {}

    def get(self, version: str | None, key: AnswerKey) -> Answer | None:
        if version is None or version != self.version:
            return None
        return self.answers.get(key)

    def put(self, version: str | None, key: AnswerKey, answer: Answer) -> None:
        if version is None or len(answer.body) > MAX_ANSWER_BYTES:
            return
        if version != self.version:
            # Replaced, not cleared in place: nothing built from the old content is kept.
            self.version, self.answers = version, {}
        if len(self.answers) >= self.max_answers:
            self.answers.pop(next(iter(self.answers)))
        self.answers[key] = answer


ANSWERS = AnswerMemo()


class ContentAnswer:
    """The answer to one request for content: `return await answer(lambda: build(...))`."""

    def __init__(self, request: Request, response: Response, version: str | None) -> None:
        self.request = request
        # Headers other dependencies set for this request (`Deprecation`, `Sunset`).
        self.extra_headers = response.headers
        self.version = version
        self.language = current_language()
        self.condition = if_none_match(request)

    async def __call__(self, build: Callable[[], Any]) -> Response:
        """The kept answer, or the one `build` returns (run in a worker thread, serialized
        through the route's response model and kept). A `Response` from `build` (a redirect)
        is sent as it is and not kept."""
        scope = self.request.scope
        key: AnswerKey = (scope["path"], scope["query_string"], self.language)
        answer = ANSWERS.get(self.version, key)
        if answer is None:
            response_field = scope["route"].response_field
            language = self.language

            def make() -> Answer | Response:
                built = build()
                if isinstance(built, Response):
                    return built
                body = _serialize(response_field, built)
                return Answer(body=body, etag=etag_for(body, language))

            made = await run_in_threadpool(make)
            if isinstance(made, Response):
                return made
            answer = made
            ANSWERS.put(self.version, key, answer)
        scope[SCOPE_KEY] = answer
        headers = {
            "ETag": answer.etag,
            "Cache-Control": f"public, max-age={get_settings().catalog_max_age_seconds}",
            "Vary": "Accept-Encoding, Accept-Language",
            "Content-Language": self.language,
        }
        if if_none_match_matches(self.condition, answer.etag):
            response = Response(status_code=304, headers=headers)
        else:
            response = Response(answer.body, media_type="application/json", headers=headers)
        response.headers.raw.extend(
            (k, v) for k, v in self.extra_headers.raw if k not in (b"content-length",)
        )
        return response


def _serialize(field: Any, content: Any) -> bytes:
    """JSON through the route's response model (its FastAPI field), as FastAPI would send
    it."""
    value, errors = field.validate(content, {}, loc=("response",))
    if errors:
        raise ResponseValidationError(errors=errors, body=content)
    return bytes(field.serialize_json(value, by_alias=True))


def fresh_version() -> str | None:
    """The content version when it was read recently enough to answer from what was built on
    it without asking the database, else None."""
    return CONTENT.version if CONTENT.is_fresh() else None


async def content_answer(request: Request, response: Response, db: DbDep) -> ContentAnswer:
    """The content version is read through the request's own session (at most once per
    `CONTENT_RECHECK_SECONDS`, in a worker thread); in between, from memory."""
    version = fresh_version() or await run_in_threadpool(CONTENT.current, db)
    return ContentAnswer(request, response, version)


ContentAnswerDep = Annotated[ContentAnswer, Depends(content_answer)]


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
