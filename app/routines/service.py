import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, or_
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.pagination import SortKey, count, fetch_keyset
from app.exercises import service as exercises
from app.exercises.catalog import Catalog, CatalogMove
from app.exercises.duration import dose_seconds, total_seconds
from app.exercises.models import AREA_ORDER
from app.i18n import current_language
from app.media import service as media_service
from app.routines.errors import CuratedRoutineReadOnly, RoutineNotFound
from app.routines.models import Routine, RoutineArea, RoutineStep, RoutineTombstone
from app.routines.provenance import step_provenance
from app.routines.schemas import (
    RoutineCreate,
    RoutineList,
    RoutinePublic,
    RoutineStepIn,
    RoutineStepPublic,
    RoutineUpdate,
)
from app.safety import service as safety
from app.shared import sync
from app.shared.content import PerVersion
from app.shared.enums import Area
from app.shared.sync import SyncToken, Tombstone


def _step_public(routine: Routine, step: RoutineStep, move: CatalogMove) -> RoutineStepPublic:
    provenance = None
    if routine.curated:
        provenance = step_provenance(
            sets=step.sets,
            reps=step.reps,
            hold_seconds=step.hold_seconds,
            per_side=step.per_side,
            move=move.dose,
            notes=step.notes or {},
        )
    return RoutineStepPublic(
        order=step.position,
        position=step.position,
        exercise_slug=move.slug,
        exercise_name=move.name,
        exercise_name_translated=exercises.translated_text(move.name, current_language()),
        sets=step.sets,
        reps=step.reps,
        hold_seconds=step.hold_seconds,
        per_side=step.per_side,
        estimated_seconds=dose_seconds(step),
        estimated_duration_seconds=dose_seconds(step),
        provenance=provenance,
        media=media_service.move_media(move.slug, move.steps),
    )


def to_public(routine: Routine, disclaimer: str, moves: Mapping[int, CatalogMove]) -> RoutinePublic:
    """The routine, each step's move named from the catalog (`moves`, by id)."""
    return RoutinePublic(
        safety=None,
        id=routine.id,
        slug=routine.slug,
        curated=routine.curated,
        name=routine.name,
        description=routine.description,
        areas=[Area(a.area) for a in routine.areas],
        steps=[_step_public(routine, step, moves[step.exercise_id]) for step in routine.steps],
        estimated_seconds=total_seconds(routine.steps),
        estimated_duration_seconds=total_seconds(routine.steps),
        created_at=routine.created_at,
        updated_at=routine.updated_at,
        disclaimer=disclaimer,
    )


def moves_of(db: Session, routines: Sequence[Routine]) -> Mapping[int, CatalogMove]:
    """The catalog's moves by id, holding every move these routines' steps name."""
    return exercises.moves_by_id(db, {s.exercise_id for r in routines for s in r.steps})


def routine_detail(
    db: Session,
    routine: Routine,
    user_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> RoutinePublic:
    """The routine, led by the safety state of a signed-in caller."""
    public = to_public(routine, exercises.get_disclaimer(db), moves_of(db, [routine]))
    if user_id is None:
        return public
    return public.model_copy(update={"safety": safety.safety_state(db, user_id, now or utcnow())})


def visible_to(user_id: uuid.UUID | None) -> ColumnElement[bool]:
    """Curated routines, plus the user's own when there is a user."""
    curated = col(Routine.owner_id).is_(None)
    if user_id is None:
        return curated
    return or_(curated, col(Routine.owner_id) == user_id)


def _is_own() -> ColumnElement[int]:
    return case((col(Routine.owner_id).is_(None), 0), else_=1)


LIST_ORDER = (
    SortKey(_is_own()),
    SortKey(col(Routine.sort_order)),
    SortKey(col(Routine.created_at)),
    SortKey(col(Routine.id)),
)
CHANGE_ORDER = (SortKey(_is_own()), SortKey(col(Routine.change_seq)), SortKey(col(Routine.id)))
TOMBSTONE_ORDER = (
    SortKey(case((col(RoutineTombstone.owner_id).is_(None), 0), else_=1)),
    SortKey(col(RoutineTombstone.change_seq)),
    SortKey(col(RoutineTombstone.id)),
)


def _list_key(r: Routine) -> tuple[Any, ...]:
    return (0 if r.owner_id is None else 1, r.sort_order, r.created_at, r.id)


def _change_key(item: Routine | RoutineTombstone) -> tuple[Any, ...]:
    return (0 if item.owner_id is None else 1, item.change_seq, item.id)


def _marks(db: Session, user_id: uuid.UUID | None) -> dict[str, int]:
    # Read before any row: see app.shared.sync.
    marks = {"curated": sync.current(db, sync.CURATED_SCOPE)}
    if user_id is not None:
        marks["own"] = sync.current(db, sync.user_scope(user_id))
    return marks


def _changed(owner: Any, seq: Any, user_id: uuid.UUID | None, since: SyncToken) -> Any:
    curated = and_(owner.is_(None), seq > since.marks.get("curated", 0))
    if user_id is None:
        return curated
    return or_(curated, and_(owner == user_id, seq > since.marks.get("own", 0)))


@dataclass(frozen=True)
class CuratedEntry:
    """A curated routine as listed, with its sort key and areas for filtering."""

    key: tuple[Any, ...]
    areas: frozenset[str]
    public: RoutinePublic


def _curated(db: Session) -> list[CuratedEntry]:
    rows = db.exec(
        select(Routine)
        .where(col(Routine.owner_id).is_(None))
        .order_by(*(part.clause() for part in LIST_ORDER))
    ).all()
    disclaimer = exercises.get_disclaimer(db)
    moves = moves_of(db, rows)
    return [
        CuratedEntry(
            _list_key(r), frozenset(a.area for a in r.areas), to_public(r, disclaimer, moves)
        )
        for r in rows
    ]


# Curated routines change only when the seed content does (app.shared.content).
CURATED = PerVersion(_curated)


def localized(routine: RoutinePublic) -> RoutinePublic:
    """A routine built in another request, its moves' names in this request's language."""
    language = current_language()
    steps = [
        step.model_copy(
            update={
                "exercise_name_translated": exercises.translated_text(step.exercise_name, language)
            }
        )
        for step in routine.steps
    ]
    return routine.model_copy(update={"steps": steps})


def list_routines(
    db: Session,
    *,
    user_id: uuid.UUID | None,
    area: Area | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
    changed_since: str | None = None,
    now: datetime | None = None,
) -> RoutineList:
    """A listing (curated first in their fixed order, then the caller's own, oldest first) or,
    with `changed_since`, what changed since then, in change order, with tombstones."""
    now = now or utcnow()
    if changed_since is not None and area is not None:
        raise sync.filters_refused(["query", "area"])
    walk = sync.begin_walk(
        cursor=cursor,
        changed_since=changed_since,
        width=len(CHANGE_ORDER if changed_since else LIST_ORDER),
        user_id=user_id,
        now=now,
        marks=lambda: _marks(db, user_id),
    )
    if user_id is None and walk.since is None and walk.start is None:
        # Anonymous first pages: curated routines only, from this process's snapshot.
        entries = [e for e in CURATED.get(db) if area is None or area.value in e.areas]
        shown = entries[offset : offset + limit]
        more = len(entries) > offset + limit
        return RoutineList(
            safety=None,
            data=[localized(e.public) for e in shown],
            deleted=[],
            count=len(entries),
            next_cursor=walk.next_cursor(shown[-1].key if shown and more else None),
            sync_token=walk.token,
        )
    deleted: list[Tombstone] = []
    if walk.since is None:
        query = select(Routine).where(visible_to(user_id))
        if area is not None:
            query = query.where(
                col(Routine.id).in_(
                    select(RoutineArea.routine_id).where(RoutineArea.area == area.value)
                )
            )
        rows, next_key = fetch_keyset(
            db, query, LIST_ORDER, _list_key, start=walk.start, limit=limit, offset=offset
        )
        total = count(db, query)
    else:
        changes = sync.read_changes(
            db,
            walk,
            Routine,
            live=select(Routine).where(
                _changed(col(Routine.owner_id), col(Routine.change_seq), user_id, walk.since)
            ),
            live_order=CHANGE_ORDER,
            gone=select(RoutineTombstone).where(
                _changed(
                    col(RoutineTombstone.owner_id),
                    col(RoutineTombstone.change_seq),
                    user_id,
                    walk.since,
                )
            ),
            gone_order=TOMBSTONE_ORDER,
            key=_change_key,
            limit=limit,
            offset=offset,
        )
        rows, deleted, total, next_key = (
            changes.rows,
            changes.deleted,
            changes.count,
            changes.next_key,
        )
    disclaimer = exercises.get_disclaimer(db)
    moves = moves_of(db, rows)
    return RoutineList(
        safety=None if user_id is None else safety.safety_state(db, user_id, now),
        data=[to_public(r, disclaimer, moves) for r in rows],
        deleted=deleted,
        count=total,
        next_cursor=walk.next_cursor(next_key),
        sync_token=walk.token,
    )


def list_owned_routines(db: Session, user_id: uuid.UUID) -> list[RoutinePublic]:
    """Every routine the user created, oldest first (curated ones are not theirs)."""
    rows = db.exec(
        select(Routine)
        .where(Routine.owner_id == user_id)
        .order_by(col(Routine.created_at), col(Routine.id))
    ).all()
    disclaimer = exercises.get_disclaimer(db)
    moves = moves_of(db, rows)
    return [to_public(r, disclaimer, moves) for r in rows]


def get_visible_routine(db: Session, routine_id: uuid.UUID, user_id: uuid.UUID | None) -> Routine:
    routine = db.exec(select(Routine).where(Routine.id == routine_id, visible_to(user_id))).first()
    if routine is None:
        raise RoutineNotFound(routine_id)
    return routine


def get_curated_routine(db: Session, slug: str) -> Routine:
    routine = db.exec(
        select(Routine).where(Routine.slug == slug, col(Routine.owner_id).is_(None))
    ).first()
    if routine is None:
        raise RoutineNotFound(slug=slug)
    return routine


def is_visible(db: Session, routine_id: uuid.UUID, user_id: uuid.UUID | None) -> bool:
    found = db.exec(select(Routine.id).where(Routine.id == routine_id, visible_to(user_id))).first()
    return found is not None


def ensure_owned(routine: Routine, user_id: uuid.UUID) -> Routine:
    """`routine` is already known to be visible to the user: curated or theirs."""
    if routine.owner_id is None:
        raise CuratedRoutineReadOnly()
    if routine.owner_id != user_id:
        raise RoutineNotFound(routine.id)
    return routine


@dataclass(frozen=True)
class ResolvedStep:
    """A requested step whose move was found in the catalog; `notes` explain a curated step's
    values that the article does not give."""

    step: RoutineStepIn
    move: CatalogMove
    notes: dict[str, str] | None = None


def resolve_steps(
    catalog: Catalog,
    steps: Sequence[RoutineStepIn],
    notes: Sequence[dict[str, str] | None] | None = None,
) -> list[ResolvedStep]:
    """Find each step's move in the catalog; an unknown one is a 422 naming that step."""
    moves = catalog.moves_for([s.exercise_slug for s in steps], "steps")
    return [
        ResolvedStep(step, move, notes[index] if notes else None)
        for index, (step, move) in enumerate(zip(steps, moves, strict=True))
    ]


def _step_row(routine: Routine, position: int, resolved: ResolvedStep) -> RoutineStep:
    step, move = resolved.step, resolved.move
    return RoutineStep(
        routine_id=routine.id,
        position=position,
        exercise_id=move.id,
        sets=step.sets,
        reps=step.reps,
        hold_seconds=step.hold_seconds,
        per_side=move.dose.per_side if step.per_side is None else step.per_side,
        notes=resolved.notes or None,
    )


def replace_areas(db: Session, routine: Routine, areas: Sequence[Area]) -> bool:
    wanted = [a.value for a in areas]
    if [a.area for a in routine.areas] == wanted:
        return False
    routine.areas.clear()
    # Flush the removals first: the new rows reuse the same primary keys.
    db.flush()
    routine.areas.extend(
        RoutineArea(routine_id=routine.id, area=a, area_order=AREA_ORDER[a]) for a in wanted
    )
    return True


def _step_key(step: RoutineStep) -> tuple[object, ...]:
    return (
        step.position,
        step.exercise_id,
        step.sets,
        step.reps,
        step.hold_seconds,
        step.per_side,
        step.notes or None,
    )


def replace_steps(db: Session, routine: Routine, steps: Sequence[ResolvedStep]) -> bool:
    rows = [_step_row(routine, i, step) for i, step in enumerate(steps, start=1)]
    if [_step_key(s) for s in routine.steps] == [_step_key(s) for s in rows]:
        return False
    routine.steps.clear()
    db.flush()
    routine.steps.extend(rows)
    return True


def create_routine(
    db: Session, user_id: uuid.UUID, payload: RoutineCreate, now: datetime | None = None
) -> RoutinePublic:
    steps = resolve_steps(exercises.catalog(db), payload.steps)
    routine = Routine(
        owner_id=user_id,
        name=payload.name,
        description=payload.description,
        change_seq=sync.tick(db, sync.user_scope(user_id)),
    )
    db.add(routine)
    replace_areas(db, routine, payload.areas)
    replace_steps(db, routine, steps)
    db.flush()
    return routine_detail(db, routine, user_id, now)


def update_routine(
    db: Session, routine: Routine, payload: RoutineUpdate, now: datetime | None = None
) -> RoutinePublic:
    changes = payload.model_dump(exclude_unset=True, include={"name", "description"})
    changed = False
    for field, value in changes.items():
        if getattr(routine, field) != value:
            setattr(routine, field, value)
            changed = True
    if payload.areas is not None:
        changed |= replace_areas(db, routine, payload.areas)
    if payload.steps is not None:
        steps = resolve_steps(exercises.catalog(db), payload.steps)
        changed |= replace_steps(db, routine, steps)
    if changed:
        routine.updated_at = utcnow()
        routine.change_seq = sync.tick(db, change_scope(routine))
    db.flush()
    return routine_detail(db, routine, routine.owner_id, now)


def change_scope(routine: Routine) -> str:
    """The clock a routine's changes are numbered on."""
    if routine.owner_id is None:
        return sync.CURATED_SCOPE
    return sync.user_scope(routine.owner_id)


# What a domain above routines changes when a routine is deleted (sessions logged with it
# lose the link). The app factory hands these over, so routines need not know those domains.
RoutineDeleted = Callable[[Session, uuid.UUID], None]


def delete_routine(db: Session, routine: Routine, on_deleted: Sequence[RoutineDeleted]) -> None:
    """Delete it, after each of `on_deleted` let go of it, and leave a tombstone for syncing
    clients (older ones are purged)."""
    now = utcnow()
    for let_go in on_deleted:
        let_go(db, routine.id)
    db.add(
        RoutineTombstone(
            id=routine.id,
            owner_id=routine.owner_id,
            deleted_at=now,
            change_seq=sync.tick(db, change_scope(routine)),
        )
    )
    db.execute(
        delete(RoutineTombstone).where(
            col(RoutineTombstone.owner_id) == routine.owner_id,
            col(RoutineTombstone.deleted_at) < now - sync.TOMBSTONE_RETENTION,
        )
    )
    db.delete(routine)
    db.flush()
