"""Offset pagination done in SQL: one COUNT over the filtered query and one page of rows."""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


def fetch_page(
    session: Session, query: SelectOfScalar[T], *order_by: Any, limit: int, offset: int
) -> tuple[Sequence[T], int]:
    """Rows of the page in the given order, and how many rows match across all pages."""
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(*order_by).offset(offset).limit(limit)).all()
    return rows, total
