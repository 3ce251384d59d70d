"""Which version of the seed content the database holds.

The catalog, the referral and the curated routines change only when `python -m seed` loads
different files; the loader then records a digest of them here. Each process keeps what it
builds from that content (catalog snapshots, the bodies of cacheable answers in
`app.contract.caching`) for as long as the recorded version stays the same, and checks the
version at most once every `CONTENT_RECHECK_SECONDS` (0: on every use), so a reseed reaches
every worker and replica within that time.
"""

import math
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, Session, SQLModel, select

from app.core.config import get_settings

T = TypeVar("T")


class ContentVersion(SQLModel, table=True):
    """One row: the digest of the seed files last loaded, and when."""

    __tablename__ = "content_version"

    id: int = Field(default=1, primary_key=True)
    version: str = Field(max_length=64)
    loaded_at: datetime


class ContentState:
    """This process's view of the content version, refreshed at most every
    `recheck_seconds`. Listeners run when it changes, so caches empty themselves."""

    def __init__(self) -> None:
        self.version: str | None = None
        self.checked_at = -math.inf
        self._listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    @staticmethod
    def recheck_seconds() -> float:
        return get_settings().content_recheck_seconds

    def is_fresh(self) -> bool:
        """Whether the version was read recently enough to answer from what was built on it
        without asking the database."""
        return time.monotonic() - self.checked_at < self.recheck_seconds()

    def current(self, db: Session) -> str | None:
        """The content version, read from the database when the last read is stale."""
        if self.is_fresh():
            return self.version
        try:
            version = db.exec(select(ContentVersion.version)).first()
        except SQLAlchemyError:
            # A database migrated before versions were recorded: nothing to compare yet.
            db.rollback()
            version = None
        self.observe(version)
        return version

    def observe(self, version: str | None) -> None:
        with self._lock:
            changed = version != self.version
            self.version = version
            self.checked_at = time.monotonic()
            listeners = list(self._listeners) if changed else []
        for listener in listeners:
            listener()

    def forget(self) -> None:
        """Read the version again on next use (after loading the seed in this process)."""
        self.checked_at = -math.inf

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)


CONTENT = ContentState()


class PerVersion(Generic[T]):
    """A value built from the seed content, kept until the content version changes:
    `catalog = PerVersion(build)` then `catalog.get(session)`."""

    def __init__(self, build: Callable[[Session], T]) -> None:
        self.build = build
        self._value: tuple[str | None, T] | None = None
        self._lock = threading.Lock()

    def get(self, db: Session) -> T:
        version = CONTENT.current(db)
        held = self._value
        if held is not None and held[0] == version and version is not None:
            return held[1]
        with self._lock:
            held = self._value
            if held is None or held[0] != version or version is None:
                held = (version, self.build(db))
                self._value = held
            return held[1]
