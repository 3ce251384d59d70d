"""The migration that adds the safety state fills it from the check-ins already stored: each
warning sign reported becomes a report, joined to one open concern per person and timeframe,
and the person's state answers for it at once. Downgrading removes the tables again."""

import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command
from sqlmodel import Session

from app.accounts.models import User
from app.checkins.models import Checkin
from app.core.db import make_engine
from app.core.migrations import alembic_config
from app.safety import service as safety
from app.safety.models import SafetyConcern, SafetyReport
from tests.support import fresh_database, migrate

BEFORE = "20261124_pain_diary"


def test_existing_warning_signs_become_concerns() -> None:
    with fresh_database() as url:
        migrate(url, BEFORE)
        engine = make_engine(url)
        person, other = uuid.uuid4(), uuid.uuid4()
        ids = [uuid.uuid4() for _ in range(5)]

        def row(n: int, owner: uuid.UUID, day: int, pain: int, flags: list[str]) -> dict:
            at = datetime(2026, 11, day, 9, 0, tzinfo=UTC)
            return {
                "id": ids[n],
                "user_id": owner,
                "recorded_at": at,
                "local_date": date(2026, 11, day),
                "pain": pain,
                "areas": {},
                "notes": None,
                "red_flags": flags,
                "cautions": [],
                "fingerprint": f"{n:064x}",
                "created_at": at,
            }

        try:
            users = User.__table__  # type: ignore[attr-defined]
            with engine.begin() as conn:
                for owner in (person, other):
                    conn.execute(
                        sa.insert(users).values(
                            id=owner,
                            email=f"{owner.hex[:8]}@example.com",
                            password_hash="!",
                            timezone="UTC",
                            usual_areas=[],
                            created_at=datetime(2026, 11, 1, tzinfo=UTC),
                        )
                    )
                conn.execute(
                    sa.insert(Checkin.__table__),  # type: ignore[attr-defined]
                    [
                        row(0, person, 2, 4, ["recent_infection"]),
                        row(1, person, 3, 5, ["saddle_numbness", "recent_infection"]),
                        row(2, person, 4, 3, ["cancer_history"]),
                        # A caution sent the old way is not a warning sign; nor is pain alone.
                        row(3, person, 5, 9, ["osteoporosis"]),
                        row(4, other, 2, 2, []),
                    ],
                )
            migrate(url)
            with Session(engine) as db:
                concerns = safety.concerns_of(db, person)
                assert [(c.timeframe, c.signs) for c in concerns] == [
                    ("soon", ["recent_infection", "cancer_history"]),
                    ("now", ["saddle_numbness", "recent_infection"]),
                ]
                assert all(c.closed_at is None and c.source == "checkin" for c in concerns)
                soon = concerns[0]
                assert soon.opened_on == date(2026, 11, 2)
                assert soon.follow_up_due_at.replace(tzinfo=UTC) == datetime(
                    2026, 11, 5, 9, 0, tzinfo=UTC
                )
                reports = safety.reports_of(db, person)
                assert [(r.source_id, r.timeframe) for r in reports] == [
                    (ids[0], "soon"),
                    (ids[1], "now"),
                    (ids[2], "soon"),
                ]
                assert reports[1].advice.startswith("Get medical help now")
                state = safety.safety_state(db, person, datetime(2026, 12, 1, tzinfo=UTC))
                assert (state.exercise.value, state.timeframe) == ("on_hold", "now")
                assert safety.concerns_of(db, other) == []
                peg = db.execute(
                    sa.text("SELECT meaningful_change_points FROM outcome_questionnaire")
                ).all()
                assert peg == []  # the seed fills it, not the migration
            config = alembic_config(url)
            config.attributes["configure_logger"] = False
            command.downgrade(config, BEFORE)
            with engine.connect() as conn:
                tables = sa.inspect(conn).get_table_names()
                assert SafetyConcern.__tablename__ not in tables
                assert SafetyReport.__tablename__ not in tables
        finally:
            engine.dispose()
