"""The input models' shared configuration: unknown fields refused, text stripped, and the JSON schema
saying what that validation enforces beyond pydantic's own keywords (SPEC §9 Contract):

* a stripped text with a minimum length needs a visible character (``"pattern": "\\\\S"``): ``" "`` is
  refused once stripped, so the schema must not promise it;
* a decimal sent as a string (money, hours: SPEC §8 "a number or a string") is a plain decimal number
  within the field's sign and places, not any string; sent as a number, a multiple of its places;
* a mapping whose keys have a pattern takes no other key.
"""

from decimal import Decimal
from typing import Annotated, Any, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ConfigDict
from pydantic.fields import FieldInfo

VISIBLE = r"\S"
# What shared.schemas.Strict refuses in any text (C0/C1 controls but tab and line breaks, DEL), as a
# JSON Schema character class: the schema says the text holds none of them. Lone surrogates, also
# refused, are left out: a surrogate range in a pattern made Schemathesis drop the whole pattern.
CONTROL_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
PLAIN_TEXT = rf"^[^{CONTROL_CLASS}]*$"
VISIBLE_PLAIN_TEXT = rf"^[^{CONTROL_CLASS}]*[^\s{CONTROL_CLASS}][^{CONTROL_CLASS}]*$"
# An address a mail server can take (whether it exists only the mail server can tell).
EMAIL = rf"^[^@\s{CONTROL_CLASS}]+@[^@\s{CONTROL_CLASS}]+$"


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema, *schema.get("anyOf", [])]


def _decimal_metadata(field: FieldInfo) -> list[Any] | None:
    """The constraints of a decimal field, also when it is ``Annotated[Decimal, Field(...)] | None``."""
    if field.annotation is Decimal:
        return list(field.metadata)
    for arg in get_args(field.annotation):
        if arg is Decimal:
            return list(field.metadata)
        if get_origin(arg) is Annotated and get_args(arg)[0] is Decimal:
            extras = get_args(arg)[1:]
            return [item for extra in extras for item in getattr(extra, "metadata", [extra])]
    return None


def _limits(metadata: list[Any]) -> dict[str, Any]:
    limits: dict[str, Any] = {}
    for item in metadata:
        for name in ("gt", "ge", "lt", "le", "decimal_places", "max_digits"):
            value = getattr(item, name, None)
            if value is not None:
                limits[name] = value
        if isinstance(item, annotated_types.Interval):
            limits.update({k: v for k, v in vars(item).items() if v is not None})
    return limits


def decimal_string_pattern(metadata: list[Any]) -> str:
    """A decimal string inside the field's sign and places; digits are capped below the maximum's."""
    limits = _limits(metadata)
    floor = limits.get("ge", limits.get("gt"))
    sign = "" if floor is not None and Decimal(str(floor)) >= 0 else "-?"
    places = limits.get("decimal_places")
    fraction = rf"(\.\d{{1,{places}}})?" if places else r"(\.\d+)?"
    ceiling = limits.get("le", limits.get("lt"))
    digits = len(str(int(abs(Decimal(str(ceiling)))))) - 1 if ceiling is not None else None
    if limits.get("max_digits") is not None and places is not None:
        whole = int(limits["max_digits"]) - int(places)
        digits = whole if digits is None else min(digits, whole)
    width = max(digits, 1) if digits is not None else None
    if floor is not None and Decimal(str(floor)) >= 1:
        # At least one: a whole part that does not start with 0.
        integer = rf"[1-9]\d{{0,{width - 1}}}" if width is not None else r"[1-9]\d*"
    else:
        integer = rf"\d{{1,{width}}}" if width is not None else r"\d+"
    nonzero = "(?=.*[1-9])" if "gt" in limits and Decimal(str(limits["gt"])) == 0 else ""
    return rf"^{nonzero}{sign}{integer}{fraction}$"


def _state_decimal(branch: dict[str, Any], metadata: list[Any]) -> None:
    if branch.get("type") == "string" and "format" not in branch:
        branch.setdefault("pattern", decimal_string_pattern(metadata))
    places = _limits(metadata).get("decimal_places")
    if branch.get("type") == "number" and places is not None:
        # A number with more places than the field keeps is refused: the schema says so.
        branch.setdefault("multipleOf", float(Decimal(1).scaleb(-int(places))))


def _state_text(branch: dict[str, Any]) -> None:
    """A text without a pattern of its own holds no control character, and one that needs a length
    needs a visible character once stripped; a list of texts says so of each item."""
    if branch.get("type") == "array" and isinstance(branch.get("items"), dict):
        for item in _branches(branch["items"]):
            _state_text(item)
    if branch.get("type") == "object" and isinstance(branch.get("propertyNames"), dict):
        # A mapping's keys are text too (a scoring table's categories).
        names = branch["propertyNames"]
        names.setdefault("pattern", VISIBLE_PLAIN_TEXT if names.get("minLength", 0) >= 1 else PLAIN_TEXT)
    if branch.get("type") != "string" or "format" in branch or "enum" in branch or "const" in branch:
        return
    branch.setdefault("pattern", VISIBLE_PLAIN_TEXT if branch.get("minLength", 0) >= 1 else PLAIN_TEXT)


def state_input_limits(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """``json_schema_extra`` of every input model: the limits its validation adds, in the schema."""
    properties = schema.get("properties", {})
    for name, field in model.model_fields.items():
        prop = properties.get(field.alias or name)
        if prop is None:
            continue
        decimal = _decimal_metadata(field)
        for branch in _branches(prop):
            if "patternProperties" in branch:
                # A mapping whose keys have a pattern refuses every other key.
                branch.setdefault("additionalProperties", False)
            if decimal is not None:
                _state_decimal(branch, decimal)
            else:
                _state_text(branch)


INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=state_input_limits)
