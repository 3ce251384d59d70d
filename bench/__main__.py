"""`python -m bench`: the benchmark (see bench/README.md). `bench/run` installs wrk
and the project first, then runs this."""

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from bench.runner import ALL_KEYS, ENGINE_NAMES, Options, run

DEFAULTS: dict[str, dict[str, Any]] = {
    "full": {
        "seconds": 5,
        "rounds": 3,
        "warmup": 1,
        "summary_sizes": "1000,10000,100000",
        "other_people": 3,
        "other_sessions": 10_000,
        "deep_page": 1000,
        "starts": 5,
    },
    # A second or so per scenario on small data: proves every part still runs.
    "smoke": {
        "seconds": 1,
        "rounds": 1,
        "warmup": 0,
        "summary_sizes": "100,300,1000",
        "other_people": 2,
        "other_sessions": 200,
        "deep_page": 5,
        "starts": 1,
    },
}


EPILOG = """settings:
  none of its own: the service it starts gets a fresh database and --server-env settings;
  PostgreSQL is reached at --pg-url

exit codes:
  0  every measurement ran (the table says whether each met its target)
  1  a measurement failed (see the table's result column)
  2  wrong arguments, or wrk is missing (python -m bench)"""


def _numbers(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/run",
        description="Load the service and a bare FastAPI route side by side with wrk and write "
        "a Markdown table under bench/results/. bench/run installs wrk (apt-get, with sudo "
        "when not root) and the project into .venv first, then runs python -m bench.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--smoke", action="store_true", help="short rounds, small data")
    parser.add_argument(
        "--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument(
        "--pg-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server and a database to connect to while creating a fresh one",
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk -t")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c")
    parser.add_argument("--duration", type=int, help="wrk -d, whole seconds (full 5, smoke 1)")
    parser.add_argument("--rounds", type=int, help="rounds per scenario (full 3, smoke 1)")
    parser.add_argument("--warmup", type=int, help="seconds of unrecorded load first (full 1)")
    parser.add_argument("--summary-sizes", help="sessions in one person's history, ascending")
    parser.add_argument("--other-people", type=int, help="people whose history sits beside it")
    parser.add_argument("--other-sessions", type=int, help="sessions each of them logged")
    parser.add_argument("--page-size", type=int, default=50, help="session list page size")
    parser.add_argument("--deep-page", type=int, help="the deep page's number (full 1000)")
    parser.add_argument("--starts", type=int, help="starts timed for start to ready (full 5)")
    parser.add_argument(
        "--only",
        help=f"comma-separated measurements to run, from: {', '.join(ALL_KEYS)}",
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the service (not the reference app); repeatable",
    )
    parser.add_argument("--output", type=Path, help="the table's path (default: bench/results/)")
    args = parser.parse_args(argv)

    mode = "smoke" if args.smoke else "full"
    defaults = DEFAULTS[mode]

    def pick(name: str) -> int:
        value = getattr(args, name)
        return int(defaults[name]) if value is None else int(value)

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINE_NAMES]
    keys = set(ALL_KEYS) if not args.only else {k.strip() for k in args.only.split(",")}
    server_env = {}
    for item in args.server_env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            parser.error(f"--server-env takes NAME=VALUE, not {item!r}")
        server_env[name] = value
    sizes = sorted(_numbers(args.summary_sizes or str(defaults["summary_sizes"])))
    if unknown or not engines:
        parser.error(f"unknown engine(s) {unknown}; choose from {', '.join(ENGINE_NAMES)}")
    if keys - set(ALL_KEYS):
        parser.error(f"unknown measurement(s) {sorted(keys - set(ALL_KEYS))}")
    if not sizes or sizes[0] < 1:
        parser.error("--summary-sizes needs positive numbers")
    opts = Options(
        mode=mode,
        engines=engines,
        pg_url=args.pg_url,
        threads=args.threads,
        connections=args.connections,
        seconds=int(defaults["seconds"]) if args.duration is None else args.duration,
        rounds=pick("rounds"),
        warmup=pick("warmup"),
        summary_sizes=sizes,
        other_people=pick("other_people"),
        other_sessions=pick("other_sessions"),
        page_size=args.page_size,
        deep_page=pick("deep_page"),
        starts=pick("starts"),
        keys=keys,
        server_env=server_env,
        output=args.output,
    )
    if min(opts.threads, opts.connections, opts.seconds, opts.rounds, opts.starts) < 1:
        parser.error("threads, connections, duration, rounds and starts must be at least 1")
    if opts.deep_page < 2 or not 1 <= opts.page_size <= 100:
        parser.error("--deep-page must be at least 2 and --page-size 1 to 100")
    return opts


def main(argv: list[str]) -> int:
    opts = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: run bench/run, or apt-get install wrk", file=sys.stderr)
        return 2
    return run(opts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
