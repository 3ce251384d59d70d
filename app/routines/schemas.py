import uuid
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from app.contract.types import WHOLE_NUMBER, StrictBoolean, omittable, text
from app.contract.versioning import renamed
from app.core.clock import UtcDatetime
from app.exercises.schemas import DISCLAIMER_DESCRIPTION, DosedMove, Provenance
from app.media.schemas import MoveMedia
from app.safety.schemas import SafetyState
from app.shared.enums import Area
from app.shared.sync import SyncedPage

MAX_STEPS = 20
MAX_SETS = 10
MAX_REPS = 50
MAX_HOLD_SECONDS = 300

RoutineName = Annotated[str, text(120, min_length=1, strip=True)]
Description = Annotated[str, text(2000, strip=True)]

_AREA_ORDER = {a: i for i, a in enumerate(Area)}

STEP_EXAMPLE: dict[str, Any] = {
    "exercise_slug": "knee-rolls",
    "sets": 1,
    "reps": 6,
    "hold_seconds": 3,
    "per_side": True,
}


def _areas_in_order(areas: list[Area]) -> list[Area]:
    """Duplicates dropped, upper to lower, so equal routines compare and display equally."""
    return sorted(set(areas), key=_AREA_ORDER.__getitem__)


class RoutineStepIn(BaseModel):
    """One move of a routine and how much of it to do. Give `reps`, `hold_seconds` or both."""

    model_config = ConfigDict(json_schema_extra={"examples": [STEP_EXAMPLE]})

    exercise_slug: Annotated[str, text(64, min_length=1)] = Field(
        description="Slug of a move from the catalog."
    )
    sets: Annotated[int, Field(gt=0, le=MAX_SETS), WHOLE_NUMBER] = Field(
        default=1, description="Rounds of this move."
    )
    reps: Annotated[int, Field(gt=0, le=MAX_REPS), WHOLE_NUMBER] | None = Field(
        default=None,
        description="Repetitions per set (per side if per_side). Give reps, hold_seconds or both.",
    )
    hold_seconds: Annotated[int, Field(gt=0, le=MAX_HOLD_SECONDS), WHOLE_NUMBER] | None = Field(
        default=None,
        description="Seconds to hold each repetition. Give reps, hold_seconds or both.",
    )
    per_side: StrictBoolean | None = Field(
        default=None,
        description="Done on one side, then the other. Omit to use what the catalog says.",
    )

    @model_validator(mode="after")
    def _has_a_dose(self) -> "RoutineStepIn":
        if self.reps is None and self.hold_seconds is None:
            raise ValueError("give reps, hold_seconds or both")
        return self


class RoutineBase(BaseModel):
    """Fields a person chooses for a routine."""

    name: RoutineName = Field(description="What the routine is called.")
    description: Description | None = Field(
        default=None, description="Optional notes on the routine."
    )
    areas: list[Area] = Field(
        min_length=1, max_length=6, description="Parts of the back the routine is meant for."
    )

    @field_validator("areas")
    @classmethod
    def _normalise_areas(cls, areas: list[Area]) -> list[Area]:
        return _areas_in_order(areas)

    @field_validator("description")
    @classmethod
    def _blank_is_none(cls, description: str | None) -> str | None:
        return description or None


class RoutineCreate(RoutineBase):
    """A new routine of the caller's own."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Evening mid-back unwind",
                    "description": "After work, before dinner.",
                    "areas": ["mid"],
                    "steps": [
                        {"exercise_slug": "cat-camel", "sets": 1, "reps": 5},
                        STEP_EXAMPLE,
                    ],
                }
            ]
        }
    )

    steps: list[RoutineStepIn] = Field(
        min_length=1, max_length=MAX_STEPS, description="Moves in the order they are done."
    )


class RoutineUpdate(BaseModel):
    """Changes to one of the caller's routines. Omitted fields stay as they are; `steps` and
    `areas`, when given, replace the whole list."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "Morning mid-back unwind", "steps": [STEP_EXAMPLE]},
                {"description": None},
            ]
        }
    )

    name: RoutineName | None = Field(
        default=None, description="New name.", json_schema_extra=omittable
    )
    description: Description | None = Field(
        default=None, description="New notes; null removes them."
    )
    areas: list[Area] | None = Field(
        default=None,
        min_length=1,
        max_length=6,
        description="Replaces the whole list.",
        json_schema_extra=omittable,
    )
    steps: list[RoutineStepIn] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_STEPS,
        description="Replaces the whole list.",
        json_schema_extra=omittable,
    )

    @field_validator("name", "areas", "steps", mode="after")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs only for fields the client sent: leaving a field out is fine, nulling it is not.
        if value is None:
            raise ValueError("may be omitted but not null")
        return value

    @field_validator("areas")
    @classmethod
    def _normalise_areas(cls, areas: list[Area] | None) -> list[Area] | None:
        return None if areas is None else _areas_in_order(areas)

    @field_validator("description")
    @classmethod
    def _blank_is_none(cls, description: str | None) -> str | None:
        return description or None


class StepProvenance(BaseModel):
    """The basis of each value of a curated routine's step: the article's figure (or a value
    inside its range), or an inference with its reason."""

    sets: Provenance
    reps: Provenance | None = Field(description="Null when the step has no repetitions.")
    hold_seconds: Provenance | None = Field(description="Null when the step has no hold.")
    per_side: Provenance


class RoutineStepPublic(DosedMove):
    """One move of a routine, with its dose and how long it takes."""

    order: int = Field(description="Step in the routine, from 1.")
    per_side: bool
    estimated_seconds: int = Field(description="Estimated time for this step.")
    estimated_duration_seconds: int = Field(
        description=renamed("estimated_seconds"), json_schema_extra={"deprecated": True}
    )
    provenance: StepProvenance | None = Field(
        description="For curated routines, where each value comes from; null for your own "
        "routines, whose values are your choice."
    )
    media: MoveMedia | None = Field(
        description="The move's thumbnail and animation (drawn by this service); null for a "
        "move not drawn yet. `GET /v1/exercises/{slug}` has a picture of every step."
    )


SAFETY_DESCRIPTION = (
    "First, with a token: your safety state (the same as GET /v1/me/safety). While a concern in "
    "it holds exercise (`exercise` `on_hold`), show its `message` before the routine and do not "
    "offer the moves. Null for anonymous callers"
)


class RoutinePublic(BaseModel):
    """A routine: curated (from the seed, read-only) or the caller's own."""

    safety: SafetyState | None = Field(
        description=SAFETY_DESCRIPTION + ", in lists (the page has it) and by curated slug, "
        "which is the same for everyone."
    )
    id: uuid.UUID
    slug: str | None = Field(description="Stable name of a curated routine; null for your own.")
    curated: bool = Field(description="True for routines that come with the app (read-only).")
    name: str
    description: str | None
    areas: list[Area]
    steps: list[RoutineStepPublic]
    estimated_seconds: int = Field(
        description="Estimated time for the whole routine: each step's sets x sides x reps x "
        "(hold + 3 s to move), 20 s rest between sets, 15 s between steps. Recommendations use "
        "the same estimate."
    )
    estimated_duration_seconds: int = Field(
        description=renamed("estimated_seconds"), json_schema_extra={"deprecated": True}
    )
    created_at: UtcDatetime
    updated_at: UtcDatetime
    disclaimer: str = Field(description=DISCLAIMER_DESCRIPTION)


class WithSafety(BaseModel):
    """The caller's safety state, sent ahead of what it applies to."""

    safety: SafetyState | None = Field(description=SAFETY_DESCRIPTION + ".")


# WithSafety last among the bases: its field then comes first, before the page's.
class RoutineList(SyncedPage[RoutinePublic], WithSafety):
    """A page of routines: a listing, or with `changed_since` what changed since then."""
