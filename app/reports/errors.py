from app.core.errors import DomainError, InvalidInput


class ReportNotAcceptable(DomainError):
    status_code = 406
    title = "Not acceptable"
    slug = "not-acceptable"
    example_detail = "The report comes as application/pdf or text/csv; Accept allows neither."

    def __init__(self) -> None:
        super().__init__(self.example_detail)


class ReportPeriodTooLong(InvalidInput):
    def __init__(self, days: int) -> None:
        super().__init__("A report covers at most {days} days.", loc=["query", "to"], days=days)
