"""`python -m bench.serve_reference`: the reference app served by the service's own serving
code, `app.serve`, with every option it gives the server (workers, logging, headers, graceful
shutdown) and only the app swapped, so that the floor moves with any change of server."""

import sys
from typing import Any

import uvicorn

from app import serve

REFERENCE_APP = "bench.reference:app"


def main() -> int:
    real_run = uvicorn.run
    served: list[object] = []

    def run_reference(app: object, **options: Any) -> None:
        served.append(app)
        real_run(REFERENCE_APP, **options)

    uvicorn.run = run_reference
    try:
        code = serve.main()
    finally:
        uvicorn.run = real_run
    if not served:
        print(
            "app.serve no longer serves through uvicorn.run: teach bench/serve_reference.py "
            "its new server, so that the reference app runs on it too",
            file=sys.stderr,
        )
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
