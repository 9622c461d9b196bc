"""Attachment endpoints (HTTP only): ATT-4 on fee statements, with the statement's object-level rights,
and on visit reports, with the visit readers' rights (ATT-3)."""

from services.crm.attachments import service
from services.crm.attachments.models import Attachment
from services.crm.fees.router import FEE_READERS
from services.crm.visits.router import READERS as VISIT_READERS
from services.crm.visits.router import VISITORS
from shared.attachments import Owner, owner_routes, seen_by_roles

# ATT-3: a fee statement's attachments are seen by who sees the statement, a visit report's by its readers.
SEES = {service.STATEMENT: service.sees_statement, service.VISIT: seen_by_roles(VISIT_READERS)}

STATEMENTS = Owner(
    "/v1/fee-statements/{statement_id}/attachments",
    service.STATEMENT,
    Attachment,
    FEE_READERS,
    FEE_READERS,
    may_attach=service.visible_statement,
    may_read=service.visible_statement,
    names=("add_statement_attachment", "list_statement_attachments"),
    doc="""ATT-2: receipts, the signed statement: JPEG, PNG, HEIC, PDF, XLSX or DOCX judged by content, at
    most 20 MB. ``replaces`` names an attachment this one supersedes; the old one is kept.""",
)
VISITS = Owner(
    "/v1/visits/{visit_id}/attachments",
    service.VISIT,
    Attachment,
    VISITORS,
    VISIT_READERS,
    may_attach=lambda session, visit_id, _: service.visit_to_attach_to(session, visit_id),
    may_read=lambda session, visit_id, _: service.visit_to_attach_to(session, visit_id),
    names=("add_visit_attachment", "list_visit_attachments"),
    doc="""ATT-2: a photo on site, the customer's signed visit sheet: JPEG, PNG, HEIC, PDF, XLSX or DOCX
    judged by content, at most 20 MB; whoever may report a visit may add to one. ``replaces`` names an
    attachment this one supersedes; the old one is kept.""",
)

router = owner_routes(
    STATEMENTS,
    VISITS,
    readable=lambda session, attachment_id, principal: service.readable(session, attachment_id, principal, SEES),
)
