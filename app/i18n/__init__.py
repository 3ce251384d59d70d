"""The language of every text in an answer, negotiated from `Accept-Language` (RFC 9110
section 12.5.4), and the service's own words in each supported language.

- `negotiate` picks the first supported language among the request's, highest quality value
  first, falling back from a regional tag to its language (`es-MX` -> `es`) and finally to
  English. An unsupported or malformed header means English.
- `LanguageMiddleware` sets the request's language for everything that runs under it (routes,
  dependencies, error handlers) and adds `Content-Language` to every answer with text and
  `Accept-Language` to its `Vary`.
- `RequestLanguage` is the FastAPI dependency a route names to read it (and that documents the
  header in the contract).
- `app.i18n.catalog` holds the translations: gettext catalogs in `app/locale`.
"""

from contextvars import ContextVar
from enum import StrEnum
from typing import Annotated

from babel.core import Locale, UnknownLocaleError, negotiate_locale
from fastapi import Depends, Header
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Language(StrEnum):
    """A language the service speaks (ISO 639-1): English, the source, and those with catalogs
    in app/locale/<language>/LC_MESSAGES."""

    EN = "en"
    ES = "es"
    DE = "de"


DEFAULT_LANGUAGE = Language.EN.value
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)
# A header longer than this is not a list of languages a person reads; it means English.
ACCEPT_LANGUAGE_MAX_LENGTH = 500
MAX_LANGUAGE_RANGES = 20

language_var: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def _quality(parameters: list[str]) -> float | None:
    for parameter in parameters:
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            return q if 0.0 <= q <= 1.0 else None
    return 1.0


def parse_accept_language(header: str | None) -> list[str]:
    """The language ranges of an `Accept-Language` header, most wanted first (a stable sort
    on the quality value, so equal values keep the order sent); ranges with `q=0` or a
    malformed quality value are left out."""
    if not header or len(header) > ACCEPT_LANGUAGE_MAX_LENGTH:
        return []
    ranges: list[tuple[float, str]] = []
    for item in header.split(",")[:MAX_LANGUAGE_RANGES]:
        tag, *parameters = item.split(";")
        tag = tag.strip()
        q = _quality(parameters)
        if not tag or q is None or q == 0.0:
            continue
        ranges.append((q, tag))
    return [tag for _, tag in sorted(ranges, key=lambda r: -r[0])]


def _normalise(tag: str) -> str | None:
    """`es-MX` -> `es_MX` through Babel's own parser; None for what is not a locale tag."""
    if tag == "*":
        return DEFAULT_LANGUAGE
    try:
        return str(Locale.parse(tag, sep="-"))
    except (ValueError, UnknownLocaleError):
        # A well-formed tag Babel has no data for (`es-XX`) still falls back to its language.
        language = tag.split("-")[0].lower()
        return language if language.isalpha() and 2 <= len(language) <= 3 else None


def negotiate(header: str | None) -> str:
    """The supported language to answer in: the first of the request's ranges that is
    supported itself or through its language (`es-MX` -> `es`); English otherwise."""
    preferred = [n for n in (_normalise(tag) for tag in parse_accept_language(header)) if n]
    for tag in preferred:
        # One range at a time, so a lower-quality exact match never beats a higher-quality
        # fallback (`es-MX, de;q=0.5` is Spanish).
        chosen = negotiate_locale([tag], SUPPORTED_LANGUAGES, sep="_")
        if chosen:
            return chosen
    return DEFAULT_LANGUAGE


def person_language(chosen: str | None, *fallbacks: str | None) -> str:
    """The language to write to a person in when no request asks: the one they chose on their
    profile, else the first fallback locale that negotiates to a supported language (a
    device's `locale`, a request's language), else English."""
    if chosen in SUPPORTED_LANGUAGES:
        return chosen
    for locale in fallbacks:
        if locale:
            language = negotiate(locale)
            if language != DEFAULT_LANGUAGE or locale.lower().startswith(DEFAULT_LANGUAGE):
                return language
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of the request being answered (English outside a request)."""
    return language_var.get()


ACCEPT_LANGUAGE_DESCRIPTION = (
    "The languages the person reads, most wanted first (RFC 9110: `es-MX, es;q=0.9, en;q=0.5`). "
    "Texts are answered in the first supported one (`en`, `es`, `de`), a regional tag falling "
    "back to its language (`es-MX` -> `es`); anything else is answered in English. The answer "
    "names its language in `Content-Language`. Translated safety texts carry a `translation` "
    "status. Never refused, as RFC 9110 lets a server ignore it: a header longer than "
    f"{ACCEPT_LANGUAGE_MAX_LENGTH} characters is read as naming no language, so English."
)


def request_language(
    accept_language: Annotated[
        str | None,
        Header(
            alias="Accept-Language",
            description=ACCEPT_LANGUAGE_DESCRIPTION,
            # Never refused: anything unusable means English.
            include_in_schema=False,
        ),
    ] = None,
) -> str:
    """The request's language (set by `LanguageMiddleware`; negotiated here too, so a route
    works the same when called without the middleware)."""
    language = negotiate(accept_language)
    language_var.set(language)
    return language


RequestLanguage = Annotated[str, Depends(request_language)]

_ACCEPT_LANGUAGE = b"accept-language"
_CONTENT_TYPE = b"content-type"
_CONTENT_LANGUAGE = b"content-language"
_VARY = b"vary"
# Answers whose body is text a person reads.
_TEXT_TYPES = (b"application/json", b"application/problem+json", b"text/")


def language_of_scope(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == _ACCEPT_LANGUAGE:
            return negotiate(value.decode("latin-1"))
    return DEFAULT_LANGUAGE


class LanguageMiddleware:
    """Pure ASGI middleware: the request's language for everything below, and on every answer
    with text `Content-Language` and `Accept-Language` in `Vary`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        language = language_of_scope(scope)
        token = language_var.set(language)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_language_headers(
                    list(message.get("headers", [])), language
                )
            await send(message)

        try:
            await self.app(scope, receive, send_with_language)
        finally:
            language_var.reset(token)


def with_language_headers(
    headers: list[tuple[bytes, bytes]], language: str
) -> list[tuple[bytes, bytes]]:
    content_type = next((v for k, v in headers if k.lower() == _CONTENT_TYPE), b"")
    if not content_type.lower().startswith(_TEXT_TYPES):
        return headers
    # An answer that names its own language (a report in the profile's language) keeps it.
    own = next((v for k, v in headers if k.lower() == _CONTENT_LANGUAGE), None)
    if own is not None:
        language = own.decode("latin-1")
    out = [(k, v) for k, v in headers if k.lower() not in (_CONTENT_LANGUAGE, _VARY)]
    vary = [
        part.strip()
        for k, v in headers
        if k.lower() == _VARY
        for part in v.decode("latin-1").split(",")
        if part.strip()
    ]
    if not any(part.lower() == "accept-language" for part in vary):
        vary.append("Accept-Language")
    out.append((_CONTENT_LANGUAGE, language.encode()))
    out.append((_VARY, ", ".join(vary).encode("latin-1")))
    return out
