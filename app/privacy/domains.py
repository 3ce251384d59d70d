"""Every domain's declaration of the personal data it keeps."""

import importlib
from functools import cache

from app.core.personal_data import PersonalDataSource, sources

# Accounts first: deletion walks this order backwards, so the account's own rows go last.
DOMAINS = (
    "app.accounts.privacy",
    "app.routines.privacy",
    "app.progress.privacy",
    "app.plans.privacy",
    "app.reminders.privacy",
    "app.checkins.privacy",
    "app.outcomes.privacy",
    "app.attention.privacy",
    "app.safety.privacy",
    "app.shares.privacy",
)


@cache
def load() -> None:
    for module in DOMAINS:
        importlib.import_module(module)


def all_sources() -> list[PersonalDataSource]:
    """Every registered source, with every domain's module imported first."""
    load()
    return sources()
