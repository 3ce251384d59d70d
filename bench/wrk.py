"""wrk invocations and what they print: the command line for a load, and its output parsed into
numbers. Parsing is pure so that it can be tested on wrk's own output."""

import re
from dataclasses import dataclass
from pathlib import Path

# wrk prints times with these units (src/units.c): microseconds up to hours.
_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME = r"([\d.]+)(us|ms|s|m|h)"


class WrkOutputError(ValueError):
    """wrk printed something this parser does not recognise as a finished run."""


@dataclass(frozen=True)
class WrkRun:
    """One wrk run: completed requests, throughput and latency percentiles."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    # Responses with a status outside 200-399, and connect/read/write errors plus timeouts.
    bad_status: int = 0
    socket_errors: int = 0
    # How long the servers took to finish earlier work before this run began.
    settled_seconds: float = 0.0

    def problems(self) -> list[str]:
        """Why this run's numbers cannot be trusted as a measure of the intended request."""
        found = []
        if self.requests == 0:
            found.append("no request completed")
        if self.bad_status:
            found.append(f"{self.bad_status} responses outside 2xx/3xx")
        if self.socket_errors:
            found.append(f"{self.socket_errors} socket errors or timeouts")
        return found


def to_ms(value: str, unit: str) -> float:
    return float(value) * _TIME_UNITS_MS[unit]


def parse(output: str) -> WrkRun:
    """The numbers of one `wrk --latency` run from its standard output."""
    total = re.search(r"^\s*(\d+) requests in " + _TIME, output, re.MULTILINE)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if total is None or rps is None:
        raise WrkOutputError(f"not the output of a finished wrk run:\n{output.strip()[-2000:]}")
    percentiles = {
        int(m.group(1)): to_ms(m.group(2), m.group(3))
        for m in re.finditer(r"^\s+(50|99)%\s+" + _TIME, output, re.MULTILINE)
    }
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    requests = int(total.group(1))
    return WrkRun(
        requests=requests,
        seconds=to_ms(total.group(2), total.group(3)) / 1000,
        rps=float(rps.group(1)),
        # With no completed request wrk still prints a distribution of zeros.
        p50_ms=percentiles.get(50) if requests else None,
        p99_ms=percentiles.get(99) if requests else None,
        bad_status=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


@dataclass(frozen=True)
class Load:
    """How hard and how long wrk drives a target."""

    threads: int
    connections: int
    # wrk takes durations in whole seconds (or minutes, hours).
    seconds: int
    timeout_seconds: int = 10


def command(
    url: str,
    load: Load,
    *,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    script_args: list[str] | None = None,
) -> list[str]:
    """The wrk command line; `--latency` so that the percentiles are printed."""
    argv = [
        "wrk",
        f"-t{load.threads}",
        f"-c{max(load.connections, load.threads)}",
        f"-d{load.seconds}s",
        f"--timeout={load.timeout_seconds}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    if script is not None:
        argv += ["-s", str(script)]
    argv.append(url)
    if script_args:
        argv += ["--", *script_args]
    return argv
