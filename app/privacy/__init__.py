"""A person's data across every domain: the account export and the account deletion.

This package sits above the domains. Each domain declares what it keeps in its own
`privacy.py` (see `app.shared.personal_data`); the app factory (`app.main`) hands them all to
the routes here, so a new domain joins export and deletion by adding one line there and never
by editing accounts.
"""
