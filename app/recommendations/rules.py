"""The safety rules as data: thresholds, what each move does to the spine, and which starting
positions each limitation rules out. The logic in `logic.py` only reads these tables, so a
change of policy is a change here, reviewable in one place.
"""

from dataclasses import dataclass
from enum import StrEnum

from app.recommendations.schemas import Limitation
from app.shared.enums import Position

# Pain bands, and that severe pain gets no self-care moves, live in app.shared.pain.

# Each threshold names the citation it rests on (seed/triage_sources.json).

# After a fall or a minor injury, someone older than this may have broken a bone in the spine
# (inferred-fall-over-50, with cks-fracture).
FRAGILE_BONE_AGE = 50
# Back pain still there after about six weeks is worth having looked at, even when the
# self-care moves are fine to continue (nhs-gp-not-improving: "a few weeks").
LONG_DURATION_WEEKS = 6
# The moves and the guidance behind the screen are for people aged 16 and over
# (ng59-over-16s); younger people get no moves.
MIN_AGE_FOR_MOVES = 16
# New pain over this age or under RISK_AGE_UNDER is a risk feature (cks-age).
RISK_AGE_OVER = 50
RISK_AGE_UNDER = 20
# Pain that began within this many weeks, or whose start is not known, counts as new
# (inferred-new-pain-weeks).
NEW_PAIN_WEEKS = 6


class MoveProperty(StrEnum):
    """Something a move does that a caution answer may rule out."""

    # Bends the spine forward against gravity or effort (crunching up, bending down to the toes);
    # unloaded rounding on all fours (cat camel) is not counted.
    LOADED_SPINAL_FLEXION = "loaded_spinal_flexion"
    # Stretches the back of the leg, which also pulls on an irritated sciatic nerve.
    LEG_NERVE_TENSION = "leg_nerve_tension"


# Keyed by catalog slug. Moves not listed have none of the properties. Kept here rather than in
# the seed because it is a safety judgement about the moves, not a fact the article states.
MOVE_PROPERTIES: dict[str, frozenset[MoveProperty]] = {
    "abdominal-crunches": frozenset({MoveProperty.LOADED_SPINAL_FLEXION}),
    "hamstring-stretch": frozenset(
        {MoveProperty.LOADED_SPINAL_FLEXION, MoveProperty.LEG_NERVE_TENSION}
    ),
}


@dataclass(frozen=True)
class LimitationRule:
    """Starting positions a limitation rules out, and how to say so."""

    positions: frozenset[Position]
    triage_reason: str
    exclusion_reason: str


LIMITATION_RULES: dict[Limitation, LimitationRule] = {
    Limitation.CANNOT_KNEEL: LimitationRule(
        positions=frozenset({Position.HANDS_AND_KNEES}),
        triage_reason="You can't kneel, so moves that start on your hands and knees are left out.",
        exclusion_reason="It starts on your hands and knees, and you said you can't kneel.",
    ),
    Limitation.CANNOT_LIE_ON_FLOOR: LimitationRule(
        positions=frozenset({Position.LYING_ON_BACK}),
        triage_reason="You can't lie on the floor, so moves done lying down are left out.",
        exclusion_reason="It is done lying on your back on the floor, and you said you can't "
        "lie on the floor.",
    ),
    Limitation.CANNOT_STAND_UNSUPPORTED: LimitationRule(
        positions=frozenset({Position.STANDING}),
        triage_reason="You can't stand without support, so moves done standing are left out.",
        exclusion_reason="It is done standing, and you said you can't stand without support.",
    ),
}
