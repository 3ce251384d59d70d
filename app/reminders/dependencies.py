from typing import Annotated

from fastapi import Depends, Path

from app.accounts.dependencies import CurrentUser
from app.contract.types import Uuid
from app.core.db import DbDep
from app.core.errors import raises
from app.reminders import devices
from app.reminders.errors import DeviceNotFound
from app.reminders.models import Device

DeviceId = Annotated[Uuid, Path(description="Id of the device (a UUID).")]


@raises(DeviceNotFound)
def owned_device(user: CurrentUser, db: DbDep, device_id: DeviceId) -> Device:
    """One of the caller's devices; anyone else's is a 404."""
    return devices.get_owned_device(db, device_id, user.id)


OwnedDevice = Annotated[Device, Depends(owned_device)]
