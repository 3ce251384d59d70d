from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from app.exercises.catalog import Catalog, CatalogMove
from app.exercises.errors import ArticleNotLoaded, ExerciseNotFound
from app.exercises.models import Exercise, SourceArticle
from app.exercises.schemas import (
    AreaList,
    AreaMove,
    AreaProvenance,
    AreaPublic,
    AreaTranslation,
    Basis,
    Dose,
    DoseProvenance,
    ExerciseList,
    ExerciseProvenance,
    ExercisePublic,
    MoveTranslation,
    Provenance,
    RepsRange,
    SecondsRange,
    Source,
    TargetArea,
)
from app.i18n import DEFAULT_LANGUAGE, current_language
from app.i18n.catalog import translate, weakest
from app.i18n.schemas import TranslatedText
from app.media import service as media_service
from app.shared.content import CONTENT, PerVersion
from app.shared.enums import Area, ExerciseKind, Position, Relevance

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


def get_article(db: Session) -> SourceArticle:
    article = db.exec(select(SourceArticle).order_by(col(SourceArticle.id))).first()
    if article is None:
        raise ArticleNotLoaded()
    return article


def get_disclaimer(db: Session) -> str:
    """The article's disclaimer, in its own words."""
    return get_article(db).disclaimer_quote


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
    summary = _provenance(exercise, "summary")
    if position is None or summary is None:
        raise ValueError(f"{exercise.slug} has no provenance for its position or summary; reload")
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
        provenance=ExerciseProvenance(position=position, summary=summary),
        source=Source(
            title=exercise.source_title,
            section=exercise.source_section,
            heading=exercise.source_heading,
        ),
        disclaimer=disclaimer,
        media=media_service.exercise_media(exercise.slug, exercise.steps),
    )


def _rows(db: Session) -> Sequence[Exercise]:
    return db.exec(
        select(Exercise)
        .options(selectinload(Exercise.targets))  # type: ignore[arg-type]
        .order_by(col(Exercise.sort_order), col(Exercise.id))
    ).all()


def to_move(row: Exercise) -> CatalogMove:
    assert row.id is not None
    return CatalogMove(
        id=row.id,
        slug=row.slug,
        name=row.name,
        sort_order=row.sort_order,
        kind=ExerciseKind(row.kind),
        position=Position(row.position),
        benefit=row.benefit,
        steps=tuple(row.steps),
        dose=dose_of(row),
        targets={Area(t.area): Relevance(t.relevance) for t in row.targets},
        aliases=frozenset(alias.lower() for alias in row.aliases),
        search_text=row.search_text,
    )


def build_catalog(db: Session) -> Catalog:
    """The catalog as the database holds it now (the seed loader checks its routines against
    this); `catalog` keeps one per content version."""
    return Catalog(tuple(to_move(row) for row in _rows(db)))


# The seed is the only thing that changes it (app.shared.content).
CATALOG = PerVersion(build_catalog)


def catalog(db: Session) -> Catalog:
    """The catalog: every move, to look one up by slug, other name or id."""
    return CATALOG.get(db)


def moves_for(db: Session, slugs: Sequence[str], field: str) -> list[CatalogMove]:
    """The catalog move for each slug, in the same order. An unknown slug is a 422 naming
    `body.<field>.<index>.exercise_slug`."""
    return catalog(db).moves_for(slugs, field)


def moves_by_id(db: Session, ids: Iterable[int]) -> Mapping[int, CatalogMove]:
    """The catalog's moves by id, holding every id in `ids` (the moves stored rows name)."""
    held = catalog(db)
    if not set(ids) <= held.by_id.keys():
        # A row names a move from a reseed this process has not noticed yet: look again.
        CONTENT.forget()
        held = catalog(db)
    return held.by_id


@dataclass(frozen=True)
class Published:
    """The catalog's answers, with the article's disclaimer: each move's public form by slug,
    and the areas, beside the catalog they were made from."""

    catalog: Catalog
    moves: Mapping[str, ExercisePublic]
    areas: AreaList


def _publish(db: Session) -> Published:
    rows = _rows(db)
    disclaimer = get_disclaimer(db)
    return Published(
        Catalog(tuple(to_move(row) for row in rows)),
        {row.slug: to_public(row, disclaimer) for row in rows},
        _areas(rows),
    )


PUBLISHED = PerVersion(_publish)


def translated_text(text: str | None, language: str) -> TranslatedText | None:
    """`text` in `language` with its status, beside the English; None when it has no entry."""
    if text is None or language == DEFAULT_LANGUAGE:
        return None
    translated = translate(text, language)
    return TranslatedText.of_text(translated) if translated.language == language else None


def localized(move: ExercisePublic) -> ExercisePublic:
    """The move with its words and its quotes translated into the request's language beside
    the article's; the move itself when the answer is in English."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return move
    texts = (move.name, move.summary, move.helps_with, *move.steps, *move.cautions)
    parts = [translate(text, language) for text in texts]
    translation = None
    if all(part.language == language for part in parts):
        weakest_part = weakest(*parts)
        assert weakest_part is not None
        steps_end = 3 + len(move.steps)
        translation = MoveTranslation(
            language=language,
            status=weakest_part.status,
            name=parts[0].text,
            summary=parts[1].text,
            helps_with=parts[2].text,
            steps=[part.text for part in parts[3:steps_end]],
            cautions=[part.text for part in parts[steps_end:]],
        )
    targets = [
        t.model_copy(
            update={
                "quote_translated": translated_text(t.quote, language),
                "reason_translated": translated_text(t.reason, language),
            }
        )
        for t in move.target_areas
    ]
    return move.model_copy(update={"translation": translation, "target_areas": targets})


def localized_areas(areas: AreaList) -> AreaList:
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return areas
    data = [
        area.model_copy(
            update={
                "translation": _area_translation(area, language),
                "exercises": [
                    m.model_copy(
                        update={
                            "name_translated": translated_text(m.name, language),
                            "quote_translated": translated_text(m.quote, language),
                            "reason_translated": translated_text(m.reason, language),
                        }
                    )
                    for m in area.exercises
                ],
            }
        )
        for area in areas.data
    ]
    return areas.model_copy(update={"data": data})


def _area_translation(area: AreaPublic, language: str) -> AreaTranslation | None:
    name, description = translate(area.name, language), translate(area.description, language)
    if name.language != language or description.language != language:
        return None
    weakest_part = weakest(name, description)
    assert weakest_part is not None
    return AreaTranslation(
        language=language, status=weakest_part.status, name=name.text, description=description.text
    )


def list_exercises(
    db: Session,
    *,
    area: Area | None = None,
    kind: ExerciseKind | None = None,
    position: Position | None = None,
    q: str | None = None,
    limit: int,
    offset: int,
) -> ExerciseList:
    published = PUBLISHED.get(db)
    words = q.lower().split() if q else []
    matching = [
        move
        for move in published.catalog.moves
        if (area is None or area in move.areas)
        and (kind is None or move.kind == kind)
        and (position is None or move.position == position)
        and all(word in move.search_text for word in words)
    ]
    return ExerciseList(
        data=[localized(published.moves[move.slug]) for move in matching[offset : offset + limit]],
        count=len(matching),
    )


@dataclass(frozen=True)
class Found:
    """A move asked for by slug: the move itself, or the slug it is known by when asked for by
    one of its other names."""

    move: ExercisePublic
    by_alias: bool


def find_exercise(db: Session, name: str) -> Found:
    """The move with this slug, or else the move that has it as an alias (the article's own
    other names, such as `hairballs`)."""
    published = PUBLISHED.get(db)
    found = published.catalog.find(name)
    if found is None:
        raise ExerciseNotFound(name)
    move, by_alias = found
    return Found(localized(published.moves[move.slug]), by_alias=by_alias)


def list_areas(db: Session) -> AreaList:
    return localized_areas(PUBLISHED.get(db).areas)


def _areas(rows: Sequence[Exercise]) -> AreaList:
    """The three parts of the back, each with the moves that target it, best match first."""
    moves: dict[str, list[AreaMove]] = {a.value: [] for a in Area}
    for exercise, target in ((e, t) for e in rows for t in e.targets):
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
