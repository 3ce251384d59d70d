from fastapi import APIRouter, Response, status

from app.accounts.dependencies import CurrentUser
from app.contract.openapi import located
from app.core.clock import NowDep
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.reminders import devices
from app.reminders.dependencies import OwnedDevice
from app.reminders.schemas import DeviceList, DevicePublic, DeviceRegister

router = APIRouter(tags=["devices"])


@router.post(
    "/me/devices",
    response_model=DevicePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Register a device for reminders",
    responses={
        200: {
            "model": DevicePublic,
            **located(
                "The token was already registered to your account; its details were updated.",
                "the device",
            ),
        },
        201: located("The device was registered to your account.", "the device"),
        **problem_responses(401, 422),
    },
)
def register_device(
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    payload: DeviceRegister,
    response: Response,
) -> DevicePublic:
    """Register the push token of the device the app runs on, so plan reminders reach it.
    Safe to repeat (200). A token registered by another account moves to yours; past 10
    devices the one registered least recently is dropped."""
    registered = devices.register(db, user.id, payload, now)
    if not registered.created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/me/devices/{registered.device.id}"
    return registered.device


@router.get(
    "/me/devices",
    response_model=DeviceList,
    summary="List devices",
    responses=problem_responses(401, 422),
)
def list_devices(db: DbDep, user: CurrentUser) -> DeviceList:
    """Your registered devices, most recently registered first. Tokens the push service
    reported invalid are gone from here."""
    return devices.list_devices(db, user.id)


@router.get(
    "/me/devices/{device_id}",
    response_model=DevicePublic,
    summary="Get one device",
    responses=problem_responses(401, 404, 422),
)
def get_device(device: OwnedDevice) -> DevicePublic:
    """One of your registered devices."""
    return devices.to_public(device)


@router.delete(
    "/me/devices/{device_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a device",
    responses=problem_responses(401, 404, 422),
)
def remove_device(db: DbDep, device: OwnedDevice) -> None:
    """Stop reminders to one of your devices (on sign-out, say)."""
    devices.remove(db, device)
