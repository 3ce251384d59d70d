"""Where notifications go: a sender takes one notification for one device and says what
happened. The log sender (the default) only writes a log line; the HTTP sender posts to a
push gateway (which speaks to APNs, FCM and browsers) with a timeout and retries."""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from app.reminders.models import DeliveryStatus

logger = logging.getLogger("app.reminders")


@dataclass(frozen=True)
class Notification:
    """One reminder for one device."""

    reminder_id: uuid.UUID
    device_id: uuid.UUID
    token: str
    platform: str
    locale: str
    title: str
    body: str
    data: dict[str, str] = field(default_factory=dict)

    @property
    def idempotency_key(self) -> str:
        """The same for every attempt at this reminder on this device, so a gateway can drop
        a copy sent again after a worker died between sending and recording."""
        return f"{self.reminder_id}:{self.device_id}"


@dataclass(frozen=True)
class Outcome:
    status: DeliveryStatus
    attempts: int
    detail: str | None = None


class Sender(Protocol):
    def send(self, notification: Notification) -> Outcome: ...


class LogSender:
    """Writes each notification to the log: for development, and until a gateway is set."""

    def send(self, notification: Notification) -> Outcome:
        logger.info(
            "reminder notification",
            extra={
                "reminder_id": str(notification.reminder_id),
                "device_id": str(notification.device_id),
                "platform": notification.platform,
            },
        )
        return Outcome(DeliveryStatus.DELIVERED, attempts=1)


# The gateway's answers: 2xx delivered; 404 or 410 the token is no longer valid (the device
# is removed); 408, 425, 429 and 5xx, timeouts and connection errors are tried again; any
# other 4xx is a failure that trying again would not fix.
INVALID_TOKEN_STATUSES = frozenset({404, 410})
RETRYABLE_STATUSES = frozenset({408, 425, 429})


class HttpSender:
    """POSTs each notification as JSON to the push gateway at `url`."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 5.0,
        attempts: int = 3,
        backoff_seconds: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = url
        self.attempts = max(1, attempts)
        self.backoff_seconds = backoff_seconds
        self.sleep = sleep
        self.client = client or httpx.Client(timeout=timeout_seconds)

    def _payload(self, n: Notification) -> dict[str, object]:
        return {
            "token": n.token,
            "platform": n.platform,
            "locale": n.locale,
            "title": n.title,
            "body": n.body,
            "data": n.data,
        }

    def send(self, notification: Notification) -> Outcome:
        detail = None
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.client.post(
                    self.url,
                    json=self._payload(notification),
                    headers={"Idempotency-Key": notification.idempotency_key},
                )
            except httpx.HTTPError as exc:
                detail = type(exc).__name__
            else:
                code = response.status_code
                if 200 <= code < 300:
                    return Outcome(DeliveryStatus.DELIVERED, attempt, f"HTTP {code}")
                if code in INVALID_TOKEN_STATUSES:
                    return Outcome(DeliveryStatus.INVALID_TOKEN, attempt, f"HTTP {code}")
                detail = f"HTTP {code}"
                if code < 500 and code not in RETRYABLE_STATUSES:
                    return Outcome(DeliveryStatus.FAILED, attempt, detail)
            if attempt < self.attempts:
                self.sleep(self.backoff_seconds * 2 ** (attempt - 1))
        return Outcome(DeliveryStatus.FAILED, self.attempts, detail)

    def close(self) -> None:
        self.client.close()
