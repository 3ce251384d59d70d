"""The drawn illustrations as the API serves them: the `media` of a move, and the files.

Everything comes from `app/media/manifest.json` and the files beside it, written by `python
-m app.media.build` and read once per process; the service never draws."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from app.media.assets import FILES_DIR, MANIFEST
from app.media.errors import MediaNotFound
from app.media.schemas import (
    LICENSE,
    Animation,
    ExerciseMedia,
    Illustration,
    MediaBasis,
    MediaFile,
    MoveMedia,
    PngFile,
)

URL_PREFIX = "/v1/media/"


@dataclass(frozen=True)
class StoredFile:
    body: bytes
    media_type: str
    etag: str


@cache
def manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


_bodies: dict[str, StoredFile] = {}


def find_file(name: str) -> StoredFile:
    """A file by its name (`<hash>.<ext>`), read once and kept: a few hundred small files."""
    stored = _bodies.get(name)
    if stored is not None:
        return stored
    media_type = manifest()["files"].get(name)
    if media_type is None:
        raise MediaNotFound(name)
    # Strong: the name is the hash of these exact bytes (a compressed response gets a weak
    # ETag from the compression middleware, as it is another representation).
    digest = name.partition(".")[0]
    stored = StoredFile((FILES_DIR / name).read_bytes(), media_type, f'"{digest}"')
    _bodies[name] = stored
    return stored


def _url(name: str) -> str:
    return URL_PREFIX + name


def _file(name: str, width: int, height: int) -> MediaFile:
    return MediaFile(url=_url(name), type=manifest()["files"][name], width=width, height=height)


def _pngs(names: Sequence[str], width: int, height: int) -> list[PngFile]:
    scales = manifest()["png_scales"]
    return [
        PngFile(
            url=_url(name),
            type="image/png",
            width=width * scale,
            height=height * scale,
            scale=scale,
        )
        for name, scale in zip(names, scales, strict=True)
    ]


def _still(entry: dict[str, Any], steps: Sequence[str]) -> Illustration:
    width, height = manifest()["width"], manifest()["height"]
    number = entry["step"]
    caption = f"Step {number} of {len(steps)}"
    if number <= len(steps):
        caption += f": {steps[number - 1]}"
    return Illustration(
        url=_url(entry["light"]["svg"]),
        type="image/svg+xml",
        width=width,
        height=height,
        alt=entry["alt"],
        caption=caption,
        step=number,
        license=LICENSE,
        basis=MediaBasis.ILLUSTRATION,
        dark=_file(entry["dark"]["svg"], width, height),
        png=_pngs(entry["light"]["png"], width, height),
        dark_png=_pngs(entry["dark"]["png"], width, height),
    )


def _animation(entry: dict[str, Any]) -> Animation:
    width, height = manifest()["width"], manifest()["height"]
    return Animation(
        url=_url(entry["light"]),
        type="image/svg+xml",
        width=width,
        height=height,
        alt=entry["alt"],
        step=None,
        license=LICENSE,
        basis=MediaBasis.ILLUSTRATION,
        duration_seconds=entry["duration_seconds"],
        dark=_file(entry["dark"], width, height),
        keyframes=_file(entry["keyframes"], width, height),
    )


def exercise_media(slug: str, steps: Sequence[str]) -> ExerciseMedia | None:
    """Every picture of a move, its steps' words in the captions; None for a move not drawn."""
    return _exercise_media(slug, tuple(steps))


# Routines and recommendations ask for the same few moves over and over.
@lru_cache(maxsize=256)
def _exercise_media(slug: str, steps: tuple[str, ...]) -> ExerciseMedia | None:
    move = manifest()["moves"].get(slug)
    if move is None:
        return None
    stills = [_still(entry, steps) for entry in move["steps"]]
    thumbnail = next(s for s in stills if s.step == move["thumbnail_step"])
    return ExerciseMedia(thumbnail=thumbnail, animation=_animation(move["animation"]), steps=stills)


def move_media(slug: str, steps: Sequence[str]) -> MoveMedia | None:
    """The thumbnail and the animation of a move; None for a move not drawn."""
    media = exercise_media(slug, steps)
    if media is None:
        return None
    return MoveMedia(thumbnail=media.thumbnail, animation=media.animation)
