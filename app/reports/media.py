"""The report's media types, apart from the PDF code so that naming them loads no charting."""

MIME_PDF = "application/pdf"
MIME_CSV = "text/csv"
