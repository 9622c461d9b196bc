"""Object-level access shared by crm's domains (SPEC §7: a sales rep sees only their own customers' fees)."""

from shared.auth import Principal, Role

# Who sees every customer's fees and statements, not only their own: the clerk and the manager check
# every rep's statement (CRM-6), so each sign-off role reads what it signs.
OVERSEERS = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT, Role.FINANCE, Role.SALES_CLERK, Role.SALES_MANAGER)


def sees_everything(principal: Principal) -> bool:
    return principal.has_any(OVERSEERS)


def own_only(principal: Principal) -> str | None:
    """The rep id a principal is restricted to, or None when they may see everyone's."""
    return None if sees_everything(principal) else principal.sub
