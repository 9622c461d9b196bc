"""Attachment endpoints (HTTP only): ATT-4 on notices, with the notice's object-level rights (ATT-3)."""

from services.sanctions.attachments import service
from services.sanctions.attachments.models import Attachment
from services.sanctions.notices.router import EVERYONE
from shared.attachments import Owner, owner_routes

NOTICES = Owner(
    "/v1/notices/{notice_id}/attachments",
    service.NOTICE,
    Attachment,
    service.FILERS,
    EVERYONE,
    may_attach=service.visible_notice,
    may_read=service.visible_notice,
    attach=service.attach,
    names=("add_notice_attachment", "list_notice_attachments"),
    doc="""ATT-2: the stamped notice, a dispute's proof: JPEG, PNG, HEIC, PDF, XLSX or DOCX judged by
    content, at most 20 MB. ``replaces`` names an attachment this one supersedes; the old one stays
    in the notice's steps.""",
)

router = owner_routes(NOTICES, readable=service.readable)
