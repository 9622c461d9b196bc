"""The company's departments: the ids the system uses (tokens' ``department`` claim, cause routing,
reports) and the Chinese names people and finance read (the names of the company's own policies)."""

DEPARTMENT_NAMES = {
    "quality": "品质管理部",
    "administration": "行政管理部",
    "finance": "财务部",
    "technical": "技术管理部",
    "casting": "铸造部",
    "machining": "机加部",
    "purchasing": "采购部",
    "production": "生产部",
    "production_engineering": "生技部",
    "production_planning": "生管部",
    "logistics": "物流部",
    "sales": "销售部",
    "marketing": "营销部",
    "customer_service": "客户服务部",
    "rnd": "研发部",
    "it": "信息技术部",
}
DEPARTMENT_IDS = {name: department for department, name in DEPARTMENT_NAMES.items()}


def department_id(department: str) -> str:
    """One id per department, whether it was given by id or by its Chinese name."""
    return DEPARTMENT_IDS.get(department, department)


def department_name(department: str) -> str:
    """The Chinese name of a department; one the table does not know is shown as it was given."""
    return DEPARTMENT_NAMES.get(department_id(department), department)
