"""Push tokens: register, list, remove, and drop the ones a sender reports invalid."""

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.core.db import lock_key
from app.reminders.errors import DeviceNotFound
from app.reminders.models import Device, Platform
from app.reminders.schemas import MAX_DEVICES, DeviceList, DevicePublic, DeviceRegister


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def to_public(device: Device) -> DevicePublic:
    return DevicePublic(
        id=device.id,
        token=device.token,
        platform=Platform(device.platform),
        app_version=device.app_version,
        locale=device.locale,
        created_at=device.created_at,
        registered_at=device.registered_at,
    )


@dataclass(frozen=True)
class Registered:
    device: DevicePublic
    created: bool
    """False: the token was already this account's and was updated."""


def devices_of(db: Session, user_id: uuid.UUID) -> Sequence[Device]:
    return db.exec(
        select(Device)
        .where(Device.user_id == user_id)
        .order_by(col(Device.registered_at).desc(), col(Device.id))
    ).all()


def register(db: Session, user_id: uuid.UUID, payload: DeviceRegister, now: datetime) -> Registered:
    """Store the token for this account. A token another account holds moves here (a new row:
    the other account's history keeps no link to it). Registrations of one token run one at a
    time, so simultaneous ones from several accounts leave it with exactly one of them."""
    digest = token_digest(payload.token)
    lock_key(db, "device-token", digest)
    db.execute(
        delete(Device).where(col(Device.token_sha256) == digest, col(Device.user_id) != user_id)
    )
    existing = db.exec(select(Device).where(Device.token_sha256 == digest)).first()
    if existing is not None:
        existing.platform = payload.platform.value
        existing.app_version = payload.app_version
        existing.locale = payload.locale
        existing.registered_at = now
        db.add(existing)
        db.flush()
        return Registered(to_public(existing), created=False)
    device = Device(
        user_id=user_id,
        token=payload.token,
        token_sha256=digest,
        platform=payload.platform.value,
        app_version=payload.app_version,
        locale=payload.locale,
        created_at=now,
        registered_at=now,
    )
    db.add(device)
    db.flush()
    for stale in devices_of(db, user_id)[MAX_DEVICES:]:
        db.delete(stale)
    db.flush()
    return Registered(to_public(device), created=True)


def list_devices(db: Session, user_id: uuid.UUID) -> DeviceList:
    data = [to_public(d) for d in devices_of(db, user_id)]
    return DeviceList(data=data, count=len(data))


def get_owned_device(db: Session, device_id: uuid.UUID, user_id: uuid.UUID) -> Device:
    device = db.exec(
        select(Device).where(Device.id == device_id, Device.user_id == user_id)
    ).first()
    if device is None:
        raise DeviceNotFound(device_id)
    return device


def remove(db: Session, device: Device) -> None:
    db.delete(device)
    db.flush()


def remove_invalid(db: Session, device_id: uuid.UUID) -> None:
    """A sender said the token is no longer valid: nothing will reach it again."""
    db.execute(delete(Device).where(col(Device.id) == device_id))
