"""The keyframes in seed/poses.json, reviewed like content: every step of every move has a
picture whose keyframe quotes the article's words, whose alt text says what the step says,
whose joint angles a person can reach, and whose figure does what the step asks (hands and
knees on the floor, back on the floor, and so on). Also the drawing's promises: contrast,
highlight not by colour alone, the same seed always drawing the same bytes."""

import json
import math
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from app.media import build, draw, illustrate
from app.media import pose as fig
from app.media.assets import FILES_DIR, MANIFEST
from app.media.pose import Vec

ROOT = Path(__file__).resolve().parents[2]
CATALOG = json.loads((ROOT / "seed" / "catalog.json").read_text(encoding="utf-8"))
MOVES = {m["slug"]: m for m in CATALOG["exercises"]}
# A part touches the floor when its surface is within this of it (figure heights: ~2 cm).
TOUCHING = 0.012


@cache
def book() -> illustrate.PoseBook:
    return illustrate.load()


@cache
def drawing(slug: str) -> illustrate.MoveDrawing:
    return illustrate.MoveDrawing(next(a for a in book().moves if a.slug == slug))


def world(slug: str, pose: str) -> dict[str, Vec]:
    d = drawing(slug)
    return d.world(d.poses[pose])


def on_floor(pts: Mapping[str, Vec], *names: str) -> bool:
    return all(fig.height_above_floor(pts, n) < TOUCHING for n in names)


def tilt(pts: Mapping[str, Vec], low: str, high: str) -> float:
    """Degrees from horizontal of the line from `low` to `high`."""
    (x0, y0, z0), (x1, y1, z1) = pts[low], pts[high]
    return math.degrees(math.atan2(y1 - y0, math.hypot(x1 - x0, z1 - z0)))


def turn(pts: Mapping[str, Vec], left: str, right: str) -> float:
    """Heading in degrees, about the vertical, of the line from `left` to `right`."""
    return math.degrees(math.atan2(pts[right][0] - pts[left][0], pts[right][2] - pts[left][2]))


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9-]+", text.lower().replace("’", "'")))


# --- the keyframes are the article's steps ----------------------------------------------------


def test_every_move_of_the_catalog_is_drawn_and_nothing_else() -> None:
    assert [a.slug for a in book().moves] == list(MOVES)


@pytest.mark.parametrize("slug", list(MOVES))
def test_one_keyframe_per_step_quoting_the_article(slug: str, source_article: str) -> None:
    art = next(a for a in book().moves if a.slug == slug)
    steps = MOVES[slug]["steps"]
    assert [k.step for k in art.keyframes] == list(range(1, len(steps) + 1))
    for keyframe, step in zip(art.keyframes, steps, strict=True):
        assert keyframe.quote in source_article, f"not the article's words: {keyframe.quote!r}"
        # The quote is the step's own text (the catalog drops the article's "Next,"/"Then,").
        assert words(keyframe.quote) in words(step) or words(step) in words(keyframe.quote)


# Words a step may use for the body and what it does; a step's alt text must say each of
# them that the step says (any form: "arch" covers "arches").
STEP_WORDS = (
    "hands", "knees", "back", "lower back", "upper back", "chest", "chin", "head", "floor",
    "upper body", "toes", "hamstrings", "side", "other side", "sitting", "lie", "lay",
    "stand", "arch", "straighten", "push", "tilt", "lift", "rotate", "turn", "twist", "raise",
    "bend", "hold", "repeat", "repetitions", "upward", "up",
)  # fmt: skip
SAME_MEANING = {"lay": "lying", "lie": "lying", "repetitions": "repetitions", "up": "up"}


@pytest.mark.parametrize("slug", list(MOVES))
def test_alt_text_says_what_the_step_says(slug: str) -> None:
    art = next(a for a in book().moves if a.slug == slug)
    for keyframe, step in zip(art.keyframes, MOVES[slug]["steps"], strict=True):
        step_words, alt = words(step), words(keyframe.alt)
        for word in STEP_WORDS:
            if re.search(rf"\b{word}\b", step_words):
                stem = SAME_MEANING.get(word, word.rstrip("e") if word.endswith("ise") else word)
                assert re.search(rf"\b{stem}", alt), f"step {keyframe.step}: alt lacks {word!r}"
        for number in re.findall(r"\d+(?:-\d+)?", step):
            assert number in keyframe.alt, f"step {keyframe.step}: alt lacks {number}"


def test_thumbnails_show_a_step_that_moves() -> None:
    for art in book().moves:
        thumbnail = next(k for k in art.keyframes if k.step == art.thumbnail_step)
        assert thumbnail.highlight and thumbnail.arrow, art.slug


# --- a person can do it -----------------------------------------------------------------------


def every_pose() -> list[tuple[str, str, dict[str, float]]]:
    return [
        (art.slug, name, pose)
        for art in book().moves
        for name, pose in drawing(art.slug).poses.items()
    ]


@pytest.mark.parametrize(("slug", "name", "pose"), every_pose())
def test_joint_angles_stay_within_human_ranges(
    slug: str, name: str, pose: dict[str, float]
) -> None:
    assert fig.unknown_angles(pose) == []
    assert fig.out_of_range(pose) == []


@pytest.mark.parametrize("slug", list(MOVES))
def test_the_animation_stays_within_human_ranges(slug: str) -> None:
    for sample in drawing(slug).samples():
        assert fig.out_of_range(sample.pose) == [], f"at {sample.seconds:.2f} s"


@pytest.mark.parametrize(
    ("pose", "problem"),
    [
        ({"knee_r.flex": -10}, "knee_r.flex -10 (0..135)"),
        ({"elbow_l.flex": 170}, "elbow_l.flex 170 (0..150)"),
        ({"head.turn": 90}, "head.turn 90 (-60..60)"),
        ({"spine1.flex": 40}, "spine1.flex 40 (-8.33333..26.6667)"),
        ({"pelvis.pitch": 90, "hip_r.flex": 120}, None),
    ],
)
def test_the_limit_check_names_what_is_out_of_range(
    pose: dict[str, float], problem: str | None
) -> None:
    assert fig.out_of_range(pose) == ([problem] if problem else [])


def test_mirroring_swaps_sides_and_turns() -> None:
    pose = {"hip_l.flex": 30, "pelvis.roll": 20, "spine2.twist": 10, "head.flex": 5}
    assert fig.mirrored(pose) == {
        "hip_r.flex": 30, "pelvis.roll": -20, "spine2.twist": -10, "head.flex": 5,
    }  # fmt: skip
    pts, other = fig.points(pose), fig.points(fig.mirrored(pose))
    for name, (x, y, z) in pts.items():
        twin = name[:-1] + {"l": "r", "r": "l"}[name[-1]] if name[-2:] in ("_l", "_r") else name
        assert other[twin] == pytest.approx((x, y, -z), abs=1e-9)


# --- the figure does what the step says -------------------------------------------------------


def bulge(pts: Mapping[str, Vec]) -> float:
    """How far the middle of the back (spine2) is above the straight line from the pelvis to
    the top of the back (negative: below it)."""
    (x0, y0, _), (x1, y1, _), (x, y, _) = pts["pelvis"], pts["spine3"], pts["spine2"]
    return y - (y0 + (x - x0) / (x1 - x0) * (y1 - y0))


def knees_up(pts: Mapping[str, Vec]) -> bool:
    """Knees pointed up: each thigh rises at least 35 degrees from the hip."""
    return all(tilt(pts, f"hip_{s}", f"knee_{s}") > 35 for s in ("l", "r"))


def test_cat_camel_starts_on_hands_and_knees_with_a_level_back() -> None:
    pts = world("cat-camel", "straight")
    assert on_floor(pts, "hand_l", "hand_r", "knee_l", "knee_r")
    assert abs(tilt(pts, "pelvis", "spine3")) < 8
    # Hands about under the shoulders, knees under the hips.
    assert abs(pts["wrist_r"][0] - pts["shoulder_r"][0]) < 0.13
    assert abs(pts["knee_r"][0] - pts["hip_r"][0]) < 0.03


def test_cat_camel_arches_up_then_sags_with_hands_and_knees_in_place() -> None:
    straight, arched, sagged = (world("cat-camel", p) for p in ("straight", "arched", "sagged"))
    for pts in (arched, sagged):
        assert on_floor(pts, "hand_l", "hand_r", "knee_l", "knee_r")
        for planted in ("hand_r", "knee_r"):
            assert pts[planted] == pytest.approx(straight[planted], abs=0.01)
    # Arch: the middle of the back bows up above the line from pelvis to shoulders, and the
    # chin comes to the chest (the head drops).
    assert bulge(straight) == pytest.approx(0, abs=0.002)
    assert bulge(arched) > 0.015
    assert arched["head"][1] < straight["head"][1] - 0.05
    # Chest toward the floor: the back dips below that line; head up.
    assert bulge(sagged) < -0.008
    assert sagged["head"][1] > straight["head"][1] + 0.03


LYING_BACK = ("pelvis", "spine1", "spine2", "spine3", "head")


def test_crunch_lies_on_the_back_knees_up_hands_on_the_chest_then_lifts_the_chest() -> None:
    lying, lifted = world("abdominal-crunches", "lying"), world("abdominal-crunches", "lifted")
    assert on_floor(lying, *LYING_BACK, "ankle_l", "ankle_r")
    assert knees_up(lying)
    # Hands crossed over the chest: each wrist past the middle of the body, on top of the
    # chest (above the back, between the lower ribs and the neck).
    chest = sorted((lying["spine1"][0], lying["neck"][0]))
    for wrist, side in (("wrist_r", -1), ("wrist_l", 1)):
        assert side * lying[wrist][2] > 0, f"{wrist} crosses the middle"
        assert lying[wrist][1] > lying["spine2"][1] + fig.TRUNK_RADIUS
        assert chest[0] < lying[wrist][0] < chest[1]
    assert on_floor(lifted, "pelvis", "ankle_l", "ankle_r")
    assert 0.03 < fig.height_above_floor(lifted, "spine3") < 0.15  # slightly up
    assert lifted["head"][0] > lying["head"][0]  # chin toward the knees


def test_shoulder_rotation_sits_on_the_chair_and_turns_the_upper_body_only() -> None:
    d = drawing("shoulder-rotations")
    seated, turned = world("shoulder-rotations", "seated"), world("shoulder-rotations", "turned")
    other = world("shoulder-rotations", "turned_other")
    seat = min(a[1] for a, b in d.chair_lines if a[1] == b[1] and a[1] > 0)
    for pts in (seated, turned, other):
        assert on_floor(pts, "ankle_l", "ankle_r", "toe_l", "toe_r")
        assert fig.height_above_floor(pts, "hip_r") == pytest.approx(seat, abs=0.005)
        assert abs(tilt(pts, "pelvis", "spine1")) > 80  # lower back straight, upright
        assert turn(pts, "hip_l", "hip_r") == pytest.approx(turn(seated, "hip_l", "hip_r"))
    assert turn(seated, "shoulder_l", "shoulder_r") == pytest.approx(0, abs=1)
    assert turn(turned, "shoulder_l", "shoulder_r") > 20
    assert turn(other, "shoulder_l", "shoulder_r") < -20
    assert d.poses["turned"].get("spine1.twist", 0) == 0  # the lower back does not turn


def test_knee_rolls_keep_the_upper_back_down_and_roll_the_knees_to_each_side() -> None:
    up = world("knee-rolls", "knees_up")
    assert on_floor(up, *LYING_BACK, "ankle_l", "ankle_r")
    assert knees_up(up)
    for pose, side in (("rolled", 1), ("rolled_other", -1)):
        pts = world("knee-rolls", pose)
        assert on_floor(pts, "spine2", "spine3", "head")  # the upper back stays down
        for knee in ("knee_l", "knee_r"):
            assert pts[knee][1] < up[knee][1] - 0.08  # knees point outward, toward the floor
            assert side * (pts[knee][2] - up[knee][2]) > 0.1  # to one side, then the other


def test_hamstring_stretch_stands_then_bends_down_to_the_toes() -> None:
    standing, folded = world("hamstring-stretch", "standing"), world("hamstring-stretch", "folded")
    for pts in (standing, folded):
        assert on_floor(pts, "ankle_l", "ankle_r", "toe_l", "toe_r")
    assert tilt(standing, "pelvis", "spine3") == pytest.approx(90)
    assert standing["head"][1] > 0.9
    assert math.dist(folded["hand_r"], folded["toe_r"]) < 0.05  # touches the toes
    assert folded["head"][1] < folded["hip_r"][1]
    assert drawing("hamstring-stretch").poses["folded"]["knee_r.flex"] <= 10  # legs straight


# --- the animation ----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(MOVES))
def test_holds_are_the_articles_and_per_side_moves_show_both_sides(slug: str) -> None:
    move, d = MOVES[slug], drawing(slug)
    holds = [s.item for s in d.timeline if s.item.article_hold]
    if move["hold_seconds"] is None:
        assert holds == []
    else:
        assert holds
        for item in holds:
            low, high = move["hold_seconds"]["min"], move["hold_seconds"]["max"]
            assert low <= item.hold_seconds <= high
    if move["per_side"]:
        held = [d.poses[item.pose] for item in holds]
        assert len(held) == 2 and held[1] == pytest.approx(fig.mirrored(held[0]))


def test_knee_rolls_hold_three_seconds_on_each_side() -> None:
    holds = [s for s in drawing("knee-rolls").timeline if s.item.article_hold]
    assert [round(s.end - s.held, 3) for s in holds] == [3, 3]


def test_an_animation_holds_still_through_a_hold() -> None:
    d = drawing("knee-rolls")
    segment = next(s for s in d.timeline if s.item.article_hold)
    during = [s for s in d.samples() if segment.held <= s.seconds <= segment.end]
    assert [s.seconds for s in during] == [segment.held, segment.end]
    assert during[0].pose == during[1].pose


# --- how it is drawn --------------------------------------------------------------------------


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("palette", draw.PALETTES, ids=lambda p: p.name)
def test_every_colour_has_at_least_4_5_to_1_contrast_on_its_backgrounds(
    palette: draw.Palette,
) -> None:
    for colour in (palette.ink, palette.far, palette.accent):
        for background in palette.backgrounds:
            assert contrast(colour, background) >= 4.5, (colour, background)


def test_the_committed_pictures_use_only_their_palettes_colours() -> None:
    allowed = {"none", "currentColor", "white", "black"}
    for palette in draw.PALETTES:
        allowed |= {palette.ink, palette.far, palette.accent}
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    for name in (n for n in manifest["files"] if n.endswith(".svg")):
        text = (FILES_DIR / name).read_text(encoding="utf-8")
        used = set(re.findall(r'(?:stroke|fill|color)="([^"]+)"', text))
        assert used <= allowed, (name, used - allowed)
        # The ink is currentColor, with the variant's ink as the picture's own colour.
        assert re.search(r'<svg[^>]* color="#[0-9a-f]{6}"', text), name


def test_highlight_is_wider_not_only_another_colour() -> None:
    d = drawing("cat-camel")
    pose = d.poses["arched"]
    plain = {s.key: s for s in d.strokes(pose, frozenset())}
    marked = {s.key: s for s in d.strokes(pose, draw.expand(["back", "head"]))}
    assert marked["upper_back"].tone == "accent"
    assert marked["upper_back"].width >= 1.4 * plain["upper_back"].width
    assert marked["knee_r-ankle_r"] == plain["knee_r-ankle_r"]


def test_every_picture_has_its_alt_text_as_its_title() -> None:
    art = book().moves[0]
    svg = drawing(art.slug).still_svg(art.keyframes[0], draw.LIGHT)
    assert f"<title>{art.keyframes[0].alt}</title>" in svg
    assert 'role="img"' in svg


def test_the_same_seed_draws_the_same_bytes_as_the_committed_svgs() -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    for art in book().moves:
        d = illustrate.MoveDrawing(art)
        entry = manifest["moves"][art.slug]
        for keyframe, step in zip(art.keyframes, entry["steps"], strict=True):
            for palette in draw.PALETTES:
                svg = d.still_svg(keyframe, palette).encode()
                assert build.name_for(svg, ".svg") == step[palette.name]["svg"]
                assert (FILES_DIR / step[palette.name]["svg"]).read_bytes() == svg
        for palette in draw.PALETTES:
            animation = d.animation_svg(palette).encode()
            assert build.name_for(animation, ".svg") == entry["animation"][palette.name]


def test_a_changed_pose_draws_a_new_file_name() -> None:
    art = book().moves[0]
    changed_poses: dict[str, Any] = {**art.poses, "arched": {**art.poses["arched"]}}
    changed_poses["arched"]["head.flex"] = 20
    changed = art.model_copy(update={"poses": changed_poses})
    keyframe = art.keyframes[1]
    before = drawing(art.slug).still_svg(keyframe, draw.LIGHT).encode()
    after = illustrate.MoveDrawing(changed).still_svg(keyframe, draw.LIGHT).encode()
    assert build.name_for(before, ".svg") != build.name_for(after, ".svg")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m["keyframes"].pop(0), "keyframes must show steps 1..n"),
        (lambda m: m["keyframes"][0].update(pose="nowhere"), "unknown poses nowhere"),
        (lambda m: m["keyframes"][0].update(highlight=["tail"]), "unknown body part"),
        (lambda m: m["poses"]["straight"].update({"tail.wag": 3}), "unknown angles tail.wag"),
        (lambda m: m["animation"].pop(), "ends where it began"),
    ],
)
def test_the_seed_refuses_keyframes_it_cannot_draw(edit: Any, message: str) -> None:
    raw = json.loads(illustrate.POSES_FILE.read_text(encoding="utf-8"))
    edit(raw["moves"][0])
    with pytest.raises(ValueError, match=message):
        illustrate.PoseBook.model_validate(raw)
