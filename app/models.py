"""Imports every table module so `SQLModel.metadata` is complete (for Alembic and tests)."""


def import_all_models() -> None:
    import app.accounts.models
    import app.attention.models
    import app.care.models
    import app.checkins.models
    import app.exercises.models
    import app.outcomes.models
    import app.plans.models
    import app.progress.models
    import app.reminders.models
    import app.routines.models
    import app.safety.models
    import app.shared.content
    import app.shared.sync
    import app.shares.models  # noqa: F401
