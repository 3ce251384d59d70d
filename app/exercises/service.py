from sqlmodel import Session, col, select

from app.core.enums import Area, ExerciseKind, Position, Relevance
from app.core.pagination import fetch_page
from app.exercises.errors import ExerciseNotFound
from app.exercises.models import Exercise, ExerciseTarget
from app.exercises.schemas import (
    AreaPublic,
    Dose,
    ExercisePublic,
    RepsRange,
    SecondsRange,
    Source,
    TargetArea,
)

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


def to_public(exercise: Exercise) -> ExercisePublic:
    hold = None
    if exercise.hold_min_seconds is not None and exercise.hold_max_seconds is not None:
        hold = SecondsRange(min=exercise.hold_min_seconds, max=exercise.hold_max_seconds)
    reps = None
    if exercise.reps_min is not None and exercise.reps_max is not None:
        reps = RepsRange(min=exercise.reps_min, max=exercise.reps_max)
    return ExercisePublic(
        slug=exercise.slug,
        name=exercise.name,
        aliases=list(exercise.aliases),
        kind=ExerciseKind(exercise.kind),
        position=Position(exercise.position),
        summary=exercise.summary,
        steps=list(exercise.steps),
        dose=Dose(hold_seconds=hold, reps=reps, per_side=exercise.per_side),
        helps_with=exercise.benefit,
        cautions=list(exercise.cautions),
        target_areas=[
            TargetArea(area=Area(t.area), relevance=Relevance(t.relevance), reason=t.reason)
            for t in exercise.targets
        ],
        source=Source(
            title=exercise.source_title,
            section=exercise.source_section,
            heading=exercise.source_heading,
        ),
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
) -> tuple[list[ExercisePublic], int]:
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
    return [to_public(r) for r in rows], total


def get_exercise(session: Session, slug: str) -> Exercise:
    exercise = session.exec(select(Exercise).where(Exercise.slug == slug)).first()
    if exercise is None:
        raise ExerciseNotFound(slug)
    return exercise


def list_areas(session: Session) -> list[AreaPublic]:
    rows = session.exec(
        select(ExerciseTarget.area, Exercise.slug)
        .join(Exercise, col(Exercise.id) == ExerciseTarget.exercise_id)
        .order_by(col(Exercise.sort_order))
    ).all()
    slugs: dict[str, list[str]] = {a.value: [] for a in Area}
    for area, slug in rows:
        slugs.setdefault(area, []).append(slug)
    return [
        AreaPublic(
            area=a, name=AREA_TEXT[a][0], description=AREA_TEXT[a][1], exercise_slugs=slugs[a.value]
        )
        for a in Area
    ]
