"""Who may do what in notify (SPEC §7, NTF-4): administration keeps the people directory and the
robots, operations the deliveries and the movable clock."""

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

Administration = Annotated[Principal, Depends(require_roles(Role.ADMIN_DEPT))]
Operations = Annotated[Principal, Depends(require_roles(Role.OPS))]
