"""Topic names of SPEC §1; each has a ``.dlq`` twin for messages that could not be processed."""

COMPLAINTS = "qms.intake.complaints"
RETURNS = "qms.intake.returns"
INCIDENT_REPORTS = "qms.intake.incident-reports"
INCIDENTS = "qms.classification.incidents"
NOTICES = "qms.sanctions.notices"
CUSTOMERS = "qms.crm.customers"
# CRM-5 visit plans and visits (key: customer id) and CRM-6 fee statements' sign-offs (key: statement id).
VISITS = "qms.crm.visits"
FEE_STATEMENTS = "qms.crm.fee-statements"
# CLS-6 concession deductions travel beside incidents; sanctions totals them per supplier (SAN-7).
SUPPLIER_DEDUCTIONS = "qms.classification.supplier-deductions"
# The one working-day calendar: intake loads a year, every other service keeps a copy from this topic.
CALENDAR = "qms.intake.calendar"

ALL = (
    COMPLAINTS,
    RETURNS,
    INCIDENT_REPORTS,
    INCIDENTS,
    NOTICES,
    CUSTOMERS,
    SUPPLIER_DEDUCTIONS,
    CALENDAR,
    VISITS,
    FEE_STATEMENTS,
)


def dlq(topic: str) -> str:
    return f"{topic}.dlq"


def all_with_dlq() -> list[str]:
    return [name for topic in ALL for name in (topic, dlq(topic))]
