from shared.schemas import ChinaTime, Out, Page


class CustomerComplaintOut(Out):
    complaint_id: str
    complaint_no: str
    customer_id: str
    kind: str | None
    severity: str
    status: str
    description: str | None
    received_at: ChinaTime | None
    status_changed_at: ChinaTime | None


class ComplaintSummary(Out):
    """CRM-7: what the customer view shows of the customer's complaints."""

    total: int
    open: int
    serious: int
    recent: list[CustomerComplaintOut]


CustomerComplaintPage = Page[CustomerComplaintOut]
