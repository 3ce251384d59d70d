"""Curated routines from `seed/routines.json`, upserted by slug after the catalog.

The whole file is checked against the catalog first (see app.routines.curation); one bad
routine stops the load with every problem listed, and nothing of the file is written.
"""

import json
import logging
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.exercises import service as exercises
from app.routines import service
from app.routines.curation import (
    CuratedRoutineError,
    CuratedRoutineSpec,
    check_curated,
)
from app.routines.models import Routine, curated_routine_id
from app.shared import sync

ROUTINES_FILE = Path(__file__).resolve().parent / "routines.json"
log = logging.getLogger("seed")


def read_routines() -> Any:
    return json.loads(ROUTINES_FILE.read_text(encoding="utf-8"))


def parse_specs(data: Any) -> list[CuratedRoutineSpec]:
    specs, problems = [], []
    for index, item in enumerate(data["routines"]):
        try:
            specs.append(CuratedRoutineSpec.model_validate(item))
        except ValidationError as exc:
            name = item.get("slug", f"routine #{index + 1}") if isinstance(item, dict) else index
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"])
                problems.append(f"{name}: {where}: {err['msg']}")
    if problems:
        raise CuratedRoutineError(problems)
    return specs


def load_routines(db: Session) -> dict[str, int]:
    specs = parse_specs(read_routines())
    # The catalog this transaction holds, just loaded: not a copy kept from before the load.
    catalog = exercises.build_catalog(db)
    check_curated(specs, catalog)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for order, spec in enumerate(specs):
        routine = db.exec(select(Routine).where(Routine.slug == spec.slug)).first()
        status = "unchanged"
        if routine is None:
            routine = Routine(id=curated_routine_id(spec.slug), slug=spec.slug, name=spec.name)
            db.add(routine)
            status = "created"
        values = {"name": spec.name, "description": spec.description, "sort_order": order}
        changed = False
        for key, value in values.items():
            if getattr(routine, key) != value:
                setattr(routine, key, value)
                changed = True
        changed |= service.replace_areas(db, routine, spec.areas)
        # check_curated has made sure every move exists.
        steps = service.resolve_steps(catalog, spec.steps, [dict(s.notes) for s in spec.steps])
        changed |= service.replace_steps(db, routine, steps)
        if status == "unchanged" and changed:
            status = "updated"
            routine.updated_at = utcnow()
        if changed or status == "created":
            # Syncing clients learn of it (app.shared.sync).
            routine.change_seq = sync.tick(db, sync.CURATED_SCOPE)
        counts[status] += 1
    db.flush()
    wanted = [s.slug for s in specs]
    stale = db.exec(
        select(Routine.slug).where(col(Routine.slug).is_not(None), col(Routine.slug).not_in(wanted))
    ).all()
    if stale:
        log.warning(
            "curated routines in the database but not in the seed file (kept): %s",
            ", ".join(s for s in stale if s),
        )
    return counts
