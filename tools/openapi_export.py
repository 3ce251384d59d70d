"""`python -m tools.openapi_export`: write the served OpenAPI document to ./openapi.json."""

import json
import os
import sys
from pathlib import Path

# Rendering the contract serves nobody, so it needs no production signing key.
os.environ.setdefault("ENVIRONMENT", "development")

from app.main import app

OPENAPI_PATH = Path(__file__).resolve().parents[1] / "openapi.json"


def render() -> str:
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main() -> int:
    check = "--check" in sys.argv
    text = render()
    if check:
        if OPENAPI_PATH.read_text(encoding="utf-8") != text:
            print("openapi.json is out of date: run `python -m tools.openapi_export`")
            return 1
        return 0
    OPENAPI_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {OPENAPI_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
