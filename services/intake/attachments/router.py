"""Attachment endpoints (HTTP only): ATT-4 on complaints and shop-floor reports, each with its own
readers' rights (ATT-3)."""

from services.intake.attachments import service
from services.intake.attachments.models import Attachment
from services.intake.complaints.router import FILERS, READERS
from services.intake.reports.router import FILERS as REPORT_FILERS
from services.intake.reports.router import READERS as REPORT_READERS
from shared.attachments import Owner, owner_routes, seen_by_roles

# ATT-3: who reads a complaint reads its attachments, who reads a shop-floor report reads its photos.
SEES = {service.COMPLAINT: seen_by_roles(READERS), service.REPORT: seen_by_roles(REPORT_READERS)}

COMPLAINTS = Owner(
    "/v1/complaints/{complaint_id}/attachments",
    service.COMPLAINT,
    Attachment,
    FILERS,
    READERS,
    may_attach=service.complaint_to_attach_to,
    may_read=lambda session, complaint_id, _: service.existing_complaint(session, complaint_id),
    attach=service.attach,
    names=("add_complaint_attachment", "list_complaint_attachments"),
    doc="""ATT-2: a sample photo, the signed reply, the return-visit record: JPEG, PNG, HEIC, PDF, XLSX or
    DOCX judged by content, at most 20 MB. ``replaces`` names an attachment this one supersedes; the
    old one stays in the complaint's history.""",
)
REPORTS = Owner(
    "/v1/incident-reports/{report_id}/attachments",
    service.REPORT,
    Attachment,
    REPORT_FILERS,
    REPORT_READERS,
    may_attach=lambda session, report_id, _: service.report_to_attach_to(session, report_id),
    may_read=lambda session, report_id, _: service.report_to_attach_to(session, report_id),
    names=("add_report_attachment", "list_report_attachments"),
    doc="""ATT-2: the photo of the scrapped part, the rework sheet: JPEG, PNG, HEIC, PDF, XLSX or DOCX judged
    by content, at most 20 MB; whoever may file a report may add to one. ``replaces`` names an
    attachment this one supersedes; the old one is kept.""",
)

router = owner_routes(
    COMPLAINTS,
    REPORTS,
    readable=lambda session, attachment_id, principal: service.readable(session, attachment_id, principal, SEES),
)
