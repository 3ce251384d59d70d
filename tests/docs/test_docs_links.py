"""Every relative link in the README, CONTRIBUTING.md and the documents under `docs/` (and the
benchmark's README) leads somewhere: to a file or folder that exists and, where the link names
a heading (`#anchor`), to a heading of that document, by GitHub's slug rules."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(
    [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "bench" / "README.md"],
) + sorted((ROOT / "docs").glob("*.md"))
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")
_HEADING = re.compile(r"^#{1,6} +(.+?) *#*$", re.MULTILINE)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped,
    spaces to hyphens."""
    text = re.sub(r"[`*]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(document: Path) -> set[str]:
    """The anchors of a document's headings, with `-1`, `-2` after repeated ones."""
    seen: dict[str, int] = {}
    out = set()
    for heading in _HEADING.findall(_FENCE.sub("", document.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        out.add(base if count == 0 else f"{base}-{count}")
    return out


def links(document: Path) -> list[str]:
    text = _CODE.sub("", _FENCE.sub("", document.read_text(encoding="utf-8")))
    return [a or b for a, b in _LINK.findall(text)]


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Pain diary, outcome measure and attention", "pain-diary-outcome-measure-and-attention"),
        ("One machine: Docker Compose", "one-machine-docker-compose"),
        ("`GET /v1/me` answers", "get-v1me-answers"),
        ("Set up", "set-up"),
    ],
)
def test_slugs_follow_github(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_the_documents_are_found() -> None:
    assert all(d.is_file() for d in DOCUMENTS)
    assert len(DOCUMENTS) >= 5


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_relative_link_resolves(document: Path) -> None:
    broken = []
    for link in links(document):
        if re.match(r"^[a-z][a-z0-9+.-]*:", link):
            continue  # http:, https:, mailto: are outside the repository
        path, _, anchor = link.partition("#")
        target = (document.parent / path).resolve() if path else document
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif anchor and (target.suffix != ".md" or anchor not in anchors(target)):
            broken.append(f"{link}: no heading #{anchor} in {target.relative_to(ROOT)}")
    assert broken == [], broken
