from pydantic import BaseModel, ConfigDict, Field

from app.accounts.schemas import ConsentRecordPublic, EmailRecord, SignInRecord, UserPublic
from app.core.clock import UtcDatetime
from app.plans.schemas import PlanPublic
from app.progress.schemas import SessionPublic
from app.reminders.schemas import DevicePublic
from app.routines.schemas import RoutinePublic


class AccountExport(BaseModel):
    """Everything stored about the account, for the person to keep or take elsewhere: one
    section per kind of data. Sections not named here (`reminders`: each reminder of the
    person's plans with each device's outcome, and those newer parts of the service add) are
    there too."""

    # Sections registered by domains this model does not name yet still reach the person.
    model_config = ConfigDict(extra="allow")

    exported_at: UtcDatetime
    user: UserPublic
    sign_ins: list[SignInRecord] = Field(description="Refresh tokens issued, oldest first.")
    consents: list[ConsentRecordPublic] = Field(
        description="Consents given and withdrawn, oldest first."
    )
    emails: list[EmailRecord] = Field(
        description="Emails sent to the person, oldest first (their content is not kept)."
    )
    routines: list[RoutinePublic] = Field(
        description="Routines the person created, oldest first (curated ones are not theirs)."
    )
    sessions: list[SessionPublic] = Field(description="Every logged session, oldest first.")
    plans: list[PlanPublic] = Field(description="Routines the person scheduled.")
    devices: list[DevicePublic] = Field(description="Devices registered for reminders.")
