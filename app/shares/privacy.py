"""Share links and their access logs belong to the person: in the account export, removed
with the account, and ended when health-data consent is withdrawn."""

from app.shared.personal_data import PersonalDataSource
from app.shares import service
from app.shares.models import ClinicianShare, ClinicianShareAccess

PERSONAL_DATA = (
    PersonalDataSource(
        section="shares",
        tables=(ClinicianShare, ClinicianShareAccess),
        export=service.export_shares,
        delete=service.delete_shares,
        on_health_data_withdrawn=service.end_all,
    ),
)
