"""A person's safety state, held in one place, and the PEG's absolute change threshold.

- safety_concern: something reported that calls for care (timeframe now, today or soon), open
  until the person says they were seen (closed_by 'person', with seen_on) or, for the kinds
  that allow it, a later answer clears it. At most one open concern per person, source and
  timeframe (a partial unique index), so a second report of the same kind joins the open one.
- safety_report: what was reported with each concern (warning signs, pain, the advice given),
  with no foreign key to the check-in, session or PEG response it came with: replacing or
  deleting that keeps the report.
- outcome_questionnaire gains meaningful_change_points and its source; the seed, which
  backpain-migrate loads right after this revision, fills them.

Filled from the existing check-ins: each check-in whose warning signs sent the person to be
seen becomes a report, joined to one open concern per person and timeframe, with the tiers of
the safety screen at this revision (app.recommendations.screening): a fall or minor injury
counts as same-day, since check-ins carry no age. Each concern's follow-up is due 6 hours
(now), a day (today) or 3 days (soon) after it opened, as app.safety.logic says.

Revision ID: 20261206_safety_state
Revises: 20261206_birth_year_region
Create Date: 2026-12-06 09:00:00.000000
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "20261206_safety_state"
down_revision: str | None = "20261206_birth_year_region"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES = "source IN ('checkin', 'recommendation', 'session', 'peg', 'diary_trend')"
TIMEFRAMES = "timeframe IN ('now', 'today', 'soon')"
OPEN_ONLY = sa.text("closed_at IS NULL")

# The screen's tiers at this revision; caution ids sent in red_flags are not warning signs.
TIERS = {
    "saddle_numbness": "now",
    "bladder_bowel_change": "now",
    "sexual_dysfunction": "now",
    "both_legs_numb_or_weak": "now",
    "both_legs_pain": "now",
    "leg_weakness_worsening": "now",
    "leg_weakness_both_or_worsening": "now",
    "difficulty_walking": "now",
    "chest_pain": "now",
    "major_trauma": "now",
    "fever_or_unwell": "today",
    "unexplained_weight_loss": "today",
    "new_lump_or_deformity": "today",
    "night_pain": "today",
    "pain_at_rest": "today",
    "night_or_rest_pain": "today",
    "cough_sneeze_strain_pain": "today",
    "pain_unchanged_by_movement": "today",
    "fall_or_minor_injury": "today",
    "cancer_history": "soon",
    "recent_infection": "soon",
    "injected_drugs": "soon",
    "recent_spinal_procedure": "soon",
    "weakened_immune_system": "soon",
    "long_term_steroids": "soon",
}
URGENCY = ("now", "today", "soon")
FOLLOW_UP_AFTER = {"now": timedelta(hours=6), "today": timedelta(days=1), "soon": timedelta(days=3)}
ADVICE = {
    "now": "Get medical help now: call your local emergency number or go to the nearest "
    "emergency department.",
    "today": "Please have a doctor check you today: ask your doctor's practice for a same-day "
    "appointment, or go to an urgent care or out-of-hours service if they cannot see you today. "
    "If you feel very unwell or get worse, call your local emergency number. Hold off the "
    "exercises until a doctor has seen you.",
    "soon": "Please see a doctor in the next few days, before trying these exercises: book an "
    "appointment with your doctor. Self-guided exercise isn't the right first step for what "
    "you've described.",
}


def _owner(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"],
        ["user_account.id"],
        name=op.f(f"fk_{table}_user_id_user_account"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "safety_concern",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("timeframe", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("signs", sa.JSON(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("last_reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("follow_up_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("follow_up_reminder_id", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("closing_source_id", sa.Uuid(), nullable=True),
        sa.Column("seen_on", sa.Date(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(SOURCES, name=op.f("ck_safety_concern_source")),
        sa.CheckConstraint(TIMEFRAMES, name=op.f("ck_safety_concern_timeframe")),
        sa.CheckConstraint(
            "closed_by IN ('person', 'later_screen', 'later_peg')",
            name=op.f("ck_safety_concern_closed_by"),
        ),
        _owner("safety_concern"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_concern")),
    )
    op.create_index(
        "ix_safety_concern_open",
        "safety_concern",
        ["user_id", "source", "timeframe"],
        unique=True,
        sqlite_where=OPEN_ONLY,
        postgresql_where=OPEN_ONLY,
    )
    op.create_index(
        "ix_safety_concern_user_opened", "safety_concern", ["user_id", "opened_at"], unique=False
    )
    op.create_table(
        "safety_report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("concern_id", sa.Uuid(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.Column("cautions", sa.JSON(), nullable=False),
        sa.Column("timeframe", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("advice", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(SOURCES, name=op.f("ck_safety_report_source")),
        sa.CheckConstraint(TIMEFRAMES, name=op.f("ck_safety_report_timeframe")),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["safety_concern.id"],
            name=op.f("fk_safety_report_concern_id_safety_concern"),
            ondelete="CASCADE",
        ),
        _owner("safety_report"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_report")),
    )
    op.create_index(
        op.f("ix_safety_report_concern_id"), "safety_report", ["concern_id"], unique=False
    )
    op.create_index(
        "ix_safety_report_user_day", "safety_report", ["user_id", "local_date"], unique=False
    )
    with op.batch_alter_table("outcome_questionnaire") as batch:
        batch.add_column(sa.Column("meaningful_change_points", sa.Float(), nullable=True))
        batch.add_column(
            sa.Column(
                "meaningful_change_points_source",
                sqlmodel.sql.sqltypes.AutoString(length=2000),
                nullable=True,
            )
        )
    _fill_from_checkins()


def _fill_from_checkins() -> None:
    checkin = sa.table(
        "checkin",
        sa.column("id", sa.Uuid()),
        sa.column("user_id", sa.Uuid()),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
        sa.column("local_date", sa.Date()),
        sa.column("pain", sa.Integer()),
        sa.column("red_flags", sa.JSON()),
        sa.column("cautions", sa.JSON()),
    )
    concern = sa.table(
        "safety_concern",
        *(
            sa.column(name, kind)
            for name, kind in [
                ("id", sa.Uuid()),
                ("user_id", sa.Uuid()),
                ("source", sa.String()),
                ("timeframe", sa.String()),
                ("reasons", sa.JSON()),
                ("signs", sa.JSON()),
                ("opened_at", sa.DateTime(timezone=True)),
                ("opened_on", sa.Date()),
                ("last_reported_at", sa.DateTime(timezone=True)),
                ("follow_up_due_at", sa.DateTime(timezone=True)),
                ("created_at", sa.DateTime(timezone=True)),
            ]
        ),
    )
    report = sa.table(
        "safety_report",
        *(
            sa.column(name, kind)
            for name, kind in [
                ("id", sa.Uuid()),
                ("user_id", sa.Uuid()),
                ("concern_id", sa.Uuid()),
                ("source", sa.String()),
                ("source_id", sa.Uuid()),
                ("reported_at", sa.DateTime(timezone=True)),
                ("local_date", sa.Date()),
                ("pain", sa.Integer()),
                ("red_flags", sa.JSON()),
                ("cautions", sa.JSON()),
                ("timeframe", sa.String()),
                ("reasons", sa.JSON()),
                ("advice", sa.String()),
                ("created_at", sa.DateTime(timezone=True)),
            ]
        ),
    )
    bind = op.get_bind()
    now = datetime.now(UTC)
    concerns: dict[tuple[uuid.UUID, str], dict[str, object]] = {}
    reports: list[dict[str, object]] = []
    rows = bind.execute(sa.select(checkin).order_by(checkin.c.recorded_at, checkin.c.id))
    for row in rows:
        signs = [f for f in row.red_flags if f in TIERS]
        if not signs:
            continue
        timeframe = min((TIERS[f] for f in signs), key=URGENCY.index)
        at = row.recorded_at if row.recorded_at.tzinfo else row.recorded_at.replace(tzinfo=UTC)
        key = (row.user_id, timeframe)
        held = concerns.get(key)
        if held is None:
            held = concerns[key] = {
                "id": uuid.uuid4(),
                "user_id": row.user_id,
                "source": "checkin",
                "timeframe": timeframe,
                "reasons": [],
                "signs": [],
                "opened_at": at,
                "opened_on": row.local_date,
                "follow_up_due_at": at + FOLLOW_UP_AFTER[timeframe],
                "created_at": now,
            }
        held["signs"] = list(dict.fromkeys([*held["signs"], *signs]))
        held["last_reported_at"] = at
        reports.append(
            {
                "id": uuid.uuid4(),
                "user_id": row.user_id,
                "concern_id": held["id"],
                "source": "checkin",
                "source_id": row.id,
                "reported_at": at,
                "local_date": row.local_date,
                "pain": row.pain,
                "red_flags": list(row.red_flags),
                "cautions": list(row.cautions),
                "timeframe": timeframe,
                "reasons": [],
                "advice": ADVICE[timeframe],
                "created_at": now,
            }
        )
    if concerns:
        op.bulk_insert(concern, list(concerns.values()))
        op.bulk_insert(report, reports)


def downgrade() -> None:
    with op.batch_alter_table("outcome_questionnaire") as batch:
        batch.drop_column("meaningful_change_points_source")
        batch.drop_column("meaningful_change_points")
    op.drop_index("ix_safety_report_user_day", table_name="safety_report")
    op.drop_index(op.f("ix_safety_report_concern_id"), table_name="safety_report")
    op.drop_table("safety_report")
    op.drop_index("ix_safety_concern_user_opened", table_name="safety_concern")
    op.drop_index(
        "ix_safety_concern_open",
        table_name="safety_concern",
        sqlite_where=OPEN_ONLY,
        postgresql_where=OPEN_ONLY,
    )
    op.drop_table("safety_concern")
