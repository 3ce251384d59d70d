from pydantic import BaseModel, ConfigDict, Field

from app.accounts.schemas import ConsentRecordPublic, EmailRecord, SignInRecord, UserPublic
from app.attention.schemas import AttentionItemPublic
from app.checkins.schemas import CheckinRecord
from app.core.clock import UtcDatetime
from app.outcomes.schemas import PegResponseRecord
from app.plans.schemas import PlanPublic
from app.progress.schemas import SessionPublic
from app.reminders.schemas import DevicePublic, ReminderPublic
from app.routines.schemas import RoutinePublic
from app.safety.schemas import ConcernPublic
from app.shares.schemas import ShareRecord


class AccountExport(BaseModel):
    """Everything stored about the account, for the person to keep or take elsewhere: one
    section per kind of data, each declared here so that generated clients type all of it."""

    # A section a domain hands over without declaring it here fails the export's tests rather
    # than reaching the person untyped or not at all.
    model_config = ConfigDict(extra="forbid")

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
    reminders: list[ReminderPublic] = Field(
        description="Each reminder of the person's plans, with each device's outcome."
    )
    checkins: list[CheckinRecord] = Field(description="Daily check-ins, oldest day first.")
    peg_responses: list[PegResponseRecord] = Field(
        description="PEG questionnaire responses, oldest first."
    )
    attention: list[AttentionItemPublic] = Field(
        description="What the diary raised for a review, with its acknowledgement."
    )
    safety: list[ConcernPublic] = Field(
        description="Safety concerns (warning signs, severe pain, PEG worsening) with what "
        "was reported, oldest first."
    )
    shares: list[ShareRecord] = Field(
        description="Links given to clinicians, oldest first, each with every opening."
    )
