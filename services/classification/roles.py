"""Who may do what in classification (SPEC §7): the quality department writes, the shop floor,
operations and administration read."""

from shared.auth import Role

WRITERS = (Role.QUALITY_MANAGER,)
READERS = (Role.QUALITY_MANAGER, Role.INSPECTOR, Role.PRODUCTION, Role.ADMIN_DEPT, Role.OPS, Role.CUSTOMER_SERVICE)
