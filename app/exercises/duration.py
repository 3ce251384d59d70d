"""How long a dose of a move takes: the one estimate used by recommendations and routines, so
the same dose has the same estimate everywhere (pure functions, no I/O).

For one move:

    sides      = 2 if per_side else 1
    reps       = reps or 1            (a hold-only dose is one repetition)
    hold       = hold_seconds or 0    (a repetition without a hold is just the movement)
    move_time  = sets * sides * reps * (hold + MOVE_SECONDS)
                 + (sets - 1) * REST_BETWEEN_SETS_SECONDS

and for several moves done one after another:

    total = sum(move_time) + (number_of_moves - 1) * TRANSITION_SECONDS

MOVE_SECONDS is the time to move into the position and back out of it once; the holds are added
on top. The article gives ranges and no sets, so a move recommended straight from the article is
timed as one set at the upper end of each range (`article_dose`), which keeps the estimate from
running short. The figures are deliberately unhurried: people in pain move slowly.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from app.exercises.schemas import Dose

MOVE_SECONDS = 3
REST_BETWEEN_SETS_SECONDS = 20
TRANSITION_SECONDS = 15


class TimedDose(Protocol):
    """What the estimate needs to know about a dose."""

    @property
    def sets(self) -> int: ...

    @property
    def reps(self) -> int | None: ...

    @property
    def hold_seconds(self) -> int | None: ...

    @property
    def per_side(self) -> bool: ...


@dataclass(frozen=True)
class ConcreteDose:
    """A dose with single numbers, as a routine step has them."""

    sets: int
    reps: int | None
    hold_seconds: int | None
    per_side: bool


def article_dose(dose: Dose) -> ConcreteDose:
    """The article's dose as one set at the upper end of its ranges."""
    return ConcreteDose(
        sets=1,
        reps=dose.reps.max if dose.reps else None,
        hold_seconds=dose.hold_seconds.max if dose.hold_seconds else None,
        per_side=dose.per_side,
    )


def dose_seconds(dose: TimedDose) -> int:
    sides = 2 if dose.per_side else 1
    reps = dose.reps or 1
    hold = dose.hold_seconds or 0
    return (
        dose.sets * sides * reps * (hold + MOVE_SECONDS)
        + (dose.sets - 1) * REST_BETWEEN_SETS_SECONDS
    )


def total_seconds(doses: Sequence[TimedDose]) -> int:
    """Moves done one after another, with a transition between each two."""
    if not doses:
        return 0
    return sum(dose_seconds(d) for d in doses) + (len(doses) - 1) * TRANSITION_SECONDS
