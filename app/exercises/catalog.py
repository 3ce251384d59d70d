"""The catalog in memory: every move in article order, looked up by slug, by one of its other
names or by id. `app.exercises.service.catalog` builds it once per content version; every
domain that needs a move (a logged session, a routine's step, a recommendation, the catalog's
own answers) looks it up here. Plain data, no I/O."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from app.exercises.errors import UnknownExercise
from app.exercises.schemas import Dose
from app.shared.enums import Area, ExerciseKind, Position, Relevance


@dataclass(frozen=True)
class CatalogMove:
    """One move of the catalog, as the other domains read it (the table is
    `app.exercises.models.Exercise`, the answer `app.exercises.schemas.ExercisePublic`)."""

    id: int
    slug: str
    name: str
    # Article order.
    sort_order: int
    kind: ExerciseKind
    position: Position
    benefit: str
    steps: tuple[str, ...]
    dose: Dose
    # The parts of the back it helps, in anatomical order, and how directly.
    targets: Mapping[Area, Relevance]
    # The article's other names for it, lower-cased.
    aliases: frozenset[str] = frozenset()
    # Lower-cased name, aliases and steps, for the catalog's `q`.
    search_text: str = ""

    @property
    def areas(self) -> frozenset[Area]:
        return frozenset(self.targets)


@dataclass(frozen=True)
class Catalog:
    """Every move, in article order."""

    moves: tuple[CatalogMove, ...]

    @cached_property
    def by_slug(self) -> Mapping[str, CatalogMove]:
        return {move.slug: move for move in self.moves}

    @cached_property
    def by_id(self) -> Mapping[int, CatalogMove]:
        return {move.id: move for move in self.moves}

    def find(self, name: str) -> tuple[CatalogMove, bool] | None:
        """The move with this slug, or else the one with it as another name (the article's
        own, such as `hairballs`), and whether it was found by that other name."""
        move = self.by_slug.get(name)
        if move is not None:
            return move, False
        wanted = name.lower()
        for candidate in self.moves:
            if wanted in candidate.aliases:
                return candidate, True
        return None

    def moves_for(self, slugs: Sequence[str], field: str) -> list[CatalogMove]:
        """The move for each slug, in the same order. An unknown slug is a 422 naming
        `body.<field>.<index>.exercise_slug`."""
        moves = []
        for index, slug in enumerate(slugs):
            move = self.by_slug.get(slug)
            if move is None:
                raise UnknownExercise(slug, ["body", field, index, "exercise_slug"])
            moves.append(move)
        return moves
