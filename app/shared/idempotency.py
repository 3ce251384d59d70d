"""Records created under an id the client chose, stored once however often they are sent.

A phone that loses its connection after sending a record sends it again under the same id. The
same id with the same content (compared as one hash, `fingerprint`) from the same person is a
repeat: the answer is the stored record, and nothing new is stored. The id taken by other
content, or by anyone else's record, is a conflict (409) that reveals nothing about what holds
it. `create_once` is that rule, for sessions, check-ins and PEG responses alike.
"""

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from fastapi import Response, status
from sqlmodel import Session

from app.core.clock import as_utc
from app.core.errors import Conflict, InvalidInput

# A phone's clock may run a little ahead of ours; more than this is a wrong clock or a typo,
# refused rather than stored as a moment that has not happened yet.
CLOCK_SKEW = timedelta(minutes=5)
EXAMPLE_ID = uuid.UUID("3f0c2a9e-8f61-4c55-9b0e-6d1f3c2b7a10")


def fingerprint(content: Mapping[str, Any]) -> str:
    """One hash of a record's content: equal content, equal hash, whatever the key order.
    Callers pass the content in canonical form (instants in UTC, sets sorted)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RecordKind:
    """What the problems of one kind of record say. Each kind keeps its own problem type, so a
    client can tell which upload to drop, and its own words (each detail is a template the
    catalogs in app/locale translate)."""

    title: str
    slug: str
    # The conflict's detail, with the id as `{<id_name>}`.
    conflict: str
    id_name: str
    # The body's field that says when it happened, and the detail when that is ahead.
    moment: str
    future: str


class IdConflict(Conflict):
    """The id is taken by a record with other content. The same answer is given whether that
    record is the caller's or someone else's, and nothing about it is revealed."""

    def __init__(self, kind: RecordKind, record_id: uuid.UUID = EXAMPLE_ID) -> None:
        self.title = kind.title
        self.slug = kind.slug
        super().__init__(kind.conflict, **{kind.id_name: record_id})


class InFuture(InvalidInput):
    """A record's moment is later than now, beyond what a phone's clock may be ahead."""

    def __init__(self, kind: RecordKind) -> None:
        super().__init__(kind.future, loc=["body", kind.moment])


def refuse_future(kind: RecordKind, moment: datetime, now: datetime) -> None:
    """`moment` must not be more than CLOCK_SKEW ahead of `now`."""
    if as_utc(moment) > now + CLOCK_SKEW:
        raise InFuture(kind)


class Owned(Protocol):
    """A stored record as `create_once` reads it."""

    id: uuid.UUID
    user_id: uuid.UUID
    fingerprint: str


R = TypeVar("R", bound=Owned)
T = TypeVar("T")


@dataclass(frozen=True)
class Created(Generic[T]):
    """The stored record's answer, and whether this request stored it (False: a repeat)."""

    answer: T
    created: bool

    def sent(self, response: Response, location: str) -> T:
        """The answer as a create route sends it: 201 when this request stored the record, 200
        for a repeat, and where the record lives either way."""
        if not self.created:
            response.status_code = status.HTTP_200_OK
        response.headers["Location"] = location
        return self.answer


def create_once(
    db: Session,
    kind: RecordKind,
    model: type[R],
    *,
    client_id: uuid.UUID | None,
    user_id: uuid.UUID,
    digest: str,
    store: Callable[[uuid.UUID], T | None],
    repeat: Callable[[R], T],
    look_first: bool = True,
) -> Created[T]:
    """Store a record under `client_id` (or a new id) once.

    `store(id)` checks the request, writes the record and returns its answer, or None when the
    id turned out to be taken (another request stored it first). `repeat(row)` answers a
    stored record again. With `look_first` the id is looked up before `store`; without, a new
    id (the common case) costs no look-up, and a refused request whose id is stored already
    is recognised as a repeat all the same: what `store` checks (a routine still there, a
    move still in the catalog) may have changed since the record was first stored.
    """

    def again(record_id: uuid.UUID) -> Created[T] | None:
        existing = db.get(model, record_id)
        if existing is None:
            return None
        if existing.user_id != user_id or existing.fingerprint != digest:
            raise IdConflict(kind, record_id)
        return Created(repeat(existing), created=False)

    if client_id is not None and look_first and (known := again(client_id)) is not None:
        return known
    record_id = client_id or uuid.uuid4()
    try:
        answer = store(record_id)
    except InvalidInput:
        if client_id is not None and not look_first and (known := again(client_id)) is not None:
            return known
        raise
    if answer is None:
        known = again(record_id)
        if known is None:  # pragma: no cover - the conflict was on the id
            raise RuntimeError(f"an id conflicted but no {model.__name__} holds it")
        return known
    return Created(answer, created=True)
