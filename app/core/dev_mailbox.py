"""Development's mailbox: with no SMTP server, each email the service sends is kept here in
full and served at `GET /dev/mailbox`, so verifying an address or resetting a password can
be tried on a laptop.

Only in development without `SMTP_HOST` (`install_dev_mailbox`): production never has the
route, and it is left out of the OpenAPI document. Messages live in the memory of the
process that sent them (the web server sends what its requests queue), the newest
`CAPACITY` of them; they are gone when the server stops.
"""

import re
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse

from app.core.clock import utcnow
from app.core.config import Settings

DEV_MAILBOX_PATH = "/dev/mailbox"
CAPACITY = 100
_LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class KeptMessage:
    to: str
    subject: str
    text: str
    sent_at: datetime

    def links(self) -> list[dict[str, str | None]]:
        """Each link in the text, with the `token` it carries (what the API's verify and
        reset calls take), if any."""
        out: list[dict[str, str | None]] = []
        for url in dict.fromkeys(_LINK.findall(self.text)):
            tokens = parse_qs(urlsplit(url).query).get("token")
            out.append({"url": url, "token": tokens[0] if tokens else None})
        return out

    def public(self) -> dict[str, Any]:
        return {
            "to": self.to,
            "subject": self.subject,
            "sent_at": self.sent_at.isoformat().replace("+00:00", "Z"),
            "links": self.links(),
            "text": self.text,
        }


class DevMailbox:
    """The newest messages, newest first; safe to add to from the outbox's worker threads."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._messages: deque[KeptMessage] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def add(self, to: str, subject: str, text: str) -> None:
        with self._lock:
            self._messages.appendleft(KeptMessage(to, subject, text, utcnow()))

    def messages(self, to: str | None = None) -> list[KeptMessage]:
        with self._lock:
            kept = list(self._messages)
        if to is None:
            return kept
        wanted = to.strip().lower()
        return [m for m in kept if m.to.lower() == wanted]


MAILBOX = DevMailbox()


def dev_mailbox_enabled(settings: Settings) -> bool:
    return settings.is_development and not settings.smtp_host


def install_dev_mailbox(app: FastAPI, settings: Settings) -> None:
    """`GET /dev/mailbox[?to=address]` in development without SMTP; nothing otherwise."""
    if not dev_mailbox_enabled(settings):
        return

    @app.get(DEV_MAILBOX_PATH, include_in_schema=False)
    async def dev_mailbox(
        to: Annotated[str | None, Query(max_length=254)] = None,
    ) -> JSONResponse:
        messages = [m.public() for m in MAILBOX.messages(to)]
        return JSONResponse(
            {"data": messages, "count": len(messages)},
            headers={"Cache-Control": "no-store"},
        )
