"""The illustrations as a person sees them: every still (light and dark) and the animations'
keyframes rendered by Debian's headless Chromium from a running server, laid out as a contact
sheet in test-artifacts/media-contact-sheet.png, and each move's pictures compared with the
committed reference in tests/media_reference/ within a small tolerance, so a change to a
drawing is a visible, reviewed change.

After changing the drawings on purpose, write new references and look at them:
`UPDATE_MEDIA_REFERENCES=1 .venv/bin/python -m pytest tests/live/test_media_browser.py`."""

import html
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageChops

from tests.live.test_docs_browser import CHROMIUM_ARGS
from tests.live_server import ROOT, missing_tool

ARTIFACTS = ROOT / "test-artifacts"
REFERENCES = Path(__file__).resolve().parents[1] / "media_reference"
# Each picture is shown at half its size: enough to judge it, and small references.
CELL = (200, 150)
# A pixel differs when a channel moves by more than this; a move's pictures match their
# reference while at most this share of pixels differ (anti-aliasing noise stays well below).
PIXEL_THRESHOLD = 48
MAX_DIFFERING = 0.004
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing_tool("Chromium is not installed (`apt-get install chromium`; .ci/run does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("playwright is not installed (it is in the `test` extra)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="module")
def moves(live_base_url: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{live_base_url}/v1/exercises")
    assert response.status_code == 200
    return list(response.json()["data"])


@pytest.fixture(scope="module")
def keyframes(live_base_url: str, moves: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        move["slug"]: httpx.get(
            live_base_url + move["media"]["animation"]["keyframes"]["url"]
        ).json()
        for move in moves
    }


def _inline_svg(base: str, url: str) -> str:
    text = httpx.get(base + url).text
    return text.split("?>", 1)[1] if text.startswith("<?xml") else text


def frame_times(keyframes: dict[str, Any]) -> list[float]:
    """A moment inside each keyframe's hold (or the moment it is reached, when not held)."""
    return [k["reached_at_seconds"] + k["hold_seconds"] / 2 for k in keyframes["keyframes"]]


def sheet_html(base: str, moves: list[dict[str, Any]], keyframes: dict[str, Any]) -> str:
    w, h = CELL
    sections = []
    for move in moves:
        media = move["media"]
        light = "".join(
            f'<img src="{base}{s["url"]}" alt="{html.escape(s["alt"])}" width="{w}" height="{h}">'
            for s in media["steps"]
        )
        dark = "".join(
            f'<img src="{base}{s["dark"]["url"]}" alt="" width="{w}" height="{h}">'
            for s in media["steps"]
        )
        svg = _inline_svg(base, media["animation"]["url"])
        frames = "".join(
            f'<div class="frame" data-t="{t}">{svg}</div>'
            for t in frame_times(keyframes[move["slug"]])
        )
        captions = "".join(f"<li>{html.escape(s['caption'])}</li>" for s in media["steps"])
        sections.append(
            f'<section id="{move["slug"]}"><h2>{html.escape(move["name"])}</h2>'
            f'<div class="grid"><div class="row">{light}</div>'
            f'<div class="row dark">{dark}</div><div class="row">{frames}</div></div>'
            f"<ol>{captions}</ol></section>"
        )
    return (
        "<!doctype html><html><head><style>"
        "body{margin:16px;background:#fff;color:#1f2328;font:14px sans-serif}"
        "section{margin-bottom:24px}"
        ".grid{display:inline-block;background:#fff}"
        f".row{{display:flex;height:{h}px}} .row img,.frame{{width:{w}px;height:{h}px}}"
        f".frame svg{{width:{w}px;height:{h}px;display:block}}"
        ".dark{background:#1c1c1e}"
        "</style></head><body>" + "".join(sections) + "</body></html>"
    )


SET_FRAMES = """() => {
    for (const frame of document.querySelectorAll('.frame')) {
        const svg = frame.querySelector('svg');
        svg.pauseAnimations();
        svg.setCurrentTime(Number(frame.dataset.t));
    }
}"""


@pytest.fixture(scope="module")
def sheet(
    browser: Any, live_base_url: str, moves: list[dict[str, Any]], keyframes: dict[str, Any]
) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_content(sheet_html(live_base_url, moves, keyframes), wait_until="load")
    page.evaluate(SET_FRAMES)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "media-contact-sheet.png"), full_page=True)
    try:
        yield page
    finally:
        context.close()


def differing_share(actual: Image.Image, expected: Image.Image) -> float:
    diff = ImageChops.difference(actual.convert("RGB"), expected.convert("RGB"))
    worst = diff.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0).convert("L")
    # Any channel over the threshold marks the pixel.
    counts = worst.histogram()
    return 1 - counts[0] / (actual.width * actual.height)


def test_every_picture_loads(sheet: Any, moves: list[dict[str, Any]]) -> None:
    broken = sheet.evaluate(
        "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src)"
    )
    assert broken == []
    shown = sheet.evaluate("() => document.images.length")
    assert shown == 2 * sum(len(m["media"]["steps"]) for m in moves)


@pytest.mark.parametrize(
    "slug",
    ["cat-camel", "abdominal-crunches", "shoulder-rotations", "knee-rolls", "hamstring-stretch"],
)
def test_pictures_match_the_reviewed_references(sheet: Any, slug: str) -> None:
    actual = Image.open(io.BytesIO(sheet.locator(f"#{slug} .grid").screenshot()))
    reference = REFERENCES / f"{slug}.png"
    if os.environ.get("UPDATE_MEDIA_REFERENCES"):
        REFERENCES.mkdir(exist_ok=True)
        actual.save(reference, optimize=True)
    assert reference.exists(), f"no reference for {slug}: run with UPDATE_MEDIA_REFERENCES=1"
    expected = Image.open(reference)
    ARTIFACTS.mkdir(exist_ok=True)
    actual.save(ARTIFACTS / f"media-{slug}.png")
    assert actual.size == expected.size, "the move has a different number of pictures"
    share = differing_share(actual, expected)
    if share > MAX_DIFFERING:
        ImageChops.difference(actual.convert("RGB"), expected.convert("RGB")).save(
            ARTIFACTS / f"media-{slug}-diff.png"
        )
    assert share <= MAX_DIFFERING, (
        f"{slug}: {share:.2%} of pixels differ from {reference.name}; see test-artifacts/"
        f"media-{slug}.png and its -diff.png. If the change is meant, update the references."
    )


def _two_moments(browser: Any, base: str, svg_url: str, reduced_motion: str) -> tuple[Any, ...]:
    """The animation at 0.5 s and 3.1 s (different poses while it moves), and which of its
    parts show."""
    context = browser.new_context(
        reduced_motion=reduced_motion, viewport={"width": 900, "height": 700}
    )
    try:
        page = context.new_page()
        svg = _inline_svg(base, svg_url)
        page.set_content(
            f'<div class="frame" id="a" data-t="0.5">{svg}</div>'
            f'<div class="frame" id="b" data-t="3.1">{svg}</div>',
            wait_until="load",
        )
        page.evaluate(SET_FRAMES)
        shown = page.evaluate(
            "() => [...document.querySelectorAll('.motion, .still')]"
            ".map(e => getComputedStyle(e).display)"
        )
        first = Image.open(io.BytesIO(page.locator("#a svg").screenshot()))
        second = Image.open(io.BytesIO(page.locator("#b svg").screenshot()))
        return shown, differing_share(first, second)
    finally:
        context.close()


def test_reduced_motion_shows_a_still_pose(
    browser: Any, live_base_url: str, moves: list[dict[str, Any]]
) -> None:
    """With motion turned off, the animated SVG hides its moving figure and shows the
    thumbnail's pose, whatever the time; with motion on, the figure moves."""
    url = moves[0]["media"]["animation"]["url"]
    shown, change = _two_moments(browser, live_base_url, url, "reduce")
    assert shown == ["none", "inline", "none", "inline"]
    assert change <= MAX_DIFFERING
    shown, change = _two_moments(browser, live_base_url, url, "no-preference")
    assert shown == ["inline", "none", "inline", "none"]
    assert change > 0.01
