"""`python -m app.media.build`: draw every illustration from `seed/poses.json`.

Writes each file under `app/media/files/`, named by the SHA-256 of its bytes (so a changed
drawing gets a new URL and an unchanged one keeps its URL and its caches), and lists them in
`app/media/manifest.json`, which is all the service reads when it starts. For each step of each
move: an SVG for light backgrounds and one for dark, each also as PNG at 1x, 2x and 3x; for
each move an animated SVG in both variants and its keyframes as JSON.

The files are committed: the server never draws, so it starts as fast as before and needs
neither drawing library. `--check` draws everything again in memory and fails, listing what
differs, when the committed files are not what the seed draws (the same seed always draws
the same bytes).
"""

import argparse
import hashlib
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import resvg_py
from PIL import Image

from app.media import draw, illustrate
from app.media.assets import FILES_DIR, MANIFEST, PNG_SCALES

MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json"}
# Bytes of the name kept from the SHA-256, in hex: 80 bits, far from any collision among a few
# hundred files.
NAME_HEX = 20


def name_for(body: bytes, suffix: str) -> str:
    return hashlib.sha256(body).hexdigest()[:NAME_HEX] + suffix


# Colours kept when a PNG is reduced to a palette: line art in four colours and their
# anti-aliased edges needs few, and the file is about a quarter of the full-colour one.
PNG_COLOURS = 64


def png(svg: str, scale: int) -> bytes:
    """The SVG rasterised by resvg at `scale` times its size, on a transparent background,
    reduced to a palette."""
    full = bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=scale, skip_system_fonts=True))
    with Image.open(io.BytesIO(full)) as image:
        reduced = image.quantize(colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    reduced.save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass
class Output:
    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, body: bytes, suffix: str) -> str:
        name = name_for(body, suffix)
        self.files[name] = body
        return name


def render(book: illustrate.PoseBook) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and every file, by name."""
    out = Output()
    moves: dict[str, Any] = {}
    for art in book.moves:
        drawing = illustrate.MoveDrawing(art)
        steps = []
        for keyframe in art.keyframes:
            entry: dict[str, Any] = {"step": keyframe.step, "alt": keyframe.alt}
            for palette in draw.PALETTES:
                svg = drawing.still_svg(keyframe, palette)
                entry[palette.name] = {
                    "svg": out.add(svg.encode(), ".svg"),
                    "png": [out.add(png(svg, scale), ".png") for scale in PNG_SCALES],
                }
            steps.append(entry)
        keyframes = json.dumps(drawing.keyframes_json(), indent=1, sort_keys=True) + "\n"
        moves[art.slug] = {
            "thumbnail_step": art.thumbnail_step,
            "steps": steps,
            "animation": {
                "alt": art.animation_alt,
                "duration_seconds": round(drawing.duration, 3),
                "keyframes": out.add(keyframes.encode(), ".json"),
                **{
                    palette.name: out.add(drawing.animation_svg(palette).encode(), ".svg")
                    for palette in draw.PALETTES
                },
            },
        }
    manifest = {
        "width": draw.WIDTH,
        "height": draw.HEIGHT,
        "png_scales": list(PNG_SCALES),
        "moves": moves,
        "files": {name: MEDIA_TYPES[Path(name).suffix] for name in sorted(out.files)},
    }
    return manifest, out.files


def manifest_text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def differences(manifest: dict[str, Any], files: dict[str, bytes]) -> list[str]:
    """What the committed files lack or have beyond what the seed draws."""
    problems = []
    if not MANIFEST.exists() or MANIFEST.read_text(encoding="utf-8") != manifest_text(manifest):
        problems.append(f"{MANIFEST.name} differs")
    on_disk = {p.name for p in FILES_DIR.iterdir()} if FILES_DIR.exists() else set()
    for name in sorted(set(files) - on_disk):
        problems.append(f"missing {name}")
    for name in sorted(on_disk - set(files)):
        problems.append(f"not drawn by the seed: {name}")
    for name in sorted(set(files) & on_disk):
        if (FILES_DIR / name).read_bytes() != files[name]:
            problems.append(f"bytes differ: {name}")
    return problems


def write(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    FILES_DIR.mkdir(parents=True, exist_ok=True)
    for path in FILES_DIR.iterdir():
        if path.name not in files:
            path.unlink()
    for name, body in files.items():
        path = FILES_DIR / name
        if not path.exists() or path.read_bytes() != body:
            path.write_bytes(body)
    MANIFEST.write_text(manifest_text(manifest), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.media.build", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="fail if the committed files are out of date"
    )
    args = parser.parse_args(argv)
    manifest, files = render(illustrate.load())
    if args.check:
        problems = differences(manifest, files)
        if problems:
            print("app/media is out of date with seed/poses.json; run `python -m app.media.build`:")
            for problem in problems:
                print(f"  {problem}")
            return 1
        print(f"{len(files)} media files match seed/poses.json")
        return 0
    write(manifest, files)
    size = sum(len(body) for body in files.values())
    print(f"wrote {len(files)} files ({size / 1024:.0f} KiB) and {MANIFEST.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
