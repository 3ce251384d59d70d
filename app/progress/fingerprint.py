"""A session's content, reduced to one hash: equal content, equal hash, however it was sent.

Timestamps are compared as instants (an offset of -05:00 and the same moment in UTC are the
same content); the server-chosen parts (id, local date, timestamps of storage) are left out.
"""

from typing import Any

from app.core.clock import as_utc
from app.progress.schemas import SessionCreate


def canonical_content(payload: SessionCreate) -> dict[str, Any]:
    return {
        "routine_id": str(payload.routine_id) if payload.routine_id else None,
        "area": payload.area.value,
        "started_at": as_utc(payload.started_at).isoformat(),
        "completed_at": as_utc(payload.completed_at).isoformat(),
        "pain_before": payload.pain_before,
        "pain_after": payload.pain_after,
        "exercises": [
            {
                "exercise_slug": e.exercise_slug,
                "sets": e.sets,
                "reps": e.reps,
                "hold_seconds": e.hold_seconds,
            }
            for e in payload.exercises
        ],
        "notes": payload.notes or None,
    }
