"""Python imports this module at start-up when its folder is on PYTHONPATH, as it is for the
servers the tests start (tests/live_server.py): every process of such a server, uvicorn's
workers included, hashes passwords at the suite's cheap Argon2 cost (the parameters of
tests/conftest.py's `cheap_password_hashing`), not at production's 64 MiB and 3 passes per
sign-up and sign-in. Only pwdlib is touched, so the app's own import order stays as it is."""

from typing import Any

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher


def _cheap(cls: type[PasswordHash]) -> PasswordHash:
    return cls((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


# The app takes its hasher from `PasswordHash.recommended()`.
recommended: Any = classmethod(_cheap)
setattr(PasswordHash, "recommended", recommended)  # noqa: B010
