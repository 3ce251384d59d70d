"""A check-in's content as one hash: equal content, equal hash, however it was sent (the
moment compared as an instant, areas and screen answers in any order)."""

from typing import Any

from app.checkins.schemas import CheckinCreate
from app.core.clock import as_utc


def canonical_content(payload: CheckinCreate) -> dict[str, Any]:
    return {
        "recorded_at": as_utc(payload.recorded_at).isoformat(),
        "pain": payload.pain,
        "areas": {area.value: level for area, level in payload.areas.rated().items()},
        "notes": payload.notes or None,
        "red_flags": sorted({f.value for f in payload.red_flags}),
        "cautions": sorted({c.value for c in payload.cautions}),
    }
