"""Who may do what in classification (SPEC §7): the quality department writes, the shop floor,
operations and administration read."""

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

WRITERS = (Role.QUALITY_MANAGER,)
READERS = (Role.QUALITY_MANAGER, Role.INSPECTOR, Role.PRODUCTION, Role.ADMIN_DEPT, Role.OPS, Role.CUSTOMER_SERVICE)

# A route's caller, admitted by role: ``principal: Writer`` in its signature.
Writer = Annotated[Principal, Depends(require_roles(*WRITERS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]
