"""Progress figures kept up to date as sessions are logged and deleted, so the summary reads
a few rows whatever the length of a person's history.

- progress_totals: per person, sessions, pain sums, improved sessions, flare-ups.
- progress_day: per person and local day with sessions, the same for that day.
- progress_exercise_count: per person and move, sessions that included it and sets done.
- progress_streak: runs of consecutive local days with sessions.
- ix_progress_session_user_completed gains the id, the session list's last sort key.

Filled from the existing sessions (the pain rules are those of app.progress.pain: improved is
a drop of 2 points or 30%, a flare-up a rise of 2 points or any rise to 7 or more).

Revision ID: 20261124_progress_rollups
Revises: 20261124_content_version
Create Date: 2026-11-24 14:00:00.000000
"""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "20261124_progress_rollups"
down_revision: str | None = "20261124_content_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMPROVED = (
    "(pain_before - pain_after > 0 AND (pain_before - pain_after >= 2 "
    "OR (pain_before - pain_after) * 100 >= 30 * pain_before))"
)
FLARE_UP = "(pain_after - pain_before >= 2 OR (pain_after - pain_before > 0 AND pain_after >= 7))"


def _owner(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"],
        ["user_account.id"],
        name=op.f(f"fk_{table}_user_id_user_account"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "progress_totals",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("sessions", sa.BigInteger(), nullable=False),
        sa.Column("pain_before_sum", sa.BigInteger(), nullable=False),
        sa.Column("pain_after_sum", sa.BigInteger(), nullable=False),
        sa.Column("improved", sa.BigInteger(), nullable=False),
        sa.Column("flare_ups", sa.BigInteger(), nullable=False),
        _owner("progress_totals"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_progress_totals")),
    )
    op.create_table(
        "progress_day",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("pain_before_sum", sa.Integer(), nullable=False),
        sa.Column("pain_after_sum", sa.Integer(), nullable=False),
        sa.Column("flare_ups", sa.Integer(), nullable=False),
        _owner("progress_day"),
        sa.PrimaryKeyConstraint("user_id", "local_date", name=op.f("pk_progress_day")),
    )
    op.create_table(
        "progress_exercise_count",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_progress_exercise_count_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        _owner("progress_exercise_count"),
        sa.PrimaryKeyConstraint("user_id", "exercise_id", name=op.f("pk_progress_exercise_count")),
    )
    op.create_table(
        "progress_streak",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        _owner("progress_streak"),
        sa.PrimaryKeyConstraint("user_id", "first_day", name=op.f("pk_progress_streak")),
    )
    op.create_index("ix_progress_streak_user_days", "progress_streak", ["user_id", "days"])
    op.create_index("ix_progress_streak_user_last_day", "progress_streak", ["user_id", "last_day"])
    # The session list's order in full, so a page after a cursor starts in the index.
    op.drop_index("ix_progress_session_user_completed", table_name="progress_session")
    op.create_index(
        "ix_progress_session_user_completed",
        "progress_session",
        ["user_id", "completed_at", "id"],
    )
    _backfill()


def _backfill() -> None:
    op.execute(
        "INSERT INTO progress_totals "
        "(user_id, sessions, pain_before_sum, pain_after_sum, improved, flare_ups) "
        "SELECT user_id, count(*), sum(pain_before), sum(pain_after), "
        f"sum(CASE WHEN {IMPROVED} THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN {FLARE_UP} THEN 1 ELSE 0 END) "
        "FROM progress_session GROUP BY user_id"
    )
    op.execute(
        "INSERT INTO progress_day "
        "(user_id, local_date, sessions, pain_before_sum, pain_after_sum, flare_ups) "
        "SELECT user_id, local_date, count(*), sum(pain_before), sum(pain_after), "
        f"sum(CASE WHEN {FLARE_UP} THEN 1 ELSE 0 END) "
        "FROM progress_session GROUP BY user_id, local_date"
    )
    op.execute(
        "INSERT INTO progress_exercise_count (user_id, exercise_id, sessions, sets) "
        "SELECT s.user_id, e.exercise_id, count(DISTINCT e.session_id), sum(e.sets) "
        "FROM progress_session_exercise e JOIN progress_session s ON s.id = e.session_id "
        "GROUP BY s.user_id, e.exercise_id"
    )
    days_table = sa.table(
        "progress_day",
        sa.column("user_id", sa.Uuid()),
        sa.column("local_date", sa.Date()),
    )
    runs_table = sa.table(
        "progress_streak",
        sa.column("user_id", sa.Uuid()),
        sa.column("first_day", sa.Date()),
        sa.column("last_day", sa.Date()),
        sa.column("days", sa.Integer()),
    )
    bind = op.get_bind()
    days = bind.execute(
        sa.select(days_table.c.user_id, days_table.c.local_date).order_by(
            days_table.c.user_id, days_table.c.local_date
        )
    )
    runs: list[dict[str, object]] = []
    current: tuple[object, date, date] | None = None

    def close(run: tuple[object, date, date]) -> None:
        user_id, first, last = run
        runs.append(
            {
                "user_id": user_id,
                "first_day": first,
                "last_day": last,
                "days": (last - first).days + 1,
            }
        )
        if len(runs) >= 5000:
            bind.execute(sa.insert(runs_table), runs)
            runs.clear()

    for user_id, day in days.all():
        if current is not None and current[0] == user_id and current[2] == day - timedelta(days=1):
            current = (user_id, current[1], day)
            continue
        if current is not None:
            close(current)
        current = (user_id, day, day)
    if current is not None:
        close(current)
    if runs:
        bind.execute(sa.insert(runs_table), runs)


def downgrade() -> None:
    op.drop_index("ix_progress_session_user_completed", table_name="progress_session")
    op.create_index(
        "ix_progress_session_user_completed", "progress_session", ["user_id", "completed_at"]
    )
    op.drop_index("ix_progress_streak_user_last_day", table_name="progress_streak")
    op.drop_index("ix_progress_streak_user_days", table_name="progress_streak")
    op.drop_table("progress_streak")
    op.drop_table("progress_exercise_count")
    op.drop_table("progress_day")
    op.drop_table("progress_totals")
