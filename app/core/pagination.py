"""Pagination done in SQL.

- `fetch_page`: offset paging, one COUNT over the filtered query and one page of rows.
- `fetch_keyset`: keyset paging: the rows after a sort key, so a walk through a list neither
  skips nor repeats rows when others are inserted or deleted meanwhile. The order is a list of
  `SortKey` (an expression and its direction); the last one must be unique (an id).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, false, func, or_
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


def fetch_page(
    db: Session, query: SelectOfScalar[T], *order_by: Any, limit: int, offset: int
) -> tuple[Sequence[T], int]:
    """Rows of the page in the given order, and how many rows match across all pages."""
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    rows = db.exec(query.order_by(*order_by).offset(offset).limit(limit)).all()
    return rows, total


def count(db: Session, query: SelectOfScalar[Any]) -> int:
    return db.exec(select(func.count()).select_from(query.subquery())).one()


@dataclass(frozen=True)
class SortKey:
    expression: Any
    descending: bool = False

    def clause(self) -> Any:
        return self.expression.desc() if self.descending else self.expression.asc()


def after(order: Sequence[SortKey], key: Sequence[Any]) -> ColumnElement[bool]:
    """Rows that sort after `key` in `order` (mixed directions allowed, any engine)."""
    branches = []
    for index, part in enumerate(order):
        equal = [order[i].expression == key[i] for i in range(index)]
        beyond = part.expression < key[index] if part.descending else part.expression > key[index]
        branches.append(and_(*equal, beyond))
    if not order:
        return false()
    # The same rows, with a plain range on the first key that an index can start from (the
    # alternatives alone make engines read every row before the key and filter them).
    first, start = order[0].expression, key[0]
    bound = first <= start if order[0].descending else first >= start
    return and_(bound, or_(false(), *branches))


def fetch_keyset(
    db: Session,
    query: SelectOfScalar[T],
    order: Sequence[SortKey],
    key_of: Callable[[T], tuple[Any, ...]],
    *,
    start: Sequence[Any] | None,
    limit: int,
    offset: int = 0,
) -> tuple[list[T], tuple[Any, ...] | None]:
    """Up to `limit` rows after `start` (and `offset` more rows), and the key to continue
    from, or None when nothing follows."""
    if start is not None:
        query = query.where(after(order, start))
    rows = list(
        db.exec(
            query.order_by(*(part.clause() for part in order)).offset(offset).limit(limit + 1)
        ).all()
    )
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, key_of(rows[-1])


def merge_keyset(
    streams: Sequence[tuple[list[Any], tuple[Any, ...] | None]],
    key_of: Callable[[Any], tuple[Any, ...]],
    *,
    limit: int,
    offset: int = 0,
) -> tuple[list[Any], tuple[Any, ...] | None]:
    """One page of several keyset streams sorted by the same key, each fetched with
    `limit + offset` rows and no offset of its own."""
    merged = sorted((item for rows, _ in streams for item in rows), key=key_of)
    more = any(next_key is not None for _, next_key in streams)
    page = merged[offset : offset + limit]
    if page and (more or len(merged) > offset + limit):
        return page, key_of(page[-1])
    return page, None
