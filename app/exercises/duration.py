"""How long a routine takes, estimated from its steps alone (no I/O).

For one step:

    sides      = 2 if per_side else 1
    reps       = reps or 1            (a hold-only step is one repetition)
    hold       = hold_seconds or 0    (a rep-only step holds nothing)
    step_time  = sets * sides * reps * (hold + MOVE_SECONDS)
                 + (sets - 1) * REST_BETWEEN_SETS_SECONDS

and for the routine:

    total = sum(step_time) + (number_of_steps - 1) * TRANSITION_SECONDS

MOVE_SECONDS is the time to move into the position and back out of it once; the article's
holds are added on top. The figures are deliberately unhurried: people in pain move slowly.
"""

from collections.abc import Sequence
from typing import Protocol

MOVE_SECONDS = 3
REST_BETWEEN_SETS_SECONDS = 20
TRANSITION_SECONDS = 15


class StepDose(Protocol):
    """What the estimate needs to know about a step."""

    @property
    def sets(self) -> int: ...

    @property
    def reps(self) -> int | None: ...

    @property
    def hold_seconds(self) -> int | None: ...

    @property
    def per_side(self) -> bool: ...


def step_duration_seconds(step: StepDose) -> int:
    sides = 2 if step.per_side else 1
    reps = step.reps or 1
    hold = step.hold_seconds or 0
    return (
        step.sets * sides * reps * (hold + MOVE_SECONDS)
        + (step.sets - 1) * REST_BETWEEN_SETS_SECONDS
    )


def estimate_duration_seconds(steps: Sequence[StepDose]) -> int:
    if not steps:
        return 0
    return sum(step_duration_seconds(s) for s in steps) + (len(steps) - 1) * TRANSITION_SECONDS
