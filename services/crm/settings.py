from decimal import Decimal

from fastapi import Request
from pydantic import Field

from shared.attachments import AttachmentSettings
from shared.settings import ServiceSettings


class CrmSettings(ServiceSettings, AttachmentSettings):
    # CRM-1: 第二、第三组的市局可按此标准适当乘以0.9—0.8的系数; a value outside [0.8, 0.9] fails start-up.
    service: str = "crm"
    vip_coefficient_group2: Decimal = Field(Decimal("0.9"), ge=Decimal("0.8"), le=Decimal("0.9"))
    vip_coefficient_group3: Decimal = Field(Decimal("0.8"), ge=Decimal("0.8"), le=Decimal("0.9"))
    # CRM-6: 每个销售代表借支限额3000元.
    advance_limit: Decimal = Field(Decimal("3000.00"), gt=0)
    # CRM-5: how often the monthly visit planning pass looks whether a month is still to be planned.
    visit_planning_s: float = Field(3600.0, gt=0)

    def vip_coefficients(self) -> dict[int, Decimal]:
        return {1: Decimal("1"), 2: self.vip_coefficient_group2, 3: self.vip_coefficient_group3}


async def crm_settings(request: Request) -> CrmSettings:
    """Dependency: the settings the app started with."""
    settings: CrmSettings = request.app.state.settings
    return settings
