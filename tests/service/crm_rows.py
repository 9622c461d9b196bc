"""A crm customer row as the service layer finds it stored: a key account of 1,000,000.00 in 2026."""

from decimal import Decimal

from services.crm.customers.models import Customer


def key_customer(customer_id: str, *, updated_by: str, **fields: object) -> Customer:
    """``fields`` (owner, regional rep, class …) on top of a key account's stored facts."""
    return Customer(
        id=customer_id,
        name="华东机电",
        province="浙江",
        revenue_group=1,
        annual_revenue=Decimal("1000000.00"),
        revenue_year=2026,
        provincial_designated=False,
        tier="key",
        tier_reason="test",
        owner_level="rep",
        updated_by=updated_by,
        **fields,
    )
