"""The HTTP protocol `backpain-serve` runs: uvicorn's httptools protocol with bounds on what is
read before the app sees a request.

uvicorn limits neither the size of a request's head (request line and headers) nor how long
a client may take to send it: a 32 MB header was read whole, and connections sending one header
line every few seconds were held open for as long as the lines kept coming. Here:

- a head larger than `MAX_REQUEST_HEAD_BYTES` (64 KiB) is answered `431 Request Header Fields
  Too Large` and the connection closed;
- a head not complete within `REQUEST_HEAD_TIMEOUT_SECONDS` (10 s) of the connection opening
  (or of the previous response, on a kept-alive connection) closes the connection.

Nothing this API reads needs more than a few KiB of headers (a bearer token; no cookies), and
64 KiB is near what common proxies allow; a phone on a poor network sends a head in well under
a second (both inferred).

The app's own limit on bodies (`MAX_REQUEST_BODY_BYTES`) applies after this.
"""

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.core.config import get_settings

TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\n"
    b"content-length: 32\r\n\r\n"
    b"Request headers are too large.\r\n"
)


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    _head_bytes = 0
    _head_done = False
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._head_done or self.transport.is_closing():
            return
        self._head_bytes += len(data)
        if self._head_bytes > get_settings().max_request_head_bytes:
            self._stop_head_timer()
            self.transport.write(TOO_LARGE)
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._head_done = True
        self._stop_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Idle and kept alive (no pipelined request already read): the next head is awaited.
        if self.timeout_keep_alive_task is not None and not self.transport.is_closing():
            self._await_head()

    def _await_head(self) -> None:
        self._head_done = False
        self._head_bytes = 0
        self._stop_head_timer()
        timeout = get_settings().request_head_timeout_seconds
        self._head_timer = self.loop.call_later(timeout, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self._head_done and not self.transport.is_closing():
            self.transport.close()
