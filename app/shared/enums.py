"""Vocabularies shared by several domains. Values are part of the public /v1 contract.

Members are upper-case: `Area.lower` would shadow `str.lower` on a StrEnum."""

from enum import StrEnum


class Area(StrEnum):
    """Part of the back where pain is felt."""

    UPPER = "upper"
    MID = "mid"
    LOWER = "lower"


class ExerciseKind(StrEnum):
    """How the article groups a move: strengthening exercise or stretch."""

    EXERCISE = "exercise"
    STRETCH = "stretch"


class Position(StrEnum):
    """Starting position of a move."""

    HANDS_AND_KNEES = "hands_and_knees"
    LYING_ON_BACK = "lying_on_back"
    SITTING = "sitting"
    STANDING = "standing"


class Relevance(StrEnum):
    """`primary` when the article names the area for the move; `secondary` when it only says
    the move helps the back in general."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
