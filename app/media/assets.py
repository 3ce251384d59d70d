"""Where the drawn illustrations live: files named by their content, and the manifest that
lists them. `python -m app.media.build` writes both; the service only reads them."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES_DIR = HERE / "files"
MANIFEST = HERE / "manifest.json"
PNG_SCALES = (1, 2, 3)
