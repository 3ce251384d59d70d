from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.contract.versioning import renamed
from app.i18n.catalog import TranslationStatus
from app.i18n.schemas import TranslatedText
from app.media.schemas import ExerciseMedia
from app.shared.enums import Area, ExerciseKind, Position, Relevance


class Basis(StrEnum):
    """Where a fact comes from: `article` when the article states it (the `quote` shows
    where), `inferred` when the article does not say it and this service adds it (the `reason`
    says why)."""

    ARTICLE = "article"
    INFERRED = "inferred"


class Provenance(BaseModel):
    """The basis of one fact: the article's own words, or an inference with its reason."""

    basis: Basis
    quote: str | None = Field(
        description="The article's words the fact rests on, verbatim. Always given for an "
        "`article` fact; for an inference, the words it is drawn from, when there are any."
    )
    reason: str | None = Field(
        description="Why an `inferred` fact is held, in plain words (always given for an "
        "inference); for an `article` fact, how the value is read from the quote, when that "
        "needs saying."
    )

    @model_validator(mode="after")
    def _says_where_it_comes_from(self) -> "Provenance":
        if self.basis is Basis.ARTICLE and not self.quote:
            raise ValueError("a fact from the article needs the quote it comes from")
        if self.basis is Basis.INFERRED and not self.reason:
            raise ValueError("an inferred fact needs a reason")
        return self


class SecondsRange(BaseModel):
    """An inclusive range in seconds, as the article gives it (e.g. 2-3 s)."""

    min: int = Field(ge=1, description="Shortest hold, in seconds.")
    max: int = Field(ge=1, description="Longest hold, in seconds.")


class RepsRange(BaseModel):
    """An inclusive range of repetitions, as the article gives it (e.g. 6-8)."""

    min: int = Field(ge=1, description="Fewest repetitions.")
    max: int = Field(ge=1, description="Most repetitions.")


class DoseProvenance(BaseModel):
    """The basis of each part of a dose."""

    hold_seconds: Provenance | None = Field(description="Null when there is no hold.")
    reps: Provenance | None = Field(description="Null when there is no repetition count.")
    per_side: Provenance


class Dose(BaseModel):
    """How long to hold and how often to repeat. Holds and repetition counts are the
    article's figures; `provenance` shows the article's words for each, and marks what the
    article leaves open (such as whether a count is per side) as inferred."""

    hold_seconds: SecondsRange | None = Field(
        description="Hold time; null when the article gives none."
    )
    reps: RepsRange | None = Field(description="Repetitions; null when the article gives none.")
    per_side: bool = Field(
        description="True when the move is done on one side, then the other; the hold and the "
        "repetitions are then counted for each side."
    )
    provenance: DoseProvenance


class AreaLink(BaseModel):
    """How directly the article links a move and a part of the back."""

    relevance: Relevance
    reason: str = Field(description="Why the move suits this area, in plain words.")
    basis: Basis = Field(
        description="`article` when the article names this part of the back for the move; "
        "`inferred` when it only says the move helps the back in general."
    )
    quote: str | None = Field(description="The article's words for the link, verbatim.")
    quote_translated: TranslatedText | None = Field(
        default=None,
        description="`quote` in the request's language, with its translation status; null in "
        "English or when the quote has no translation. `quote` stays the article's exact words.",
    )
    reason_translated: TranslatedText | None = Field(
        default=None,
        description="`reason` in the request's language, with its translation status; null in "
        "English or when the reason has no translation.",
    )


class TargetArea(AreaLink):
    """A part of the back this move helps."""

    area: Area


class Source(BaseModel):
    """Where in the source article the move comes from."""

    title: str = Field(description="Title of the source article.")
    section: str = Field(description="Article section the move is listed under.")
    heading: str = Field(description="Heading of the move within that section.")


class ExerciseProvenance(BaseModel):
    """The basis of facts about the move that are not in its own words."""

    position: Provenance = Field(description="Where the starting position comes from.")
    summary: Provenance = Field(
        description="Where the summary comes from: it is in this service's words "
        "(`inferred`), with the article's words it retells in `quote`."
    )


DISCLAIMER_DESCRIPTION = (
    "The article's disclaimer, verbatim: who its moves are meant for, and when to see a "
    "specialist instead."
)


class MoveTranslation(BaseModel):
    """The move's words in the request's language, beside the article's own (`name`,
    `steps`, `helps_with`, `cautions`) and this service's `summary`, which never change."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "language": "es",
                    "status": "machine",
                    "name": "Balanceo de rodillas",
                    "summary": "Tumbado con las rodillas hacia arriba, gírelas hacia un lado.",
                    "steps": ["Túmbese con las rodillas hacia arriba.", "Mantenga 3 segundos."],
                    "helps_with": "Perfecto para el dolor de la zona media y baja de la espalda.",
                    "cautions": [],
                }
            ]
        }
    )

    language: str = Field(examples=["es"])
    status: TranslationStatus
    name: str = Field(description="The move's name, translated.")
    summary: str = Field(description="The summary, translated.")
    steps: list[str] = Field(description="The steps, translated, in the same order.")
    helps_with: str = Field(description="What the article says the move helps with, translated.")
    cautions: list[str] = Field(description="The article's safety notes, translated, in order.")


class ExercisePublic(BaseModel):
    """A move from the catalog."""

    slug: str = Field(description="Stable identifier, e.g. `cat-camel`.")
    name: str
    aliases: list[str] = Field(
        description="Other names the article uses for the move; `GET /v1/exercises/{alias}` "
        "redirects to the move."
    )
    kind: ExerciseKind
    position: Position = Field(description="Starting position.")
    summary: str = Field(
        description="Short description of the move in this service's words, keeping the "
        "article's cues (`provenance.summary` quotes the words it retells); the steps, dose and "
        "cautions carry the article's facts."
    )
    steps: list[str] = Field(description="Instructions, in order, in the article's own words.")
    dose: Dose
    helps_with: str = Field(description="What the article says the move helps with, verbatim.")
    cautions: list[str] = Field(
        description="Safety notes the article gives for this move, in its own words."
    )
    target_areas: list[TargetArea] = Field(description="Parts of the back the move helps.")
    provenance: ExerciseProvenance
    source: Source
    disclaimer: str = Field(description=DISCLAIMER_DESCRIPTION)
    media: ExerciseMedia | None = Field(
        description="Pictures drawn by this service (the article has none): a still for each "
        "step, a thumbnail and an animation. Null for a move not drawn yet."
    )
    translation: MoveTranslation | None = Field(
        default=None,
        description="Name, summary, steps, what it helps with and cautions in the request's "
        "language (`Accept-Language`), with the weakest translation status among them; null in "
        "English or when a part has no translation.",
    )


class ExerciseList(BaseModel):
    """A page of moves."""

    data: list[ExercisePublic]
    count: int = Field(description="Number of moves matching the filters, across all pages.")


class AreaMove(AreaLink):
    """A move for a part of the back, and how directly the article links the two."""

    slug: str
    name: str
    name_translated: TranslatedText | None = Field(
        default=None,
        description="`name` in the request's language, with its translation status; null in "
        "English or when the name has no translation.",
    )


class AreaProvenance(BaseModel):
    """The basis of the area's own text."""

    description: Provenance


class AreaTranslation(BaseModel):
    """The area's name and description in the request's language, beside the English."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "language": "es",
                    "status": "machine",
                    "name": "Parte baja de la espalda",
                    "description": "Desde debajo de las costillas hasta la parte superior de "
                    "los glúteos.",
                }
            ]
        }
    )

    language: str = Field(examples=["es"])
    status: TranslationStatus
    name: str = Field(description="The area's name, translated.")
    description: str = Field(description="The description, translated.")


class AreaPublic(BaseModel):
    """A part of the back where pain can be reported."""

    area: Area
    name: str
    description: str = Field(description="Where this part of the back is, in plain words.")
    translation: AreaTranslation | None = Field(
        default=None,
        description="Name and description in the request's language (`Accept-Language`), with "
        "the weaker translation status of the two; null in English or when either has no "
        "translation.",
    )
    provenance: AreaProvenance
    exercise_slugs: list[str] = Field(description="Moves that target this area, in article order.")
    exercises: list[AreaMove] = Field(
        description="The same moves with their relevance and reason, best match first: moves "
        "the article names for this area, then moves that help the back in general, each group "
        "in article order."
    )


class AreaList(BaseModel):
    """The three pain areas."""

    data: list[AreaPublic]
    count: int


class DosedMove(BaseModel):
    """A move with its dose, as a routine step or a session lists it: the one shape both
    answers share (each says what `order` counts in)."""

    order: int = Field(description="Step from 1.")
    position: int = Field(description=renamed("order"), json_schema_extra={"deprecated": True})
    exercise_slug: str
    exercise_name: str = Field(description="The move's name, as the article gives it.")
    exercise_name_translated: TranslatedText | None = Field(
        default=None,
        description="`exercise_name` in the request's language, with its translation status; "
        "null in English or when the name has no translation.",
    )
    sets: int
    reps: int | None
    hold_seconds: int | None
