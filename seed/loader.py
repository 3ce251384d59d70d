"""Upserts the seed files into the database, keyed by slug.

Running it twice leaves the same rows; editing a file and re-running updates the rows in
place (ids stay stable, so anything referring to them survives). Rows whose slug is no longer
in the file are kept and reported, never silently deleted: user data may point at them.
"""

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from app.accounts.models import PolicyDocument
from app.care.models import CareReferral
from app.core.clock import as_utc, utcnow
from app.core.db import get_engine
from app.exercises.models import AREA_ORDER, Exercise, ExerciseTarget, SourceArticle
from app.exercises.schemas import Basis, Provenance
from app.outcomes.models import OutcomeQuestionnaire
from app.shared.content import CONTENT, ContentVersion
from app.shared.enums import Relevance
from seed import routines as routines_seed
from seed.routines import load_routines

SEED_DIR = Path(__file__).resolve().parent
log = logging.getLogger("seed")

Counts = dict[str, int]


def read_json(name: str) -> Any:
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def _range(value: dict[str, int] | None) -> tuple[int | None, int | None]:
    if value is None:
        return None, None
    return value["min"], value["max"]


def _apply(row: SQLModel, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _upsert(db: Session, model: type[Any], slug: str, values: dict[str, Any]) -> tuple[Any, str]:
    """Insert or update one row by slug; returns it and 'created', 'updated' or 'unchanged'."""
    row = db.exec(select(model).where(model.slug == slug)).first()
    if row is None:
        row = model(slug=slug, **values)
        db.add(row)
        db.flush()
        return row, "created"
    return row, "updated" if _apply(row, values) else "unchanged"


class CatalogError(ValueError):
    """The catalog file says something it cannot back up; nothing should be loaded."""


def exercise_provenance(item: dict[str, Any]) -> dict[str, Any]:
    """The move's provenance, checked: one entry for the summary, the position and per_side, and one
    for the hold and the repetitions exactly when the move has them; article facts quote the
    article and inferences give a reason."""
    slug = item["slug"]
    raw = item.get("provenance") or {}
    wanted = {"summary", "position", "per_side"}
    wanted |= {key for key in ("hold_seconds", "reps") if item[key] is not None}
    if set(raw) != wanted:
        raise CatalogError(f"{slug}: provenance must cover exactly {', '.join(sorted(wanted))}")
    out = {}
    for key, value in raw.items():
        try:
            out[key] = Provenance.model_validate(
                {"quote": None, "reason": None, **value}
            ).model_dump(mode="json")
        except ValidationError as exc:
            raise CatalogError(f"{slug}: provenance of {key}: {exc}") from exc
    return out


def _check_target(slug: str, target: dict[str, Any]) -> None:
    """A primary link is one the article states, with its words; a secondary one is inferred."""
    article = target["basis"] == Basis.ARTICLE.value
    if article != (target["relevance"] == Relevance.PRIMARY.value):
        raise CatalogError(f"{slug}: {target['area']} is primary exactly when the article says so")
    if article and not target.get("quote"):
        raise CatalogError(f"{slug}: {target['area']} needs the article's words for the link")
    if not target.get("reason"):
        raise CatalogError(f"{slug}: {target['area']} needs a reason")


def _new_counts() -> Counts:
    return {"created": 0, "updated": 0, "unchanged": 0}


def load_catalog(db: Session) -> Counts:
    data = read_json("catalog.json")
    counts = _new_counts()
    title = data["article"]["title"]
    _upsert(
        db,
        SourceArticle,
        data["article"]["slug"],
        {k: v for k, v in data["article"].items() if k != "slug"},
    )
    seen = set()
    for order, item in enumerate(data["exercises"]):
        seen.add(item["slug"])
        hold_min, hold_max = _range(item["hold_seconds"])
        reps_min, reps_max = _range(item["reps"])
        search_text = " ".join([item["name"], *item["aliases"], *item["steps"]]).lower()
        values = {
            "sort_order": order,
            "name": item["name"],
            "kind": item["kind"],
            "position": item["position"],
            "summary": item["summary"],
            "benefit": item["benefit"],
            "aliases": item["aliases"],
            "steps": item["steps"],
            "cautions": item["cautions"],
            "hold_min_seconds": hold_min,
            "hold_max_seconds": hold_max,
            "reps_min": reps_min,
            "reps_max": reps_max,
            "per_side": item["per_side"],
            "provenance": exercise_provenance(item),
            "source_title": title,
            "source_section": item["source"]["section"],
            "source_heading": item["source"]["heading"],
            "search_text": search_text,
        }
        exercise, status = _upsert(db, Exercise, item["slug"], values)
        if _sync_targets(db, exercise, item["targets"]) and status == "unchanged":
            status = "updated"
        counts[status] += 1
    stale = db.exec(select(Exercise.slug).where(Exercise.slug.not_in(seen))).all()  # type: ignore[attr-defined]
    if stale:
        log.warning("moves in the database but not in the seed file (kept): %s", ", ".join(stale))
    return counts


def _sync_targets(db: Session, exercise: Exercise, targets: list[dict[str, str]]) -> bool:
    for item in targets:
        _check_target(exercise.slug, item)
    wanted: dict[str, dict[str, Any]] = {
        t["area"]: {
            "relevance": t["relevance"],
            "reason": t["reason"],
            "basis": t["basis"],
            "quote": t.get("quote"),
            "area_order": AREA_ORDER[t["area"]],
        }
        for t in targets
    }
    existing = {t.area: t for t in exercise.targets}
    changed = False
    for area, target in existing.items():
        if area not in wanted:
            db.delete(target)
            changed = True
    for area, values in wanted.items():
        if area in existing:
            changed |= _apply(existing[area], values)
        else:
            assert exercise.id is not None
            db.add(ExerciseTarget(exercise_id=exercise.id, area=area, **values))
            changed = True
    if changed:
        db.flush()
        db.expire(exercise, ["targets"])
    return changed


def load_referrals(db: Session) -> Counts:
    data = read_json("catalog.json")
    counts = _new_counts()
    title = data["article"]["title"]
    for item in data["referrals"]:
        values = {
            "is_default": item.get("is_default", False),
            "name": item["name"],
            "location": item["location"],
            "summary": item["summary"],
            "offers": item["offers"],
            "source_title": title,
            "source_section": item["source"]["section"],
        }
        _, status = _upsert(db, CareReferral, item["slug"], values)
        counts[status] += 1
    # A clinic dropped from the file stays (history may mention it) but is never offered again.
    listed = [item["slug"] for item in data["referrals"]]
    for row in db.exec(
        select(CareReferral).where(col(CareReferral.slug).not_in(listed), CareReferral.is_default)
    ):
        row.is_default = False
        counts["updated"] += 1
    return counts


def read_policies() -> Any:
    return json.loads((SEED_DIR / "policies.json").read_text(encoding="utf-8"))


def load_policies(db: Session) -> Counts:
    """The published versions of the terms and the privacy notice, keyed by kind and
    version; a version is never changed once people may have accepted it, only added."""
    counts = _new_counts()
    for item in read_policies()["policies"]:
        values = {
            "title": item["title"],
            "url": item["url"],
            "published_at": datetime.fromisoformat(item["published_at"]),
        }
        row = db.exec(
            select(PolicyDocument).where(
                PolicyDocument.kind == item["kind"], PolicyDocument.version == item["version"]
            )
        ).first()
        if row is None:
            db.add(PolicyDocument(kind=item["kind"], version=item["version"], **values))
            counts["created"] += 1
        else:
            changed = any(
                (as_utc(v) if isinstance(v, datetime) else v)
                != (as_utc(getattr(row, k)) if k == "published_at" else getattr(row, k))
                for k, v in values.items()
            )
            if changed:
                for key, value in values.items():
                    setattr(row, key, value)
            counts["updated" if changed else "unchanged"] += 1
    db.flush()
    return counts


OUTCOME_ITEM_KEYS = {"id", "text", "anchor_low", "anchor_high"}


def load_outcomes(db: Session) -> Counts:
    """The outcome questionnaires (the PEG), their text and citation as the file states them."""
    counts = _new_counts()
    for item in read_json("outcomes.json")["questionnaires"]:
        for question in item["items"]:
            if set(question) != OUTCOME_ITEM_KEYS:
                raise CatalogError(f"{item['slug']}: each item has exactly {OUTCOME_ITEM_KEYS}")
        values = {k: v for k, v in item.items() if k != "slug"}
        _, status = _upsert(db, OutcomeQuestionnaire, item["slug"], values)
        counts[status] += 1
    return counts


# Each loader reads its own seed file; order matters when later sections refer to rows
# created by earlier ones.
LOADERS: dict[str, Callable[[Session], Counts]] = {
    "exercises": load_catalog,
    "policies": load_policies,
    "referrals": load_referrals,
    "routines": load_routines,
    "outcomes": load_outcomes,
}


def content_digest() -> str:
    """A digest of the content the loaders read: what the database holds once it is loaded.
    The reference files the app reads itself (care routes, the screen's sources) are part of
    it, so answers kept from the previous release are dropped when a new one is seeded."""
    content = [
        read_json("catalog.json"),
        routines_seed.read_routines(),
        read_policies(),
        read_json("outcomes.json"),
        read_json("care_routes.json"),
        read_json("triage_sources.json"),
    ]
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()[:32]


def record_version(db: Session, version: str) -> None:
    row = db.get(ContentVersion, 1)
    if row is None:
        db.add(ContentVersion(id=1, version=version, loaded_at=utcnow()))
    elif row.version != version:
        row.version, row.loaded_at = version, utcnow()


def load_all(engine: Engine | None = None) -> dict[str, Counts]:
    report: dict[str, Counts] = {}
    with Session(engine or get_engine()) as db:
        for name, loader in LOADERS.items():
            report[name] = loader(db)
        # In the same transaction: every process that sees the new rows sees the new version.
        record_version(db, content_digest())
        db.commit()
    CONTENT.forget()
    return report
