"""What the production server reads before the app sees a request is bounded: an oversized
request head is a 431, and a head trickled in line by line does not hold a connection open."""

import contextlib
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.live_server import ServerProcess
from tests.support import fresh_database

pytestmark = pytest.mark.slow

HEAD_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    env = {"REQUEST_HEAD_TIMEOUT_SECONDS": str(HEAD_TIMEOUT), "WEB_CONCURRENCY": "2"}
    with fresh_database() as url:
        server = ServerProcess(url, env)
        try:
            server.start()
            parts = urlsplit(server.base)
            yield parts.hostname or "127.0.0.1", parts.port or 80
        finally:
            server.close()


def exchange(address: tuple[str, int], head: bytes, body: bytes = b"") -> bytes:
    with socket.create_connection(address, timeout=30) as sock:
        # The server may close while this is still sending: read what it said.
        with contextlib.suppress(OSError):
            sock.sendall(head + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
            if b"\r\n\r\n" in answer:
                break
        return answer


def test_a_huge_header_is_a_431(address: tuple[str, int]) -> None:
    head = (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * (2 * 1024 * 1024) + b"\r\n\r\n"
    )
    assert exchange(address, head).startswith(b"HTTP/1.1 431 ")


def test_ordinary_heads_and_large_bodies_pass(address: tuple[str, int]) -> None:
    head = (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: "
        + b"a" * 8000
        + b"\r\nConnection: close\r\n\r\n"
    )
    assert exchange(address, head).startswith(b"HTTP/1.1 200 ")
    # A body sent with its head in one write is the body's limit's business, not the head's.
    body = b"{" + b" " * 500_000 + b"}"
    head = (
        b"POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n"
    )
    assert exchange(address, head, body).startswith(b"HTTP/1.1 422 ")


def test_a_trickled_head_is_cut_off(address: tuple[str, int]) -> None:
    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        closed = False
        # Far more lines, and far longer, than the server gives a head.
        for line in range(200):
            try:
                sock.sendall(f"X-Line-{line}: a\r\n".encode())
                sock.settimeout(HEAD_TIMEOUT / 2)
                if sock.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
            except OSError:
                closed = True
                break
        assert closed, "the server kept reading a head that never ended"
