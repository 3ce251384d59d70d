"""Where a curated routine's numbers come from, worked out from the catalog (pure functions).

A value the article gives, or one inside a range it gives, is `article` with the catalog's
quote; anything else is `inferred`, with the reason the seed file records for it. A person's
own routine has no provenance: its numbers are their choice.
"""

from collections.abc import Mapping

from app.exercises.schemas import Basis, Dose, Provenance, RepsRange, SecondsRange
from app.routines.schemas import StepProvenance

ONE_ROUND_REASON = (
    "The article gives no number of rounds; the move is done once through, as it describes it."
)
NO_FIGURE_REASON = "The article gives no figure for this; it is this routine's choice."


def _within(value: int, bounds: SecondsRange | RepsRange) -> bool:
    return bounds.min <= value <= bounds.max


def _from_range(
    value: int | None,
    bounds: SecondsRange | RepsRange | None,
    source: Provenance | None,
    note: str | None,
) -> Provenance | None:
    if value is None:
        return None
    if bounds is not None and source is not None and _within(value, bounds):
        picked = None
        if bounds.min != bounds.max:
            picked = f"{value}, within the article's {bounds.min}-{bounds.max}."
        return Provenance(basis=Basis.ARTICLE, quote=source.quote, reason=note or picked)
    return Provenance(basis=Basis.INFERRED, quote=None, reason=note or NO_FIGURE_REASON)


def step_provenance(
    *,
    sets: int,
    reps: int | None,
    hold_seconds: int | None,
    per_side: bool,
    move: Dose,
    notes: Mapping[str, str],
) -> StepProvenance:
    """The basis of each value of a curated step, given the move's dose in the catalog and the
    seed's notes for the values the article does not give."""
    sets_reason = notes.get("sets") or (ONE_ROUND_REASON if sets == 1 else NO_FIGURE_REASON)
    if per_side == move.per_side:
        side = move.provenance.per_side
    else:
        side = Provenance(basis=Basis.INFERRED, quote=None, reason=NO_FIGURE_REASON)
    return StepProvenance(
        sets=Provenance(basis=Basis.INFERRED, quote=None, reason=sets_reason),
        reps=_from_range(reps, move.reps, move.provenance.reps, notes.get("reps")),
        hold_seconds=_from_range(
            hold_seconds,
            move.hold_seconds,
            move.provenance.hold_seconds,
            notes.get("hold_seconds"),
        ),
        per_side=side,
    )
