import uuid

from app.core.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable


class PegResponseNotFound(NotFound):
    """Also raised for another person's response, so ids reveal nothing."""

    title = "PEG response not found"
    slug = "peg-response-not-found"

    def __init__(self, response_id: uuid.UUID) -> None:
        super().__init__("No PEG response with id '{response_id}'.", response_id=response_id)


class PegResponseIdConflict(Conflict):
    title = "PEG response id already used"
    slug = "peg-response-id-conflict"

    def __init__(self, response_id: uuid.UUID) -> None:
        super().__init__(
            "A different PEG response is already stored with id '{response_id}'. To record a "
            "new one, generate a new id.",
            response_id=response_id,
        )


class PegResponseInFuture(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "answered_at is in the future; check the device clock.", loc=["body", "answered_at"]
        )


class QuestionnaireNotLoaded(ServiceUnavailable):
    title = "Questionnaire not loaded"
    slug = "questionnaire-not-loaded"

    def __init__(self) -> None:
        super().__init__("The PEG questionnaire is not loaded yet; run the seed loader.")
