import uuid

from app.core.errors import NotFound


class DeviceNotFound(NotFound):
    """Also raised for another person's device."""

    title = "Device not found"
    slug = "device-not-found"

    def __init__(self, device_id: uuid.UUID) -> None:
        super().__init__("No device with id '{device_id}'.", device_id=device_id)
