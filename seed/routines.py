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

from app.core import sync
from app.core.clock import utcnow
from app.exercises.models import Exercise
from app.routines import service
from app.routines.curation import (
    CatalogMove,
    CuratedRoutineError,
    CuratedRoutineSpec,
    check_curated,
)
from app.routines.models import Routine, curated_routine_id

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


def catalog_moves(session: Session) -> dict[str, CatalogMove]:
    moves = {}
    for e in session.exec(select(Exercise)).all():
        hold = None
        if e.hold_min_seconds is not None and e.hold_max_seconds is not None:
            hold = (e.hold_min_seconds, e.hold_max_seconds)
        reps = None
        if e.reps_min is not None and e.reps_max is not None:
            reps = (e.reps_min, e.reps_max)
        moves[e.slug] = CatalogMove(
            slug=e.slug,
            sort_order=e.sort_order,
            areas=frozenset(t.area for t in e.targets),
            hold_range=hold,
            reps_range=reps,
            per_side=e.per_side,
        )
    return moves


def load_routines(session: Session) -> dict[str, int]:
    specs = parse_specs(read_routines())
    check_curated(specs, catalog_moves(session))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for order, spec in enumerate(specs):
        routine = session.exec(select(Routine).where(Routine.slug == spec.slug)).first()
        status = "unchanged"
        if routine is None:
            routine = Routine(id=curated_routine_id(spec.slug), slug=spec.slug, name=spec.name)
            session.add(routine)
            status = "created"
        values = {"name": spec.name, "description": spec.description, "sort_order": order}
        changed = False
        for key, value in values.items():
            if getattr(routine, key) != value:
                setattr(routine, key, value)
                changed = True
        changed |= service.replace_areas(session, routine, spec.areas)
        # check_curated has made sure every move exists.
        steps = service.resolve_steps(session, spec.steps, [dict(s.notes) for s in spec.steps])
        changed |= service.replace_steps(session, routine, steps)
        if status == "unchanged" and changed:
            status = "updated"
            routine.updated_at = utcnow()
        if changed or status == "created":
            # Syncing clients learn of it (app.core.sync).
            routine.change_seq = sync.tick(session, sync.CURATED_SCOPE)
        counts[status] += 1
    session.flush()
    wanted = [s.slug for s in specs]
    stale = session.exec(
        select(Routine.slug).where(col(Routine.slug).is_not(None), col(Routine.slug).not_in(wanted))
    ).all()
    if stale:
        log.warning(
            "curated routines in the database but not in the seed file (kept): %s",
            ", ".join(s for s in stale if s),
        )
    return counts
