"""Email addresses in their one stored form (app.core.emails at this revision): NFKC, lower
case, the domain as IDNA ASCII, no trailing dot.

Accounts whose address already has that form are left alone; the others are rewritten to it,
unless two or more accounts share the form (the same mailbox signed up twice under different
spellings). Those collisions are left as they are and reported, by account id only (never the
address), as one warning line per group, for an operator to merge or close: this revision does
not guess which account a person uses. An address with no valid form at all is reported too.

Downgrade leaves the rewritten addresses as they are: the old form was a spelling, not data.

Revision ID: 20261206_email_normal_form
Revises: 20261206_clinician_shares
Create Date: 2026-12-06 12:00:00.000000
"""

import logging
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

import idna
import sqlalchemy as sa
from alembic import op

revision: str = "20261206_email_normal_form"
down_revision: str | None = "20261206_clinician_shares"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger("alembic.runtime.migration")


def normal_form(email: str) -> str | None:
    """The stored form at this revision (a trailing dot dropped), or None when there is none."""
    text = unicodedata.normalize("NFKC", email).strip().lower()
    local, at, domain = text.rpartition("@")
    domain = domain.rstrip(".")
    if not at or not local or not domain:
        return None
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None
    if "." not in ascii_domain:
        return None
    return f"{local}@{ascii_domain}"


def upgrade() -> None:
    users = sa.table("user_account", sa.column("id", sa.Uuid()), sa.column("email", sa.String()))
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.email)).all()
    groups: dict[str, list[tuple[object, str]]] = defaultdict(list)
    for user_id, email in rows:
        form = normal_form(email)
        if form is None:
            logger.warning("email normal form: account %s has an address with none", user_id)
            continue
        groups[form].append((user_id, email))
    for form, members in groups.items():
        if len(members) > 1:
            ids = ", ".join(str(user_id) for user_id, _ in sorted(members, key=str))
            logger.warning("email normal form: accounts %s share one address; left unchanged", ids)
            continue
        user_id, email = members[0]
        if email != form:
            conn.execute(users.update().where(users.c.id == user_id).values(email=form))


def downgrade() -> None:
    pass
