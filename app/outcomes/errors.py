import uuid

from app.core.errors import NotFound, ServiceUnavailable
from app.shared.idempotency import RecordKind


class PegResponseNotFound(NotFound):
    """Also raised for another person's response, so ids reveal nothing."""

    title = "PEG response not found"
    slug = "peg-response-not-found"

    def __init__(self, response_id: uuid.UUID) -> None:
        super().__init__("No PEG response with id '{response_id}'.", response_id=response_id)


# What a PEG response's id taken by other content, and a moment ahead, answer.
PEG_RESPONSE_IDS = RecordKind(
    title="PEG response id already used",
    slug="peg-response-id-conflict",
    conflict="A different PEG response is already stored with id '{response_id}'. To record a "
    "new one, generate a new id.",
    id_name="response_id",
    moment="answered_at",
    future="answered_at is in the future; check the device clock.",
)


class QuestionnaireNotLoaded(ServiceUnavailable):
    title = "Questionnaire not loaded"
    slug = "questionnaire-not-loaded"

    def __init__(self) -> None:
        super().__init__("The PEG questionnaire is not loaded yet; run the seed loader.")
