"""Line art of the posed figure, as SVG drawn with drawsvg.

One style for every picture: round-capped strokes for the limbs and a thicker curve for the
back, a round head with a nose to show where the face points, the limbs on the far side in a
lighter tone, and the parts that move in the accent colour and drawn wider (so the highlight
does not rest on colour alone). A curved arrow in the accent colour shows where the moving
part goes; a stopwatch marks a hold and two turning arrows a repetition. Coordinates are
rounded to a tenth of a pixel, so the same pose always gives the same bytes.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import drawsvg as dw

from app.media import pose as fig
from app.media.pose import Vec

WIDTH = 400
HEIGHT = 300
FLOOR_Y = 276.0
MARGIN = 14.0


@dataclass(frozen=True)
class Palette:
    """Colours of one variant. `ink` draws the body, `far` the far side's limbs and the
    props, `accent` the moving parts and the arrows. The pictures are transparent:
    `backgrounds` are what the variant is meant to be shown on (the contrast test uses
    them)."""

    name: str
    ink: str
    far: str
    accent: str
    backgrounds: tuple[str, ...]


LIGHT = Palette(
    "light", ink="#1f2328", far="#5a6270", accent="#0b57b0", backgrounds=("#ffffff", "#f2f2f7")
)
DARK = Palette(
    "dark", ink="#eef1f4", far="#aab2bd", accent="#7cc0ff", backgrounds=("#000000", "#1c1c1e")
)
PALETTES = (LIGHT, DARK)

# Moving parts are drawn this much wider as well as in the accent colour.
HIGHLIGHT_WIDEN = 1.45
ARROW_WIDTH = 3.5
PROP_WIDTH = 3.0

Bone = tuple[str, str]

# Body parts that can be highlighted, and the bones that draw them.
PARTS: dict[str, tuple[Bone, ...]] = {
    "lower_back": (("hips", "pelvis"), ("pelvis", "spine1"), ("spine1", "spine2")),
    "upper_back": (("spine2", "spine3"),),
    "head": (("spine3", "neck"),),
    **{
        f"{part}_{s}": bones
        for s in ("l", "r")
        for part, bones in (
            ("hip", (("hips", f"hip_{s}"),)),
            ("shoulder", (("spine3", f"shoulder_{s}"),)),
            ("thigh", ((f"hip_{s}", f"knee_{s}"),)),
            ("shin", ((f"knee_{s}", f"ankle_{s}"),)),
            ("foot", ((f"ankle_{s}", f"toe_{s}"),)),
            ("upper_arm", ((f"shoulder_{s}", f"elbow_{s}"),)),
            ("forearm", ((f"elbow_{s}", f"wrist_{s}"),)),
            ("hand", ((f"wrist_{s}", f"hand_{s}"),)),
        )
    },
}
# Names a keyframe may use for several parts at once.
GROUPS: dict[str, tuple[str, ...]] = {
    "back": ("lower_back", "upper_back"),
    "shoulders": ("shoulder_l", "shoulder_r"),
    "hips": ("hip_l", "hip_r"),
    **{f"leg_{s}": (f"thigh_{s}", f"shin_{s}", f"foot_{s}") for s in ("l", "r")},
    **{f"arm_{s}": (f"upper_arm_{s}", f"forearm_{s}", f"hand_{s}") for s in ("l", "r")},
    "legs": tuple(f"{p}_{s}" for s in ("l", "r") for p in ("thigh", "shin", "foot")),
    "arms": tuple(f"{p}_{s}" for s in ("l", "r") for p in ("upper_arm", "forearm", "hand")),
    "thighs": ("thigh_l", "thigh_r"),
}
# The back is drawn as one smooth curve through these points, in two pieces (lower, upper).
SPINE_POINTS = ("hips", "pelvis", "spine1", "spine2", "spine3")


def expand(names: Iterable[str]) -> frozenset[str]:
    """Part names with groups replaced by their parts."""
    out: set[str] = set()
    for name in names:
        if name not in GROUPS and name not in PARTS:
            raise ValueError(f"unknown body part {name!r}")
        out |= set(GROUPS.get(name, (name,)))
    return frozenset(out)


def _r(value: float) -> float:
    """A tenth of a pixel: enough for line art, and the same text every time."""
    out = round(value, 1)
    return 0.0 if out == 0 else out


def fmt(value: float) -> str:
    out = _r(value)
    return str(int(out)) if out == int(out) else str(out)


@dataclass(frozen=True)
class Frame:
    """Where the picture's figure units land in pixels: x = origin_x + scale * x, y = origin_y -
    scale * y (camera coordinates)."""

    scale: float
    origin_x: float
    origin_y: float = FLOOR_Y

    def px(self, p: Sequence[float]) -> tuple[float, float]:
        return (self.origin_x + p[0] * self.scale, self.origin_y - p[1] * self.scale)


@dataclass(frozen=True)
class Stroke:
    """One mark of the figure: a path (`d`) or, for the head and nose, a circle (`cx`, `cy`,
    `r`). `key` names it across the frames of an animation; `tone` is `ink`, `far` or
    `accent`."""

    key: str
    tone: str
    width: float
    depth: float
    d: str = ""
    cx: float = 0.0
    cy: float = 0.0
    r: float = 0.0


def _side(bone: Bone) -> str | None:
    end = bone[1]
    return end[-1] if end.endswith(("_l", "_r")) else None


def far_side(points: Mapping[str, Vec]) -> str:
    """The side of the body further from the viewer: its limbs are drawn in the far tone."""
    left = sum(points[n][2] for n in ("shoulder_l", "hip_l", "knee_l"))
    right = sum(points[n][2] for n in ("shoulder_r", "hip_r", "knee_r"))
    return "l" if left < right else "r"


def _smooth(points_px: Sequence[tuple[float, float]], start: int, stop: int) -> str:
    """Path data through points[start..stop] as Catmull-Rom curves (cubic Béziers), so a bent
    back reads as one curve; each piece's curve depends only on its neighbours, so pieces drawn
    separately join without a kink."""
    parts = [f"M{fmt(points_px[start][0])},{fmt(points_px[start][1])}"]
    last = len(points_px) - 1
    for i in range(start, stop):
        p0 = points_px[max(i - 1, 0)]
        p1, p2 = points_px[i], points_px[i + 1]
        p3 = points_px[min(i + 2, last)]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        parts.append(
            f"C{fmt(c1[0])},{fmt(c1[1])} {fmt(c2[0])},{fmt(c2[1])} {fmt(p2[0])},{fmt(p2[1])}"
        )
    return " ".join(parts)


def _line(a: tuple[float, float], b: tuple[float, float]) -> str:
    return f"M{fmt(a[0])},{fmt(a[1])} L{fmt(b[0])},{fmt(b[1])}"


def figure_strokes(
    points: Mapping[str, Vec], frame: Frame, highlight: frozenset[str], far: str
) -> list[Stroke]:
    """The figure's marks for one pose (camera coordinates), nearest last."""
    px = {n: frame.px(p) for n, p in points.items()}
    depth = {n: p[2] for n, p in points.items()}
    limb, trunk = 2 * fig.LIMB_RADIUS * frame.scale, 2 * fig.TRUNK_RADIUS * frame.scale
    head_radius = fig.HEAD_RADIUS * frame.scale
    out = []

    def tone_and_width(part: str, side: str | None, width: float) -> tuple[str, float]:
        if part in highlight:
            return "accent", width * HIGHLIGHT_WIDEN
        return ("far" if side == far else "ink"), width

    spine = [px[n] for n in SPINE_POINTS]
    for part, start, stop in (("lower_back", 0, 3), ("upper_back", 3, 4)):
        tone, width = tone_and_width(part, None, trunk)
        mid = sum(depth[n] for n in SPINE_POINTS[start : stop + 1]) / (stop - start + 1)
        out.append(Stroke(part, tone, width, mid, d=_smooth(spine, start, stop)))
    for part, bones in PARTS.items():
        if part in ("lower_back", "upper_back"):
            continue
        for bone in bones:
            side = _side(bone)
            base = limb
            tone, width = tone_and_width(part, side, base)
            mid = (depth[bone[0]] + depth[bone[1]]) / 2
            # Girdles sit inside the trunk: drawn just behind it.
            if part.startswith(("hip", "shoulder")):
                mid = min(mid, depth["spine2"] - 1e-3) if side == far else mid
            out.append(
                Stroke(f"{bone[0]}-{bone[1]}", tone, width, mid, d=_line(px[bone[0]], px[bone[1]]))
            )
    head_tone = "accent" if "head" in highlight else "ink"
    hx, hy = px["head"]
    fx, fy = px["face"]
    # The nose: a small bump where the face points; it hides behind the head as the face
    # turns away.
    out.append(Stroke("nose", head_tone, 0, depth["face"], cx=fx, cy=fy, r=head_radius * 0.3))
    out.append(Stroke("head", head_tone, 0, depth["head"], cx=hx, cy=hy, r=head_radius))
    out.sort(key=lambda s: s.depth)
    return out


def colour(palette: Palette, tone: str) -> str:
    """The body's ink is `currentColor` (the picture sets `color` to the palette's ink), so a
    page that puts the SVG inline can draw it in its own text colour."""
    return {"ink": "currentColor", "far": palette.far, "accent": palette.accent}[tone]


def stroke_element(stroke: Stroke, palette: Palette) -> dw.DrawingBasicElement:
    if stroke.r:
        return dw.Circle(
            fmt(stroke.cx), fmt(stroke.cy), fmt(stroke.r), fill=colour(palette, stroke.tone)
        )
    return dw.Path(
        d=stroke.d,
        stroke=colour(palette, stroke.tone),
        stroke_width=fmt(stroke.width),
        stroke_linecap="round",
        fill="none",
    )


# --- props -----------------------------------------------------------------------------------


def floor_line() -> str:
    return _line((MARGIN, FLOOR_Y), (WIDTH - MARGIN, FLOOR_Y))


def polygon(corners: Sequence[tuple[float, float]]) -> str:
    head = f"M{fmt(corners[0][0])},{fmt(corners[0][1])}"
    return " ".join([head, *(f"L{fmt(x)},{fmt(y)}" for x, y in corners[1:]), "Z"])


def prop_element(d: str, palette: Palette, width: float = PROP_WIDTH) -> dw.Path:
    return dw.Path(
        d=d,
        stroke=palette.far,
        stroke_width=fmt(width),
        stroke_linecap="round",
        stroke_linejoin="round",
        fill="none",
    )


# --- arrows and badges -----------------------------------------------------------------------


@dataclass(frozen=True)
class Arrow:
    """An arrow along `path` (pixels), with a head at the end, and at the start too when
    `both_ways`."""

    path: tuple[tuple[float, float], ...]
    both_ways: bool = False


def curved(
    start: tuple[float, float], end: tuple[float, float], bend: float, min_length: float
) -> tuple[tuple[float, float], ...]:
    """A bowed path from `start` to `end` (a quadratic curve whose control point is `bend`
    of the length to the left of the direction of travel), stretched about its middle to
    `min_length` when the movement is smaller than that."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1.0
    if length < min_length:
        grow = (min_length - length) / 2 / length
        x0, y0, x1, y1 = x0 - dx * grow, y0 - dy * grow, x1 + dx * grow, y1 + dy * grow
        dx, dy = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2 + dy * bend, (y0 + y1) / 2 - dx * bend
    return tuple(_quad((x0, y0), (cx, cy), (x1, y1), i / 16) for i in range(17))


HEAD_SIZE = 13.0


def _trim(path: Sequence[tuple[float, float]], length: float) -> list[tuple[float, float]]:
    """The path without its last `length` pixels (so the shaft ends inside the head)."""
    out = list(path)
    while len(out) > 1 and length > 0:
        (ax, ay), (bx, by) = out[-2], out[-1]
        seg = math.hypot(bx - ax, by - ay)
        if seg > length:
            t = (seg - length) / seg
            out[-1] = (ax + (bx - ax) * t, ay + (by - ay) * t)
            break
        length -= seg
        out.pop()
    return out


# Around an arrow the figure is cut away this many pixels on each side, so the arrow stays
# visible where it crosses a highlighted part of the same colour.
ARROW_GAP = 3.0


def arrow_gap(arrow: Arrow) -> dw.Mask:
    """A mask that shows everything but a band along the arrow (and round its heads)."""
    mask = dw.Mask(id="arrow-gap")
    mask.append(dw.Rectangle(0, 0, WIDTH, HEIGHT, fill="white"))
    for element in arrow_elements(arrow, LIGHT, widen=2 * ARROW_GAP):
        element.args["stroke"] = "black"
        if element.args.get("fill") != "none":
            element.args["fill"] = "black"
        mask.append(element)
    return mask


def arrow_elements(
    arrow: Arrow, palette: Palette, widen: float = 0.0
) -> list[dw.DrawingBasicElement]:
    path = list(arrow.path)
    shaft = _trim(path, HEAD_SIZE * 0.6)
    if arrow.both_ways:
        shaft = list(reversed(_trim(list(reversed(shaft)), HEAD_SIZE * 0.6)))
    out: list[dw.DrawingBasicElement] = [
        dw.Path(
            d="M" + " L".join(f"{fmt(x)},{fmt(y)}" for x, y in shaft),
            stroke=palette.accent,
            stroke_width=fmt(ARROW_WIDTH + widen),
            stroke_linecap="round",
            stroke_linejoin="round",
            fill="none",
        )
    ]
    tips = [(path[-1], _behind(path, HEAD_SIZE))]
    if arrow.both_ways:
        tips.append((path[0], _behind(list(reversed(path)), HEAD_SIZE)))
    for (tx, ty), (fx, fy) in tips:
        angle = math.atan2(ty - fy, tx - fx)
        corners = [
            (tx, ty),
            (tx - HEAD_SIZE * math.cos(angle - 0.45), ty - HEAD_SIZE * math.sin(angle - 0.45)),
            (tx - HEAD_SIZE * math.cos(angle + 0.45), ty - HEAD_SIZE * math.sin(angle + 0.45)),
        ]
        out.append(
            dw.Path(
                d=polygon(corners),
                fill=palette.accent,
                stroke=palette.accent,
                stroke_width=fmt(1.5 + widen),
                stroke_linejoin="round",
            )
        )
    return out


def _behind(path: Sequence[tuple[float, float]], length: float) -> tuple[float, float]:
    """The point `length` pixels back along the path from its end: the head points from it."""
    trimmed = _trim(path, length)
    return trimmed[-1] if len(trimmed) > 1 or trimmed[0] != path[-1] else path[0]


def _quad(
    a: tuple[float, float], c: tuple[float, float], b: tuple[float, float], t: float
) -> tuple[float, float]:
    u = 1 - t
    return (
        u * u * a[0] + 2 * u * t * c[0] + t * t * b[0],
        u * u * a[1] + 2 * u * t * c[1] + t * t * b[1],
    )


BADGE_CENTRE = (WIDTH - 34.0, 34.0)
BADGE_RADIUS = 17.0


def badge_elements(kind: str, palette: Palette) -> list[dw.DrawingBasicElement]:
    """A stopwatch (`hold`) or two arrows chasing round a circle (`repeat`), top right."""
    cx, cy = BADGE_CENTRE
    r = BADGE_RADIUS
    style = {
        "stroke": palette.accent,
        "stroke_width": 3,
        "fill": "none",
        "stroke_linecap": "round",
        "stroke_linejoin": "round",
    }
    if kind == "hold":
        return [
            dw.Circle(cx, cy + 3, r - 3, **style),
            dw.Path(d=_line((cx, cy - r + 1), (cx, cy - r - 4)), **style),
            dw.Path(d=_line((cx - 5, cy - r - 4), (cx + 5, cy - r - 4)), **style),
            dw.Path(d=_line((cx, cy + 3), (cx + 6, cy - 4)), **style),
        ]
    if kind == "repeat":
        out: list[dw.DrawingBasicElement] = []
        for start in (200.0, 20.0):
            a0, a1 = math.radians(start), math.radians(start + 140)
            p0 = (cx + r * math.cos(a0), cy + r * math.sin(a0))
            p1 = (cx + r * math.cos(a1), cy + r * math.sin(a1))
            out.append(
                dw.Path(
                    d=f"M{fmt(p0[0])},{fmt(p0[1])} "
                    f"A{fmt(r)},{fmt(r)} 0 0,1 {fmt(p1[0])},{fmt(p1[1])}",
                    **style,
                )
            )
            # Arrow head tangent to the circle at the end of the arc.
            tangent = a1 + math.pi / 2
            tip = p1
            corners = [
                (tip[0] + 7 * math.cos(tangent), tip[1] + 7 * math.sin(tangent)),
                (tip[0] + 6 * math.cos(a1), tip[1] + 6 * math.sin(a1)),
                (tip[0] - 6 * math.cos(a1), tip[1] - 6 * math.sin(a1)),
            ]
            out.append(dw.Path(d=polygon(corners), fill=palette.accent, stroke="none"))
        return out
    raise ValueError(f"unknown badge {kind!r}")
