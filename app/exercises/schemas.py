from pydantic import BaseModel, ConfigDict, Field

from app.core.enums import Area, ExerciseKind, Position, Relevance


class SecondsRange(BaseModel):
    """An inclusive range in seconds, as the article gives it (e.g. 2-3 s)."""

    min: int = Field(ge=1, description="Shortest hold, in seconds.")
    max: int = Field(ge=1, description="Longest hold, in seconds.")


class RepsRange(BaseModel):
    """An inclusive range of repetitions, as the article gives it (e.g. 6-8)."""

    min: int = Field(ge=1, description="Fewest repetitions.")
    max: int = Field(ge=1, description="Most repetitions.")


class Dose(BaseModel):
    """How long to hold and how often to repeat, exactly as the article states it."""

    hold_seconds: SecondsRange | None = Field(
        description="Hold time; null when the article gives none."
    )
    reps: RepsRange | None = Field(description="Repetitions; null when the article gives none.")
    per_side: bool = Field(description="True when the move is done on one side, then the other.")


class TargetArea(BaseModel):
    """A part of the back this move helps."""

    area: Area
    relevance: Relevance
    reason: str = Field(description="Why the move suits this area, based on the article.")


class Source(BaseModel):
    """Where in the source article the move comes from."""

    title: str = Field(description="Title of the source article.")
    section: str = Field(description="Article section the move is listed under.")
    heading: str = Field(description="Heading of the move within that section.")


class ExercisePublic(BaseModel):
    """A move from the catalog."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "slug": "knee-rolls",
                    "name": "Knee Rolls",
                    "aliases": [],
                    "kind": "stretch",
                    "position": "lying_on_back",
                    "summary": "Lying on your back, let both bent knees drop to one side.",
                    "steps": ["Lie down with your knees pointed up.", "Repeat on the other side."],
                    "dose": {
                        "hold_seconds": {"min": 3, "max": 3},
                        "reps": {"min": 6, "max": 8},
                        "per_side": True,
                    },
                    "helps_with": "Perfect for mid and lower back pain.",
                    "cautions": [],
                    "target_areas": [
                        {
                            "area": "mid",
                            "relevance": "primary",
                            "reason": "The article recommends it for mid and lower back pain.",
                        }
                    ],
                    "source": {
                        "title": "Back Pain Relief: Exercises & Stretches That Can Help With "
                        "Back Pain",
                        "section": "Stretches for Back Pain Relief",
                        "heading": "Knee Rolls",
                    },
                }
            ]
        }
    )

    slug: str = Field(description="Stable identifier, e.g. `cat-camel`.")
    name: str
    aliases: list[str] = Field(description="Other names the article uses for the move.")
    kind: ExerciseKind
    position: Position = Field(description="Starting position.")
    summary: str = Field(description="Short description of the move.")
    steps: list[str] = Field(description="Instructions, in order.")
    dose: Dose
    helps_with: str = Field(description="What the article says the move helps with.")
    cautions: list[str] = Field(description="Safety notes the article gives for this move.")
    target_areas: list[TargetArea] = Field(description="Parts of the back the move helps.")
    source: Source


class ExerciseList(BaseModel):
    """A page of moves."""

    data: list[ExercisePublic]
    count: int = Field(description="Number of moves matching the filters, across all pages.")


class AreaPublic(BaseModel):
    """A part of the back where pain can be reported."""

    area: Area
    name: str
    description: str
    exercise_slugs: list[str] = Field(description="Moves that target this area, in article order.")


class AreaList(BaseModel):
    """The three pain areas."""

    data: list[AreaPublic]
    count: int
