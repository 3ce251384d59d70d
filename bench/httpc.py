"""A small HTTP client over loopback for the harness's own requests (set-up, checks, start
timing), from the standard library so that it adds nothing to the project's dependencies."""

import http.client
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return Response(
            status=answer.status,
            headers={k.lower(): v for k, v in answer.getheaders()},
            body=answer.read(),
        )
    finally:
        conn.close()


def status_or_none(port: int, path: str, timeout: float = 2) -> int | None:
    """The status of a GET, or None while nothing answers on the port."""
    try:
        return call(port, "GET", path, timeout=timeout).status
    except OSError:
        return None
