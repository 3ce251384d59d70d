"""`python -m tests.fuzz`: schemathesis over every operation of the committed openapi.json,
against the real server on a fresh database of the backend DATABASE_URL names (SQLite by
default). Exits with schemathesis's status; the JUnit report lands in test-artifacts/."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.live_server import ROOT, ServerProcess, free_port
from tests.support import BACKEND, fresh_database

HERE = Path(__file__).resolve().parent
REPORTS = ROOT / "test-artifacts"


def main() -> int:
    os.environ.setdefault("ENVIRONMENT", "development")
    REPORTS.mkdir(exist_ok=True)
    # The hooks run an SMTP server on this port and read the links the service emails.
    smtp_port = free_port()
    with fresh_database() as url:
        server = ServerProcess(
            url,
            {
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp_port),
                "SMTP_SECURITY": "none",
                # The fuzzer signs in and calls every operation thousands of times from one
                # address; the limits themselves are tested elsewhere.
                "AUTH_RATE_LIMIT": "1000000",
                "DEFAULT_RATE_LIMIT": "1000000",
                "REFRESH_RATE_LIMIT": "1000000",
                "REFRESH_ADDRESS_RATE_LIMIT": "1000000",
                "UPLOAD_RATE_LIMIT": "1000000",
                "UPLOAD_ADDRESS_RATE_LIMIT": "1000000",
                "EXPORT_RATE_LIMIT": "1000000",
                "EXPORT_ADDRESS_RATE_LIMIT": "1000000",
                "REPORT_RATE_LIMIT": "1000000",
                "REPORT_ADDRESS_RATE_LIMIT": "1000000",
                "JWT_SECRET": secrets.token_urlsafe(48),
                "LOG_LEVEL": "WARNING",
            },
            # The server as deployed, production password hashing included.
            cheap_password_hashing=False,
        )
        try:
            server.start()
            command = [
                str(Path(sys.executable).parent / "st"),
                "--config-file",
                str(HERE / "schemathesis.toml"),
                "run",
                str(ROOT / "openapi.json"),
                "--url",
                server.base,
                "--no-color",
                "--report",
                "junit",
                "--report-junit-path",
                str(REPORTS / f"schemathesis-{BACKEND}.xml"),
            ]
            env = {
                **os.environ,
                "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks",
                "FUZZ_BASE_URL": server.base,
                "FUZZ_SMTP_PORT": str(smtp_port),
                "PYTHONPATH": str(ROOT),
            }
            result = subprocess.run(command, env=env, cwd=ROOT, check=False)
            errors = [
                line
                for line in server.output().splitlines()
                if "Traceback" in line or "unhandled error" in line
            ]
            if errors:
                print("server logged errors:\n" + "\n".join(errors), file=sys.stderr)
                return 1
            return result.returncode
        finally:
            server.close()


if __name__ == "__main__":
    sys.exit(main())
