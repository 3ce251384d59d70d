"""From the keyframes in `seed/poses.json` to pictures: a still per step, an animation per
move (SVG, and its keyframes as JSON for a native app).

Each move is drawn with one camera and one scale for all its pictures, so the figure does not
jump between steps, and with its contacts (knees, hands, feet, back) where the keyframe puts
them: `anchor` stays in place and the lowest part of the body rests on the floor.
"""

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import drawsvg as dw
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.media import draw
from app.media import pose as fig
from app.media.draw import HEIGHT, WIDTH, Arrow, Frame, Palette, Stroke
from app.media.pose import Vec, View

POSES_FILE = Path(__file__).resolve().parents[2] / "seed" / "poses.json"
# Samples per second of movement in the animated SVG; the browser interpolates between them,
# which is close enough to turning each joint at this rate.
SAMPLES_PER_SECOND = 8
# Moves with the figure lying or kneeling are small next to a standing one; no picture
# enlarges the figure beyond this many pixels per unit of height.
MAX_SCALE = 420.0
# Arrows are never shorter than this (pixels), nor turns narrower than this (degrees), so a
# small movement still gets an arrow a person can see.
MIN_ARROW = 46.0
MIN_SWEEP = 70.0
# The mat under a lying figure reaches this far (figure units) beyond it on each side.
MAT_MARGIN = 0.1
# The chair: seat depth behind and in front of the hips, half width, back height.
CHAIR = {"behind": 0.07, "front": 0.17, "half_width": 0.13, "back": 0.3, "rail": 0.08}


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ArrowSpec(_Spec):
    """An arrow along the way `point` goes from pose `from` to the keyframe's pose (or `to`),
    moved `offset` pixels away from the body. Straight movements are bowed by `bend` (or only
    their rise or fall drawn, when `vertical`);
    turning ones (`around` a world axis through `centre`) follow the arc, `reach` beyond the
    point."""

    point: str
    from_: str = Field(alias="from")
    to: str | None = None
    offset: tuple[float, float] = (0.0, 0.0)
    bend: float = 0.25
    around: Literal["x", "y", "z"] | None = None
    centre: str | None = None
    reach: float = 0.0
    vertical: bool = False
    both_ways: bool = False


class KeyframeSpec(_Spec):
    step: int = Field(ge=1)
    quote: str = Field(min_length=1)
    pose: str
    alt: str = Field(min_length=1)
    highlight: tuple[str, ...] = ()
    arrow: ArrowSpec | None = None
    badge: Literal["hold", "repeat"] | None = None


class AnimationItem(_Spec):
    """Move to `pose` in `move_seconds`, then stay there `hold_seconds`; `article_hold` marks
    the hold the article asks for (shown with a stopwatch)."""

    pose: str
    step: int = Field(ge=1)
    move_seconds: float = Field(default=0.0, ge=0)
    hold_seconds: float = Field(default=0.0, ge=0)
    article_hold: bool = False


class ViewSpec(_Spec):
    azimuth: float = 0.0
    elevation: float = Field(default=0.0, ge=0, le=90)


class MoveArt(_Spec):
    slug: str
    view: ViewSpec
    floor: Literal["line", "mat"]
    chair: bool = False
    anchor: str
    poses: dict[str, dict[str, float | str]]
    thumbnail_step: int
    animation_alt: str = Field(min_length=1)
    keyframes: tuple[KeyframeSpec, ...]
    animation: tuple[AnimationItem, ...] = Field(min_length=2)

    @field_validator("poses")
    @classmethod
    def _poses_are_angles_or_mirrors(
        cls, poses: dict[str, dict[str, float | str]]
    ) -> dict[str, dict[str, float | str]]:
        for name, pose in poses.items():
            if "mirror" in pose:
                if set(pose) != {"mirror"} or poses.get(str(pose["mirror"]), {}).get("mirror"):
                    raise ValueError(f"{name}: a mirrored pose is only {{'mirror': <pose>}}")
                if str(pose["mirror"]) not in poses:
                    raise ValueError(f"{name}: mirrors unknown pose {pose['mirror']!r}")
                continue
            unknown = fig.unknown_angles({k: 0.0 for k in pose})
            if unknown:
                raise ValueError(f"{name}: unknown angles {', '.join(unknown)}")
            if not all(isinstance(v, int | float) for v in pose.values()):
                raise ValueError(f"{name}: angles are numbers of degrees")
        return poses

    @model_validator(mode="after")
    def _references_resolve(self) -> "MoveArt":
        steps = [k.step for k in self.keyframes]
        if steps != list(range(1, len(steps) + 1)):
            raise ValueError(f"{self.slug}: keyframes must show steps 1..n in order, got {steps}")
        if self.thumbnail_step not in steps:
            raise ValueError(f"{self.slug}: thumbnail_step {self.thumbnail_step} has no keyframe")
        used = {k.pose for k in self.keyframes} | {a.pose for a in self.animation}
        for k in self.keyframes:
            draw.expand(k.highlight)
            if k.arrow:
                used |= {k.arrow.from_} | ({k.arrow.to} if k.arrow.to else set())
                for point in (k.arrow.point, k.arrow.centre):
                    if point is not None and point not in fig.points({}):
                        raise ValueError(f"{self.slug}: unknown arrow point {point!r}")
                if (k.arrow.around is None) != (k.arrow.centre is None):
                    raise ValueError(f"{self.slug}: a turning arrow needs `around` and `centre`")
        missing = used - set(self.poses)
        if missing:
            raise ValueError(f"{self.slug}: unknown poses {', '.join(sorted(missing))}")
        if self.anchor not in fig.points({}):
            raise ValueError(f"{self.slug}: unknown anchor {self.anchor!r}")
        if self.animation[0].move_seconds or self.animation[-1].pose != self.animation[0].pose:
            raise ValueError(f"{self.slug}: the animation starts still and ends where it began")
        if any(item.move_seconds <= 0 for item in self.animation[1:]):
            raise ValueError(f"{self.slug}: every animation item after the first moves")
        return self


class PoseBook(_Spec):
    about: str
    moves: tuple[MoveArt, ...]


def load(path: Path = POSES_FILE) -> PoseBook:
    return PoseBook.model_validate(json.loads(path.read_text(encoding="utf-8")))


def resolved_poses(art: MoveArt) -> dict[str, dict[str, float]]:
    """Every pose of a move as angles, mirrored ones worked out."""
    out: dict[str, dict[str, float]] = {}
    for name, pose in art.poses.items():
        if "mirror" not in pose:
            out[name] = {k: float(v) for k, v in pose.items()}
    for name, pose in art.poses.items():
        if "mirror" in pose:
            out[name] = fig.mirrored(out[str(pose["mirror"])])
    return out


def _smoothstep(t: float) -> float:
    return t * t * (3 - 2 * t)


@dataclass(frozen=True)
class Sample:
    seconds: float
    pose: dict[str, float]


@dataclass(frozen=True)
class Segment:
    """One item of the animation on the clock: moving from `start`, holding from `held`, done
    at `end`."""

    item: AnimationItem
    start: float
    held: float
    end: float


class MoveDrawing:
    """Everything drawn for one move, with its camera and scale worked out once."""

    def __init__(self, art: MoveArt) -> None:
        self.art = art
        self.view = View(art.view.azimuth, art.view.elevation)
        self.poses = resolved_poses(art)

    def world(self, pose: Mapping[str, float]) -> dict[str, Vec]:
        return fig.grounded(fig.points(pose), self.art.anchor)

    def camera(self, pose: Mapping[str, float]) -> dict[str, Vec]:
        return fig.project(self.world(pose), self.view)

    @cached_property
    def chair_lines(self) -> tuple[tuple[Vec, Vec], ...]:
        """The chair under the first pose's hips: seat, legs and back, in world coordinates."""
        if not self.art.chair:
            return ()
        first = self.world(self.poses[self.art.animation[0].pose])
        hip_x = first["hip_r"][0]
        seat = first["hip_r"][1] - fig.LIMB_RADIUS
        back, front, half = hip_x - CHAIR["behind"], hip_x + CHAIR["front"], CHAIR["half_width"]
        top = seat + CHAIR["back"]
        corners = [(back, -half), (front, -half), (front, half), (back, half)]
        lines: list[tuple[Vec, Vec]] = []
        for (x0, z0), (x1, z1) in zip(corners, corners[1:] + corners[:1], strict=True):
            lines.append(((x0, seat, z0), (x1, seat, z1)))
        lines += [((x, seat, z), (x, 0.0, z)) for x, z in corners]
        lines += [((back, seat, z), (back, top, z)) for z in (-half, half)]
        lines += [((back, y, -half), (back, y, half)) for y in (top, top - CHAIR["rail"])]
        return tuple(lines)

    @cached_property
    def mat_corners(self) -> tuple[Vec, ...]:
        """A mat on the floor under every pose of the move."""
        pts = [p for pose in self.poses.values() for p in self.world(pose).values()]
        x0, x1 = min(p[0] for p in pts) - MAT_MARGIN, max(p[0] for p in pts) + MAT_MARGIN
        z0, z1 = min(p[2] for p in pts) - MAT_MARGIN, max(p[2] for p in pts) + MAT_MARGIN
        return ((x0, 0.0, z0), (x1, 0.0, z0), (x1, 0.0, z1), (x0, 0.0, z1))

    @cached_property
    def frame(self) -> Frame:
        """One scale and origin for the move: every pose, the head's and limbs' thickness and
        the props fit inside the margins."""
        boxes: list[tuple[float, float, float]] = []
        for pose in self.poses.values():
            for name, p in self.camera(pose).items():
                boxes.append((p[0], p[1], fig.radius_of(name)))
        props = [p for line in self.chair_lines for p in line]
        if self.art.floor == "mat":
            props += list(self.mat_corners)
        boxes += [(c[0], c[1], 0.0) for c in (self.view.to_camera(p) for p in props)]
        x0 = min(x - r for x, _, r in boxes)
        x1 = max(x + r for x, _, r in boxes)
        y0 = min(y - r for _, y, r in boxes)
        y1 = max(y + r for _, y, r in boxes)
        top = draw.MARGIN + 8
        if self.art.floor == "line" and self.view.elevation == 0:
            bottom = draw.FLOOR_Y
            y0 = min(y0, 0.0)
        else:
            bottom = HEIGHT - draw.MARGIN
        scale = min(
            (WIDTH - 2 * draw.MARGIN - 20) / (x1 - x0), (bottom - top) / (y1 - y0), MAX_SCALE
        )
        origin_x = WIDTH / 2 - scale * (x0 + x1) / 2
        return Frame(scale, origin_x, bottom + y0 * scale)

    @cached_property
    def far(self) -> str:
        return draw.far_side(self.camera(self.poses[self.art.animation[0].pose]))

    def strokes(self, pose: Mapping[str, float], highlight: frozenset[str]) -> list[Stroke]:
        return draw.figure_strokes(self.camera(pose), self.frame, highlight, self.far)

    # --- pictures ----------------------------------------------------------------------------

    def _canvas(self, title: str, palette: Palette) -> dw.Drawing:
        d = dw.Drawing(WIDTH, HEIGHT, role="img", aria_label=title, color=palette.ink)
        d.append(dw.Title(title))
        return d

    def _props(self, palette: Palette) -> list[dw.DrawingBasicElement]:
        out: list[dw.DrawingBasicElement] = []
        if self.art.floor == "mat":
            corners = [self.frame.px(self.view.to_camera(c)) for c in self.mat_corners]
            out.append(draw.prop_element(draw.polygon(corners), palette))
        else:
            out.append(draw.prop_element(draw.floor_line(), palette))
        for a, b in self.chair_lines:
            pa = self.frame.px(self.view.to_camera(a))
            pb = self.frame.px(self.view.to_camera(b))
            out.append(draw.prop_element(draw._line(pa, pb), palette, draw.PROP_WIDTH + 0.5))
        return out

    def arrow(self, keyframe: KeyframeSpec) -> Arrow | None:
        spec = keyframe.arrow
        if spec is None:
            return None
        before = self.world(self.poses[spec.from_])
        after = self.world(self.poses[spec.to or keyframe.pose])
        dx, dy = spec.offset
        if spec.around is None or spec.centre is None:
            start = self.frame.px(self.view.to_camera(before[spec.point]))
            end = self.frame.px(self.view.to_camera(after[spec.point]))
            if spec.vertical:
                middle = (start[0] + end[0]) / 2
                start, end = (middle, start[1]), (middle, end[1])
            path = draw.curved(
                (start[0] + dx, start[1] + dy), (end[0] + dx, end[1] + dy), spec.bend, MIN_ARROW
            )
        else:
            arc = _arc(before[spec.centre], before[spec.point], after[spec.point], spec)
            path = tuple(
                (x + dx, y + dy) for x, y in (self.frame.px(self.view.to_camera(p)) for p in arc)
            )
        return Arrow(path, spec.both_ways)

    def still_svg(self, keyframe: KeyframeSpec, palette: Palette) -> str:
        d = self._canvas(keyframe.alt, palette)
        for element in self._props(palette):
            d.append(element)
        highlight = draw.expand(keyframe.highlight)
        arrow = self.arrow(keyframe)
        body = dw.Group()
        if arrow is not None:
            gap = draw.arrow_gap(arrow)
            d.append_def(gap)
            body = dw.Group(mask=gap)
        for stroke in self.strokes(self.poses[keyframe.pose], highlight):
            body.append(draw.stroke_element(stroke, palette))
        d.append(body)
        if arrow is not None:
            for element in draw.arrow_elements(arrow, palette):
                d.append(element)
        if keyframe.badge:
            for element in draw.badge_elements(keyframe.badge, palette):
                d.append(element)
        return d.as_svg() + "\n"

    # --- animation ---------------------------------------------------------------------------

    @cached_property
    def timeline(self) -> tuple[Segment, ...]:
        out, clock = [], 0.0
        for item in self.art.animation:
            held = clock + item.move_seconds
            out.append(Segment(item, clock, held, held + item.hold_seconds))
            clock = held + item.hold_seconds
        return tuple(out)

    @property
    def duration(self) -> float:
        return self.timeline[-1].end

    def samples(self) -> Iterator[Sample]:
        """The poses at the animation's sample times: eased in-between poses while moving, the
        same pose at both ends of a hold."""
        previous = self.poses[self.art.animation[0].pose]
        for segment in self.timeline:
            target = self.poses[segment.item.pose]
            if segment.item.move_seconds:
                count = max(2, math.ceil(segment.item.move_seconds * SAMPLES_PER_SECOND))
                for i in range(1, count):
                    t = i / count
                    yield Sample(
                        segment.start + segment.item.move_seconds * t,
                        fig.blend(previous, target, _smoothstep(t)),
                    )
            yield Sample(segment.held, target)
            if segment.item.hold_seconds:
                yield Sample(segment.end, target)
            previous = target
        if self.timeline[0].item.hold_seconds == 0:
            yield Sample(self.duration, self.poses[self.art.animation[0].pose])

    @cached_property
    def thumbnail(self) -> KeyframeSpec:
        return next(k for k in self.art.keyframes if k.step == self.art.thumbnail_step)

    def animation_svg(self, palette: Palette) -> str:
        """The move on a loop (SMIL, which browsers play in `<img>` too), a stopwatch during
        the article's holds; with `prefers-reduced-motion: reduce` only the thumbnail's still
        pose shows."""
        d = self._canvas(self.art.animation_alt, palette)
        d.append_css(
            ".still{display:none}"
            "@media (prefers-reduced-motion: reduce){.motion{display:none}.still{display:inline}}"
        )
        for element in self._props(palette):
            d.append(element)
        highlight = draw.expand(self.thumbnail.highlight)
        samples = list(self.samples())
        total = self.duration
        key_times = ";".join(_time(s.seconds / total) for s in samples)
        frames = [{s.key: s for s in self.strokes(sample.pose, highlight)} for sample in samples]
        motion = dw.Group(class_="motion")
        for first in self.strokes(samples[0].pose, highlight):
            track = [frame[first.key] for frame in frames]
            element = draw.stroke_element(first, palette)
            for attribute, values in _changing(track):
                element.append_anim(
                    dw.Animate(
                        attribute,
                        f"{draw.fmt(total)}s",
                        ";".join(values),
                        repeatCount="indefinite",
                        keyTimes=key_times,
                        calcMode="linear",
                    )
                )
            motion.append(element)
        holds = [s for s in self.timeline if s.item.article_hold]
        if holds:
            badge = dw.Group(opacity=0)
            times, values = ["0"], ["0"]
            for segment in holds:
                times += [_time(segment.held / total), _time(segment.end / total)]
                values += ["1", "0"]
            badge.append_anim(
                dw.Animate(
                    "opacity",
                    f"{draw.fmt(total)}s",
                    ";".join(values),
                    repeatCount="indefinite",
                    keyTimes=";".join(times),
                    calcMode="discrete",
                )
            )
            for element in draw.badge_elements("hold", palette):
                badge.append(element)
            motion.append(badge)
        d.append(motion)
        still = dw.Group(class_="still")
        for stroke in self.strokes(self.poses[self.thumbnail.pose], highlight):
            still.append(draw.stroke_element(stroke, palette))
        d.append(still)
        return d.as_svg() + "\n"

    def keyframes_json(self) -> dict[str, Any]:
        """The animation as data, for an app that draws the figure itself: each keyframe's
        joint angles and its points in the picture's pixels, when it is reached and how long
        it is held; the bones to draw between the points and the style."""
        frames = []
        for segment in self.timeline:
            pose = self.poses[segment.item.pose]
            points = {
                name: [draw._r(c) for c in self.frame.px(p)]
                for name, p in sorted(self.camera(pose).items())
            }
            frames.append(
                {
                    "step": segment.item.step,
                    "pose": segment.item.pose,
                    "reached_at_seconds": round(segment.held, 3),
                    "move_seconds": segment.item.move_seconds,
                    "hold_seconds": segment.item.hold_seconds,
                    "article_hold": segment.item.article_hold,
                    "angles": {k: v for k, v in sorted(pose.items()) if v},
                    "points": points,
                }
            )
        return {
            "slug": self.art.slug,
            "width": WIDTH,
            "height": HEIGHT,
            "duration_seconds": round(self.duration, 3),
            "loop": True,
            "easing": "smoothstep",
            "view": {"azimuth": self.view.azimuth, "elevation": self.view.elevation},
            "highlight": sorted(draw.expand(self.thumbnail.highlight)),
            "parts": {part: [list(b) for b in bones] for part, bones in draw.PARTS.items()},
            "style": {
                "limb_width": draw._r(2 * fig.LIMB_RADIUS * self.frame.scale),
                "trunk_width": draw._r(2 * fig.TRUNK_RADIUS * self.frame.scale),
                "head_radius": draw._r(fig.HEAD_RADIUS * self.frame.scale),
                "far_side": self.far,
            },
            "keyframes": frames,
        }


AXES: dict[str, tuple[Vec, Vec]] = {
    "x": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "y": ((0.0, 0.0, 1.0), (1.0, 0.0, 0.0)),
    "z": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0)),
}


def _arc(centre: Vec, start: Vec, end: Vec, spec: ArrowSpec) -> list[Vec]:
    """Points on the circle about the axis through `centre`, from `start`'s angle to `end`'s,
    widened to `MIN_SWEEP` degrees about its middle, `reach` outside the farther point."""
    assert spec.around is not None
    u, v = AXES[spec.around]
    axis_index = "xyz".index(spec.around)

    def polar(p: Vec) -> tuple[float, float]:
        w = [p[i] - centre[i] for i in range(3)]
        a, b = sum(w[i] * u[i] for i in range(3)), sum(w[i] * v[i] for i in range(3))
        return math.atan2(b, a), math.hypot(a, b)

    (a0, r0), (a1, r1) = polar(start), polar(end)
    sweep = (a1 - a0 + math.pi) % (2 * math.pi) - math.pi
    if abs(sweep) < math.radians(MIN_SWEEP):
        widen = (math.radians(MIN_SWEEP) - abs(sweep)) / 2
        a0 -= math.copysign(widen, sweep)
        sweep = math.copysign(math.radians(MIN_SWEEP), sweep)
    radius = max(r0, r1) + spec.reach
    level = start[axis_index]
    out = []
    for i in range(25):
        angle = a0 + sweep * i / 24
        p = [
            centre[k] + radius * (math.cos(angle) * u[k] + math.sin(angle) * v[k]) for k in range(3)
        ]
        p[axis_index] = level
        out.append((p[0], p[1], p[2]))
    return out


def _time(fraction: float) -> str:
    return f"{min(max(fraction, 0.0), 1.0):.4f}".rstrip("0").rstrip(".") or "0"


def _changing(track: Sequence[Stroke]) -> list[tuple[str, list[str]]]:
    """The attributes of a stroke that change over the animation, with their values."""
    first = track[0]
    if first.r:
        out = []
        for attribute in ("cx", "cy"):
            values = [draw.fmt(getattr(s, attribute)) for s in track]
            if len(set(values)) > 1:
                out.append((attribute, values))
        return out
    values = [s.d for s in track]
    return [("d", values)] if len(set(values)) > 1 else []
