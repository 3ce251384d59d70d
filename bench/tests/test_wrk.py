"""Parsing wrk's output and building its command line."""

from pathlib import Path

import pytest

from bench.wrk import Load, WrkOutputError, command, parse

# Debian's wrk 4.1.0, `--latency`, against a route that answers 404 to everything.
NOT_FOUND = """Running 1s test @ http://127.0.0.1:18765/nonexist
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.43ms    1.60ms  16.71ms   82.20%
    Req/Sec     1.67k   240.92     2.07k    63.64%
  Latency Distribution
     50%    1.99ms
     75%    2.95ms
     90%    4.51ms
     99%    8.06ms
  1835 requests in 1.10s, 0.91MB read
  Non-2xx or 3xx responses: 1835
Requests/sec:   1666.72
Transfer/sec:    846.38KB"""

SLOW = """Running 1m test @ http://127.0.0.1:8000/v1/progress/summary
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.42s   120.00ms   3.71s    70.00%
    Req/Sec     0.00      0.00     0.00    100.00%
  Latency Distribution
     50%    3.40s
     75%    3.50s
     90%    3.60s
     99%    3.71s
  17 requests in 1.00m, 420.00KB read
  Socket errors: connect 0, read 1, write 0, timeout 2
Requests/sec:      0.28
Transfer/sec:      7.00KB
"""

NOTHING = """Running 2s test @ http://127.0.0.1:18766/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 2.01s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B"""


def test_a_run_gives_throughput_percentiles_and_bad_statuses() -> None:
    run = parse(NOT_FOUND)
    assert run.requests == 1835
    assert run.seconds == pytest.approx(1.10)
    assert run.rps == pytest.approx(1666.72)
    assert run.p50_ms == pytest.approx(1.99)
    assert run.p99_ms == pytest.approx(8.06)
    assert run.bad_status == 1835
    assert run.problems() == ["1835 responses outside 2xx/3xx"]


def test_seconds_and_minutes_are_converted_and_socket_errors_counted() -> None:
    run = parse(SLOW)
    assert run.seconds == pytest.approx(60.0)
    assert run.p50_ms == pytest.approx(3400.0)
    assert run.p99_ms == pytest.approx(3710.0)
    assert run.socket_errors == 3
    assert run.problems() == ["3 socket errors or timeouts"]


def test_a_run_without_a_completed_request_has_no_percentiles() -> None:
    run = parse(NOTHING)
    assert run.requests == 0
    assert run.p50_ms is None and run.p99_ms is None
    assert run.problems() == ["no request completed"]


def test_output_of_an_unfinished_run_is_refused() -> None:
    with pytest.raises(WrkOutputError):
        parse("unable to connect to 127.0.0.1:1 Connection refused")


def test_command_line_carries_load_headers_script_and_its_arguments() -> None:
    argv = command(
        "http://127.0.0.1:9/x",
        Load(threads=1, connections=32, seconds=5, timeout_seconds=30),
        headers={"If-None-Match": '"abc"'},
        script=Path("/b/post.lua"),
        script_args=["/tmp/body.json", "token"],
    )
    assert argv == [
        "wrk",
        "-t1",
        "-c32",
        "-d5s",
        "--timeout=30s",
        "--latency",
        "-H",
        'If-None-Match: "abc"',
        "-s",
        "/b/post.lua",
        "http://127.0.0.1:9/x",
        "--",
        "/tmp/body.json",
        "token",
    ]


def test_connections_are_never_fewer_than_threads() -> None:
    assert "-c4" in command("http://127.0.0.1:9/", Load(threads=4, connections=1, seconds=1))
