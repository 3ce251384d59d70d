"""Offline sync: change numbers, sync tokens and tombstones, shared by every list a phone mirrors.

Every write to a synced row takes the next number of its scope's clock (one per account, and
one for curated content) with `tick`. The clock is a row updated in the writing transaction,
so its lock is held until commit: numbers are handed out in commit order. A reader that reads
the clock first and the rows after therefore sees every change up to the number it read, and
"everything with a number above N" misses nothing that committed later, whatever ran at once.

A sync token is that number (per scope), the caller it was issued to and when; it is opaque to
clients. Tokens and cursors carry an HMAC of their content under a key derived from the
service's signing key, so anything the service did not issue (a tampered or made-up value) is
refused with 422 before any of it reaches a query. Deletions leave a tombstone with its
number, kept `TOMBSTONE_DAYS`; a token older than that may have missed a tombstone that is
gone, so it is refused with 410 and the client starts over.
"""

import base64
import functools
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeGuard, TypeVar

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import BigInteger, Column, select
from sqlmodel import Field, Session, SQLModel
from sqlmodel.sql.expression import SelectOfScalar

from app.core.clock import UtcDatetime
from app.core.db import dialect_of, insert_into
from app.core.errors import DomainError, InvalidInput
from app.core.pagination import SortKey, count, fetch_keyset, merge_keyset

TOMBSTONE_DAYS = 90
TOMBSTONE_RETENTION = timedelta(days=TOMBSTONE_DAYS)
CURATED_SCOPE = "curated"
# Tokens and cursors are short base64url strings.
TOKEN_PATTERN = r"^[A-Za-z0-9_-]+$"
TOKEN_MAX_LENGTH = 1000
# Bytes of HMAC-SHA256 kept in each token and cursor: 128 bits, past guessing.
TAG_BYTES = 16
# Change numbers are PostgreSQL BIGINTs.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def user_scope(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


class SyncClock(SQLModel, table=True):
    """The last change number handed out in a scope (an account, or curated content)."""

    __tablename__ = "sync_clock"

    scope: str = Field(primary_key=True, max_length=64)
    value: int = Field(sa_column=Column(BigInteger, nullable=False))


def tick(db: Session, scope: str) -> int:
    """The next change number of `scope`; the clock's row stays locked until commit."""
    statement = _tick_statement(dialect_of(db))
    return int(db.connection().execute(statement, {"scope": scope}).scalar_one())


@functools.cache
def _tick_statement(dialect: str) -> Any:
    table = SyncClock.__table__  # type: ignore[attr-defined]
    return (
        insert_into(dialect, table)
        .values(value=1)
        .on_conflict_do_update(index_elements=["scope"], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )


def current(db: Session, scope: str) -> int:
    """The last number handed out in `scope` and committed (0 before the first change)."""
    # Core, not the identity map: the value must be the database's, never a cached one.
    table = SyncClock.__table__  # type: ignore[attr-defined]
    value = db.execute(select(table.c.value).where(table.c.scope == scope)).scalar()
    return int(value or 0)


def forget(db: Session, scope: str) -> None:
    """Drop a scope's clock (its account is gone)."""
    row = db.get(SyncClock, scope)
    if row is not None:
        db.delete(row)


class Tombstone(BaseModel):
    """Something that was deleted (or, in a filtered sync, no longer matches): remove it from
    your copy. Kept for at least 90 days after the deletion."""

    id: uuid.UUID
    deleted_at: UtcDatetime = PydanticField(description="When it was deleted.")


class SyncTokenExpired(DomainError):
    status_code = 410
    title = "Sync token expired"
    slug = "sync-token-expired"
    template = (
        "This sync token is older than {days} days, so deletions since then may be "
        "forgotten. Sync again from the start, without changed_since."
    )
    example_detail = template.format(days=TOMBSTONE_DAYS)

    def __init__(self) -> None:
        super().__init__(self.template, days=TOMBSTONE_DAYS)


def _tag(raw: bytes) -> bytes:
    from app.core.config import get_settings

    key = hmac.new(get_settings().signing_key.encode(), b"sync-cursor", hashlib.sha256).digest()
    return hmac.new(key, raw, hashlib.sha256).digest()[:TAG_BYTES]


def _encode(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(_tag(raw) + raw).rstrip(b"=").decode()


# What a token or cursor this service did not issue is told, by what it should have been.
NOT_ISSUED = {
    "sync token": "`{name}` is not a sync token this service issued.",
    "cursor": "`{name}` is not a cursor this service issued.",
}

CONTINUES_LISTING = {
    True: "`{name}` continues a listing with changed_since; send the same query.",
    False: "`{name}` continues a listing without changed_since; send the same query.",
}


def _decode(text: str, loc: list[str | int], what: str) -> dict[str, Any]:
    """The content of a token or cursor this service signed; anything else is a 422."""
    data = None
    try:
        signed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        signed = b""
    tag, raw = signed[:TAG_BYTES], signed[TAG_BYTES:]
    if len(tag) == TAG_BYTES and hmac.compare_digest(tag, _tag(raw)):
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        raise InvalidInput(NOT_ISSUED[what], loc=loc, name=loc[-1])
    return data


def _int64(value: Any) -> TypeGuard[int]:
    return type(value) is int and INT64_MIN <= value <= INT64_MAX


def caller_tag(user_id: uuid.UUID | None) -> str:
    """Who a token was issued to, without naming them."""
    if user_id is None:
        return "anonymous"
    return hashlib.sha256(user_id.bytes).hexdigest()[:12]


@dataclass(frozen=True)
class SyncToken:
    """The last change number seen in each scope, for one caller, at one time."""

    marks: dict[str, int]
    caller: str
    issued: int

    def encode(self) -> str:
        return _encode({"m": self.marks, "c": self.caller, "t": self.issued})

    @classmethod
    def decode(cls, text: str, loc: list[str | int]) -> "SyncToken":
        data = _decode(text, loc, "sync token")
        marks, caller, issued = data.get("m"), data.get("c"), data.get("t")
        if (
            not isinstance(marks, dict)
            or not all(isinstance(k, str) and _int64(v) for k, v in marks.items())
            or not isinstance(caller, str)
            or not _int64(issued)
        ):
            raise InvalidInput(NOT_ISSUED["sync token"], loc=loc, name=loc[-1])
        return cls(marks, caller, issued)

    def check(self, user_id: uuid.UUID | None, now: datetime, loc: list[str | int]) -> None:
        if self.caller != caller_tag(user_id):
            raise InvalidInput(
                "`{name}` was issued to another caller; sync again from the start.",
                loc=loc,
                name=loc[-1],
            )
        if now.timestamp() - self.issued > TOMBSTONE_RETENTION.total_seconds():
            raise SyncTokenExpired()


def _key_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    return value


def _key_from(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"dt"}:
        return datetime.fromisoformat(value["dt"])
    if isinstance(value, dict) and set(value) == {"u"}:
        return uuid.UUID(value["u"])
    return value


@dataclass(frozen=True)
class Cursor:
    """Where a walk through a list stands: the last item's sort key, whether the walk is a
    sync (changes in change order) or a listing, and the sync token the walk will end with."""

    key: tuple[Any, ...]
    sync: bool
    token: str

    def encode(self) -> str:
        return _encode({"k": [_key_value(v) for v in self.key], "s": self.sync, "t": self.token})

    @classmethod
    def decode(cls, text: str, loc: list[str | int], *, sync: bool, width: int) -> "Cursor":
        data = _decode(text, loc, "cursor")
        key, mode, token = data.get("k"), data.get("s"), data.get("t")
        if not isinstance(key, list) or len(key) != width or not isinstance(token, str):
            raise InvalidInput(NOT_ISSUED["cursor"], loc=loc, name=loc[-1])
        if mode is not sync:
            raise InvalidInput(CONTINUES_LISTING[bool(mode)], loc=loc, name=loc[-1])
        try:
            values = tuple(_key_from(v) for v in key)
        except (ValueError, TypeError) as exc:
            raise InvalidInput(NOT_ISSUED["cursor"], loc=loc, name=loc[-1]) from exc
        return cls(values, bool(mode), token)


@dataclass(frozen=True)
class Walk:
    """The parameters of one request of a walk through a synced list, checked."""

    cursor: Cursor | None
    since: SyncToken | None
    token: str

    @property
    def start(self) -> tuple[Any, ...] | None:
        return self.cursor.key if self.cursor else None

    def next_cursor(self, key: tuple[Any, ...] | None) -> str | None:
        if key is None:
            return None
        return Cursor(key, self.since is not None, self.token).encode()


def begin_walk(
    *,
    cursor: str | None,
    changed_since: str | None,
    width: int,
    user_id: uuid.UUID | None,
    now: datetime,
    marks: Callable[[], dict[str, int]],
) -> Walk:
    """Check a list request's `cursor` and `changed_since`. The walk's sync token is read
    before any row (see the module docstring), on its first page, and carried by its cursors,
    so every page of one walk returns the same token."""
    since = None
    if changed_since is not None:
        since = SyncToken.decode(changed_since, ["query", "changed_since"])
        since.check(user_id, now, ["query", "changed_since"])
    if cursor is not None:
        walk_cursor = Cursor.decode(
            cursor, ["query", "cursor"], sync=since is not None, width=width
        )
        return Walk(walk_cursor, since, walk_cursor.token)
    token = SyncToken(marks(), caller_tag(user_id), int(now.timestamp())).encode()
    return Walk(None, since, token)


DELETED_DESCRIPTION = (
    "With `changed_since`: what was deleted since then (remove it from your copy), in change "
    "order among `data`. Always empty without `changed_since`."
)
NEXT_CURSOR_DESCRIPTION = (
    "Send it as `cursor` for the next page; null on the last page of the walk."
)
SYNC_TOKEN_DESCRIPTION = (
    "The same on every page of one walk. Keep the one from the last page and send it as "
    "`changed_since` next time to get only what changed since this walk began."
)


R = TypeVar("R")


@dataclass(frozen=True)
class Changes(Generic[R]):
    """One page of what changed since a sync token: the changed rows and the tombstones, in
    change order between them, how many rows changed in all, and where the page ends."""

    rows: list[R]
    deleted: list[Tombstone]
    count: int
    next_key: tuple[Any, ...] | None


def read_changes(
    db: Session,
    walk: Walk,
    model: type[R],
    *,
    live: SelectOfScalar[R],
    live_order: tuple[SortKey, ...],
    gone: SelectOfScalar[Any],
    gone_order: tuple[SortKey, ...],
    key: Callable[[Any], tuple[Any, ...]],
    limit: int,
    offset: int,
) -> Changes[R]:
    """The page of a sync walk: the rows of `model` changed (`live`) and those deleted (`gone`,
    tombstones with `id` and `deleted_at`) since the walk's token, merged in change order (`key`
    gives an item's place in both orders)."""
    streams = [
        fetch_keyset(db, live, live_order, key, start=walk.start, limit=limit + offset),
        fetch_keyset(db, gone, gone_order, key, start=walk.start, limit=limit + offset),
    ]
    page, next_key = merge_keyset(streams, key, limit=limit, offset=offset)
    return Changes(
        rows=[item for item in page if isinstance(item, model)],
        deleted=[
            Tombstone(id=item.id, deleted_at=item.deleted_at)
            for item in page
            if not isinstance(item, model)
        ],
        count=count(db, live),
        next_key=next_key,
    )


T = TypeVar("T")


class SyncedPage(BaseModel, Generic[T]):
    """A page of a list a phone mirrors: a listing, or with `changed_since` what changed since
    then. A list's schema is a subclass named for it (`SessionList`), with its own summary."""

    data: list[T]
    count: int = PydanticField(
        description="Number of items matching the filters (with `changed_since`: items changed "
        "since then), across all pages."
    )
    deleted: list[Tombstone] = PydanticField(description=DELETED_DESCRIPTION)
    next_cursor: str | None = PydanticField(description=NEXT_CURSOR_DESCRIPTION)
    sync_token: str = PydanticField(description=SYNC_TOKEN_DESCRIPTION)


def filters_refused(loc: list[str | int]) -> InvalidInput:
    return InvalidInput(
        "A sync (changed_since) reads every change; leave out the filters, or a change that "
        "moves something out of them would never reach you.",
        loc=loc,
    )
