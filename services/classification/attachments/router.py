"""Attachment endpoints (HTTP only): ATT-4 on incidents and their supplier issues, with the incident
readers' rights (ATT-3)."""

from services.classification.attachments import service
from services.classification.attachments.models import Attachment
from services.classification.roles import READERS, WRITERS
from shared.attachments import Owner, owner_routes

INCIDENTS = Owner(
    "/v1/incidents/{incident_id}/attachments",
    service.INCIDENT,
    Attachment,
    WRITERS,
    READERS,
    may_attach=lambda session, incident_id, _: service.incidents_service.open_or_fail(session, incident_id),
    may_read=lambda session, incident_id, _: service.incidents_service.existing(session, incident_id),
    attach=service.attach,
    names=("add_incident_attachment", "list_incident_attachments"),
    doc="""ATT-2: 归零 evidence, the emergency plan's records: JPEG, PNG, HEIC, PDF, XLSX or DOCX judged by
    content, at most 20 MB. ``replaces`` names an attachment this one supersedes; the old one stays in
    the incident's history. Name the ids in an item's evidence (``PUT /v1/incidents/{id}/zeroing/{item}``,
    ``attachments``).""",
)
SUPPLIER_ISSUES = Owner(
    "/v1/incidents/{incident_id}/supplier-issue/attachments",
    service.SUPPLIER_ISSUE,
    Attachment,
    WRITERS,
    READERS,
    may_attach=lambda session, incident_id, _: service.supplier_issue_to_attach_to(session, incident_id),
    may_read=lambda session, incident_id, _: service.suppliers_service.issue_or_404(session, incident_id),
    attach=service.attach_to_supplier_issue,
    names=("add_supplier_issue_attachment", "list_supplier_issue_attachments"),
    doc="""ATT-2: the supplier's 《供应商异常矫正单》, the photo of its material: JPEG, PNG, HEIC, PDF, XLSX or
    DOCX judged by content, at most 20 MB, on an open incident's supplier issue. ``replaces`` names an
    attachment this one supersedes; the old one stays in the incident's history.""",
)

router = owner_routes(INCIDENTS, SUPPLIER_ISSUES, readable=service.readable)
