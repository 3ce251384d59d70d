from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

# The licence the drawings are published under (docs/api.md, Illustrations, states it): this
# service draws them from its own pose data, so they are the project's own work.
LICENSE = "CC-BY-4.0"
LICENSE_DESCRIPTION = (
    "SPDX identifier of the licence the drawing is published under: `CC-BY-4.0`, credit "
    '"Back Pain Relief API". The drawings are this service\'s own, made from its pose data.'
)


class MediaBasis(StrEnum):
    """What a picture is: `illustration`, drawn by this service to show the article's words
    (the article itself has no pictures)."""

    ILLUSTRATION = "illustration"


class MediaFile(BaseModel):
    """One file of a picture: its URL (content-addressed: a changed drawing gets a new URL,
    so a file may be cached for good), media type and size in CSS pixels."""

    url: str = Field(description="Path of the file, e.g. `/v1/media/3f0c9a61d2b7e45a18c0.svg`.")
    type: str = Field(description="Media type: `image/svg+xml` or `image/png`.")
    width: int = Field(description="Width in CSS pixels (PNG: in image pixels).")
    height: int = Field(description="Height in CSS pixels (PNG: in image pixels).")


class PngFile(MediaFile):
    """The picture as PNG, for clients that do not draw SVG."""

    type: Literal["image/png"]
    scale: int = Field(description="Pixels per CSS pixel: 1, 2 or 3.")


class Illustration(BaseModel):
    """A still picture of one step: line art of the figure in the step's pose, the part that
    moves highlighted (in the accent colour and drawn wider), an arrow for the way it moves.
    `url` is an SVG drawn for light backgrounds; `dark` the same for dark backgrounds."""

    url: str = Field(description="SVG for light backgrounds (transparent).")
    type: Literal["image/svg+xml"]
    width: int = Field(description="Width in CSS pixels.")
    height: int = Field(description="Height in CSS pixels.")
    alt: str = Field(description="What the body does in the picture, in plain words.")
    caption: str = Field(description="The step it shows: `Step 2 of 4:` and the step's words.")
    step: int = Field(ge=1, description="The step of the move the picture shows, from 1.")
    license: str = Field(description=LICENSE_DESCRIPTION)
    basis: MediaBasis
    dark: MediaFile = Field(description="SVG for dark backgrounds.")
    png: list[PngFile] = Field(description="PNG for light backgrounds at 1x, 2x and 3x.")
    dark_png: list[PngFile] = Field(description="PNG for dark backgrounds at 1x, 2x and 3x.")


class Animation(BaseModel):
    """The whole move on a loop, as an animated SVG (holds shown as holds, per-side moves on
    both sides). With `prefers-reduced-motion: reduce` it shows a still pose; the stills of
    the steps (`steps`) are the motion-free alternative. `keyframes` has the poses and timing
    as JSON, for an app that draws the figure itself."""

    url: str = Field(description="Animated SVG for light backgrounds.")
    type: Literal["image/svg+xml"]
    width: int
    height: int
    alt: str = Field(description="What the body does over the animation, in plain words.")
    step: int | None = Field(description="Null: the animation shows every step.")
    license: str = Field(description=LICENSE_DESCRIPTION)
    basis: MediaBasis
    duration_seconds: float = Field(description="Length of one loop.")
    dark: MediaFile = Field(description="Animated SVG for dark backgrounds.")
    keyframes: MediaFile = Field(
        description="The animation's keyframes as JSON (`application/json`): each with its "
        "step, joint angles, points in the picture's pixels, when it is reached and how long "
        "it is held; width and height are the picture's."
    )


class MoveMedia(BaseModel):
    """Pictures of a move for a list or a routine: a thumbnail (the still of its most telling
    step) and the animation."""

    thumbnail: Illustration
    animation: Animation


class ExerciseMedia(MoveMedia):
    """Pictures of a move: a still for every step, in order, besides the thumbnail and the
    animation."""

    steps: list[Illustration] = Field(description="One still per step, in step order.")
