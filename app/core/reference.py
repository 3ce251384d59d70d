"""Reference data kept beside the code in `seed/`: the sources the safety rules cite and the
care routes per region. Unlike the catalog, it is not loaded into the database: the rules
that cite it ship in the same release, so the two can never disagree. Read once per process
and validated by the domain that owns it."""

import json
from pathlib import Path
from typing import Any

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"


def read_reference(name: str) -> Any:
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))
