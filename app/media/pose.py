"""The figure every illustration draws: a small skeleton posed by joint angles.

Pure geometry, no drawing and no I/O. A pose is a mapping of joint angle names (such as
`hip_r.flex`) to degrees; anything not given is 0, which is a person standing straight with
arms hanging. `points()` turns a pose into named 3-D points by forward kinematics, and
`project()` turns those into 2-D points for a camera.

World axes: x to the front of a standing figure at rest, y up, z to the figure's right (x
cross y). Lengths are fractions of standing height. Each segment's frame has the same axes
as the world at rest: x anterior, y superior, z to the figure's right.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]
Pose = Mapping[str, float]

# Segment lengths as fractions of standing height: Winter's anthropometric table
# (D. A. Winter, Biomechanics and Motor Control of Human Movement, 4th ed., 2009, fig. 4.1),
# rounded; the spine's split into three equal parts, the hand and the joint offsets are
# simplified for a line drawing (inferred).
THIGH = 0.245
SHIN = 0.246
FOOT = 0.11
UPPER_ARM = 0.186
FOREARM = 0.146
HAND = 0.07
SPINE = (0.09, 0.09, 0.09)  # lumbar, lower thoracic, upper thoracic
NECK = 0.045
HEAD_RADIUS = 0.062
# Where the hips and shoulders sit relative to the spine (anterior, superior, sideways).
HIP_OFFSET = (0.035, -0.05, 0.055)
SHOULDER_OFFSET = (0.0, -0.025, 0.1)
# Half thickness of each part, for contact with the floor and for drawing.
LIMB_RADIUS = 0.015
TRUNK_RADIUS = 0.032

# Normal active ranges of motion in degrees (American Academy of Orthopaedic Surgeons, Joint
# Motion: Method of Measuring and Recording, 1965, as tabulated in Norkin and White,
# Measurement of Joint Motion, 5th ed., 2016, appendix A). The thoracolumbar ranges
# (flexion 80, extension 25, lateral bending 35, rotation 45) are split evenly over the three
# spine segments (inferred). Wrist extension is the passive range (about 90) because a hand
# flat on the floor under a near-vertical arm needs more than the active 70.
LIMITS: dict[str, tuple[float, float]] = {
    **{f"spine{i}.flex": (-25 / 3, 80 / 3) for i in (1, 2, 3)},
    **{f"spine{i}.twist": (-15.0, 15.0) for i in (1, 2, 3)},
    **{f"spine{i}.bend": (-35 / 3, 35 / 3) for i in (1, 2, 3)},
    "head.flex": (-45.0, 45.0),
    "head.turn": (-60.0, 60.0),
    **{
        f"{joint}_{side}.{axis}": limits
        for side in ("l", "r")
        for joint, axis, limits in (
            ("shoulder", "flex", (-60.0, 180.0)),
            ("shoulder", "abduct", (-30.0, 180.0)),
            ("shoulder", "rotate", (-90.0, 70.0)),
            ("elbow", "flex", (0.0, 150.0)),
            ("wrist", "flex", (-90.0, 80.0)),
            ("hip", "flex", (-30.0, 120.0)),
            ("hip", "abduct", (-30.0, 45.0)),
            ("hip", "rotate", (-45.0, 45.0)),
            ("knee", "flex", (0.0, 135.0)),
            ("ankle", "flex", (-50.0, 20.0)),
        )
    },
}
# Where the whole figure lies: not joints, so any angle (pitch 90 is lying on the back with
# the head toward -x, -90 face down with the head toward +x; roll turns the pelvis about the
# body's long axis, to the figure's left for positive values).
ROOT = ("pelvis.pitch", "pelvis.roll")
ANGLES = frozenset(LIMITS) | frozenset(ROOT)

# Segments from joint to joint, in drawing order within a side; names of points below.
BONES: tuple[tuple[str, str], ...] = (
    ("pelvis", "spine1"),
    ("spine1", "spine2"),
    ("spine2", "spine3"),
    ("spine3", "neck"),
    ("neck", "head"),
    *(
        bone
        for s in ("l", "r")
        for bone in (
            (f"hip_{s}", f"knee_{s}"),
            (f"knee_{s}", f"ankle_{s}"),
            (f"ankle_{s}", f"toe_{s}"),
            (f"shoulder_{s}", f"elbow_{s}"),
            (f"elbow_{s}", f"wrist_{s}"),
            (f"wrist_{s}", f"hand_{s}"),
        )
    ),
)


def unknown_angles(pose: Pose) -> list[str]:
    return sorted(set(pose) - ANGLES)


def out_of_range(pose: Pose) -> list[str]:
    """Each joint angle outside its human range, as `name value (low..high)`."""
    problems = []
    for name, value in sorted(pose.items()):
        limits = LIMITS.get(name)
        if limits is not None and not limits[0] - 1e-9 <= value <= limits[1] + 1e-9:
            problems.append(f"{name} {value:g} ({limits[0]:g}..{limits[1]:g})")
    return problems


# Right and left swap, and movements across the body change sign, when a pose is mirrored.
_MIRROR_NEGATED = {"pelvis.roll", "head.turn"} | {
    f"spine{i}.{axis}" for i in (1, 2, 3) for axis in ("twist", "bend")
}


def mirrored(pose: Pose) -> dict[str, float]:
    """The same pose done to the other side."""
    out: dict[str, float] = {}
    for name, value in pose.items():
        if name.endswith(("_l", "_r"), 0, name.index(".")):
            joint, axis = name.split(".")
            other = joint[:-1] + ("r" if joint.endswith("l") else "l")
            out[f"{other}.{axis}"] = value
        elif name in _MIRROR_NEGATED:
            out[name] = -value
        else:
            out[name] = value
    return out


def blend(a: Pose, b: Pose, t: float) -> dict[str, float]:
    """The pose a fraction `t` of the way from `a` to `b`, angle by angle."""
    names = sorted(set(a) | set(b))
    return {n: a.get(n, 0.0) + (b.get(n, 0.0) - a.get(n, 0.0)) * t for n in names}


# --- rotations -------------------------------------------------------------------------------


def _rx(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((1, 0, 0), (0, c, -s), (0, s, c))


def _ry(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, 0, s), (0, 1, 0), (-s, 0, c))


def _rz(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, -s, 0), (s, c, 0), (0, 0, 1))


def _mul(a: Mat, b: Mat) -> Mat:
    rows = tuple(
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3)
    )
    return rows  # type: ignore[return-value]


def _apply(m: Mat, v: Vec) -> Vec:
    return (
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    )


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _chain(*mats: Mat) -> Mat:
    out = mats[0]
    for m in mats[1:]:
        out = _mul(out, m)
    return out


# --- forward kinematics ----------------------------------------------------------------------


def points(pose: Pose) -> dict[str, Vec]:
    """Named 3-D points of the posed figure, the spine's base (`pelvis`) at the origin."""
    a = {n: 0.0 for n in ANGLES}
    a.update(pose)
    out: dict[str, Vec] = {}
    pelvis = _chain(_rz(a["pelvis.pitch"]), _ry(a["pelvis.roll"]))
    origin: Vec = (0.0, 0.0, 0.0)
    out["pelvis"] = origin

    # The spine: flexion bends forward (superior toward anterior), twist turns left, bend
    # leans right.
    frame, at = pelvis, origin
    for i, length in enumerate(SPINE, start=1):
        frame = _chain(
            frame,
            _rz(-a[f"spine{i}.flex"]),
            _rx(a[f"spine{i}.bend"]),
            _ry(a[f"spine{i}.twist"]),
        )
        at = _add(at, _apply(frame, (0.0, length, 0.0)))
        out[f"spine{i}"] = at
    chest = frame
    head_frame = _chain(chest, _rz(-a["head.flex"]), _ry(a["head.turn"]))
    out["neck"] = _add(at, _apply(head_frame, (0.0, NECK, 0.0)))
    out["head"] = _add(out["neck"], _apply(head_frame, (0.02, HEAD_RADIUS * 0.9, 0.0)))
    # Where the face points, for drawing the nose side of the head.
    out["face"] = _add(out["head"], _apply(head_frame, (HEAD_RADIUS, 0.0, 0.0)))

    for s, sign in (("r", 1.0), ("l", -1.0)):
        shoulder = _add(
            at,
            _apply(chest, (SHOULDER_OFFSET[0], SHOULDER_OFFSET[1], sign * SHOULDER_OFFSET[2])),
        )
        arm = _chain(
            chest,
            _rz(a[f"shoulder_{s}.flex"]),
            _rx(-sign * a[f"shoulder_{s}.abduct"]),
            _ry(sign * a[f"shoulder_{s}.rotate"]),
        )
        elbow = _add(shoulder, _apply(arm, (0.0, -UPPER_ARM, 0.0)))
        forearm = _chain(arm, _rz(a[f"elbow_{s}.flex"]))
        wrist = _add(elbow, _apply(forearm, (0.0, -FOREARM, 0.0)))
        hand = _add(wrist, _apply(_chain(forearm, _rz(-a[f"wrist_{s}.flex"])), (0.0, -HAND, 0.0)))
        out |= {f"shoulder_{s}": shoulder, f"elbow_{s}": elbow, f"wrist_{s}": wrist}
        out[f"hand_{s}"] = hand

        hip = _apply(pelvis, (HIP_OFFSET[0], HIP_OFFSET[1], sign * HIP_OFFSET[2]))
        thigh = _chain(
            pelvis,
            _rz(a[f"hip_{s}.flex"]),
            _rx(-sign * a[f"hip_{s}.abduct"]),
            _ry(sign * a[f"hip_{s}.rotate"]),
        )
        knee = _add(hip, _apply(thigh, (0.0, -THIGH, 0.0)))
        shin = _chain(thigh, _rz(-a[f"knee_{s}.flex"]))
        ankle = _add(knee, _apply(shin, (0.0, -SHIN, 0.0)))
        toe = _add(ankle, _apply(_chain(shin, _rz(a[f"ankle_{s}.flex"])), (FOOT, 0.0, 0.0)))
        out |= {f"hip_{s}": hip, f"knee_{s}": knee, f"ankle_{s}": ankle, f"toe_{s}": toe}
    out["hips"] = tuple((out["hip_l"][i] + out["hip_r"][i]) / 2 for i in range(3))  # type: ignore[assignment]
    return out


def radius_of(point: str) -> float:
    """How far the body reaches beyond a point: the head's radius, the trunk's half thickness
    or a limb's."""
    if point == "head":
        return HEAD_RADIUS
    if point.startswith(("pelvis", "spine")):
        return TRUNK_RADIUS
    return LIMB_RADIUS


def grounded(pts: Mapping[str, Vec], anchor: str) -> dict[str, Vec]:
    """The figure moved so that `anchor` is above the origin and its lowest part rests on the
    floor (y = 0)."""
    ax, _, az = pts[anchor]
    floor = min(p[1] - radius_of(name) for name, p in pts.items() if name != "face")
    return {name: (p[0] - ax, p[1] - floor, p[2] - az) for name, p in pts.items()}


def height_above_floor(pts: Mapping[str, Vec], name: str) -> float:
    """The gap between a part's surface and the floor (0 when it touches)."""
    return pts[name][1] - radius_of(name)


@dataclass(frozen=True)
class View:
    """An orthographic camera: turned `azimuth` degrees about the vertical from the side view
    (looking at the figure's right side, toward -z), then tilted down by `elevation`."""

    azimuth: float = 0.0
    elevation: float = 0.0

    def to_camera(self, p: Vec) -> Vec:
        """x to the right of the picture, y up, z toward the viewer."""
        return _apply(_mul(_rx(self.elevation), _ry(-self.azimuth)), p)


def project(pts: Mapping[str, Vec], view: View) -> dict[str, Vec]:
    """Camera coordinates of each point: x right, y up, z toward the viewer (for depth)."""
    return {name: view.to_camera(p) for name, p in pts.items()}
