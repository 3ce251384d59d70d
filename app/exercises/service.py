from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.care import service as care_service
from app.core.enums import Area, ExerciseKind, Position, Relevance
from app.core.pagination import fetch_page
from app.exercises.errors import ExerciseNotFound, UnknownExercise
from app.exercises.models import Exercise, ExerciseTarget
from app.exercises.schemas import (
    AreaList,
    AreaMove,
    AreaProvenance,
    AreaPublic,
    Basis,
    Dose,
    DoseProvenance,
    ExerciseList,
    ExerciseProvenance,
    ExercisePublic,
    Provenance,
    RepsRange,
    SecondsRange,
    Source,
    TargetArea,
)

# The article does not describe the parts of the back; these descriptions are added so people
# can tell which part to choose, and say so in their provenance.
AREA_TEXT: dict[Area, tuple[str, str]] = {
    Area.UPPER: (
        "Upper back",
        "From the base of the neck to the bottom of the shoulder blades, including pain that "
        "spreads into the shoulders.",
    ),
    Area.MID: (
        "Mid back",
        "From below the shoulder blades to the bottom of the rib cage.",
    ),
    Area.LOWER: (
        "Lower back",
        "From below the ribs to the top of the buttocks.",
    ),
}
AREA_DESCRIPTION_PROVENANCE = Provenance(
    basis=Basis.INFERRED,
    quote=None,
    reason="The article names the upper, mid and lower back without describing where each "
    "is; this is the usual anatomical description, added to help people choose.",
)
RELEVANCE_RANK: dict[Relevance, int] = {Relevance.PRIMARY: 0, Relevance.SECONDARY: 1}


def _provenance(exercise: Exercise, key: str) -> Provenance | None:
    value = exercise.provenance.get(key)
    return None if value is None else Provenance.model_validate(value)


def dose_of(exercise: Exercise) -> Dose:
    hold = None
    if exercise.hold_min_seconds is not None and exercise.hold_max_seconds is not None:
        hold = SecondsRange(min=exercise.hold_min_seconds, max=exercise.hold_max_seconds)
    reps = None
    if exercise.reps_min is not None and exercise.reps_max is not None:
        reps = RepsRange(min=exercise.reps_min, max=exercise.reps_max)
    per_side = _provenance(exercise, "per_side")
    if per_side is None:
        raise ValueError(f"{exercise.slug} has no provenance for per_side; reload the seed")
    return Dose(
        hold_seconds=hold,
        reps=reps,
        per_side=exercise.per_side,
        provenance=DoseProvenance(
            hold_seconds=_provenance(exercise, "hold_seconds") if hold else None,
            reps=_provenance(exercise, "reps") if reps else None,
            per_side=per_side,
        ),
    )


def to_public(exercise: Exercise, disclaimer: str) -> ExercisePublic:
    position = _provenance(exercise, "position")
    if position is None:
        raise ValueError(f"{exercise.slug} has no provenance for position; reload the seed")
    return ExercisePublic(
        slug=exercise.slug,
        name=exercise.name,
        aliases=list(exercise.aliases),
        kind=ExerciseKind(exercise.kind),
        position=Position(exercise.position),
        summary=exercise.summary,
        steps=list(exercise.steps),
        dose=dose_of(exercise),
        helps_with=exercise.benefit,
        cautions=list(exercise.cautions),
        target_areas=[
            TargetArea(
                area=Area(t.area),
                relevance=Relevance(t.relevance),
                reason=t.reason,
                basis=Basis(t.basis),
                quote=t.quote,
            )
            for t in exercise.targets
        ],
        provenance=ExerciseProvenance(position=position),
        source=Source(
            title=exercise.source_title,
            section=exercise.source_section,
            heading=exercise.source_heading,
        ),
        disclaimer=disclaimer,
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_exercises(
    session: Session,
    *,
    area: Area | None = None,
    kind: ExerciseKind | None = None,
    position: Position | None = None,
    q: str | None = None,
    limit: int,
    offset: int,
) -> ExerciseList:
    query = select(Exercise)
    if area is not None:
        query = query.where(
            col(Exercise.id).in_(
                select(ExerciseTarget.exercise_id).where(ExerciseTarget.area == area.value)
            )
        )
    if kind is not None:
        query = query.where(Exercise.kind == kind.value)
    if position is not None:
        query = query.where(Exercise.position == position.value)
    if q:
        for word in q.lower().split():
            query = query.where(
                col(Exercise.search_text).like(f"%{_escape_like(word)}%", escape="\\")
            )
    rows, total = fetch_page(
        session, query, col(Exercise.sort_order), col(Exercise.id), limit=limit, offset=offset
    )
    disclaimer = care_service.get_disclaimer(session)
    return ExerciseList(data=[to_public(r, disclaimer) for r in rows], count=total)


def get_exercise(session: Session, slug: str) -> Exercise:
    exercise = session.exec(select(Exercise).where(Exercise.slug == slug)).first()
    if exercise is None:
        raise ExerciseNotFound(slug)
    return exercise


@dataclass(frozen=True)
class Found:
    """A move asked for by slug: the move itself, or the slug it is known by when asked for by
    one of its other names."""

    exercise: Exercise
    by_alias: bool


def find_exercise(session: Session, name: str) -> Found:
    """The move with this slug, or else the move that has it as an alias (the article's own
    other names, such as `hairballs`)."""
    exercise = session.exec(select(Exercise).where(Exercise.slug == name)).first()
    if exercise is not None:
        return Found(exercise, by_alias=False)
    wanted = name.lower()
    # A handful of rows; aliases live in a JSON list, which no engine-neutral index covers.
    for candidate in session.exec(select(Exercise).order_by(col(Exercise.sort_order))).all():
        if wanted in (alias.lower() for alias in candidate.aliases):
            return Found(candidate, by_alias=True)
    raise ExerciseNotFound(name)


def exercise_detail(session: Session, exercise: Exercise) -> ExercisePublic:
    return to_public(exercise, care_service.get_disclaimer(session))


def list_areas(session: Session) -> AreaList:
    rows = session.exec(
        select(ExerciseTarget, Exercise)
        .join(Exercise, col(Exercise.id) == ExerciseTarget.exercise_id)
        .order_by(col(Exercise.sort_order), col(Exercise.id))
    ).all()
    moves: dict[str, list[AreaMove]] = {a.value: [] for a in Area}
    for target, exercise in rows:
        moves.setdefault(target.area, []).append(
            AreaMove(
                slug=exercise.slug,
                name=exercise.name,
                relevance=Relevance(target.relevance),
                reason=target.reason,
                basis=Basis(target.basis),
                quote=target.quote,
            )
        )
    data = [
        AreaPublic(
            area=a,
            name=AREA_TEXT[a][0],
            description=AREA_TEXT[a][1],
            provenance=AreaProvenance(description=AREA_DESCRIPTION_PROVENANCE),
            exercise_slugs=[m.slug for m in moves[a.value]],
            # Stable sort: article order within each relevance.
            exercises=sorted(moves[a.value], key=lambda m: RELEVANCE_RANK[m.relevance]),
        )
        for a in Area
    ]
    return AreaList(data=data, count=len(data))


def moves_for(session: Session, slugs: Sequence[str], field: str) -> list[Exercise]:
    """The catalog move for each slug, in the same order, in one query. An unknown slug is a
    422 naming `body.<field>.<index>.exercise_slug`."""
    rows = session.exec(select(Exercise).where(col(Exercise.slug).in_(set(slugs)))).all()
    by_slug = {move.slug: move for move in rows}
    moves = []
    for index, slug in enumerate(slugs):
        move = by_slug.get(slug)
        if move is None:
            raise UnknownExercise(slug, ["body", field, index, "exercise_slug"])
        moves.append(move)
    return moves
