"""Categories and their specification templates (CAT-1): operators' work."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from kraya.catalog import rules
from kraya.catalog.models import Category, SpecParameter
from kraya.catalog.services._common import (
    Acting,
    field_error,
    operator_or_system,
    refuse,
    user_of,
)
from kraya.core import audit


@transaction.atomic
def category_create(
    *,
    acting_user: Acting | None,
    code: str,
    name: str,
    kind: str,
    name_hi: str = "",
    parent: Category | None = None,
    description: str = "",
    description_hi: str = "",
) -> Category:
    """Add a category (CAT-1). Only the system (`None`, e.g. the demo loader)
    or a platform operator may."""
    actor = operator_or_system(acting_user)
    code = code.strip()
    problems = rules.category_problems(
        code=code,
        name=name,
        kind=kind,
        parent_kind=parent.kind if parent is not None else None,
    )
    if problems:
        raise refuse(problems)
    if parent is not None and not parent.is_active:
        raise field_error("parent", "catalog.parent_inactive")
    if Category.objects.filter(code=code).exists():
        raise field_error("code", "catalog.code_taken")
    category = Category.objects.create(
        code=code,
        name=name.strip(),
        name_hi=name_hi.strip(),
        kind=kind,
        parent=parent,
        description=description.strip(),
        description_hi=description_hi.strip(),
    )
    audit.record(
        actor=user_of(actor),
        action="catalog.category.create",
        target=category,
        payload={"code": code, "kind": kind, "parent": parent.code if parent else None},
    )
    return category


def _choices(choices: Iterable[dict[str, str] | str]) -> list[dict[str, str]]:
    """Choices as {"value", "en", "hi"}; a bare string is its own English label."""
    result: list[dict[str, str]] = []
    for choice in choices:
        if isinstance(choice, str):
            result.append({"value": choice.strip(), "en": choice.strip(), "hi": ""})
        else:
            value = str(choice.get("value", "")).strip()
            result.append(
                {
                    "value": value,
                    "en": str(choice.get("en", "") or value).strip(),
                    "hi": str(choice.get("hi", "")).strip(),
                }
            )
    return result


@transaction.atomic
def spec_parameter_add(
    *,
    acting_user: Acting | None,
    category: Category,
    code: str,
    name: str,
    kind: str,
    name_hi: str = "",
    unit: str = "",
    choices: Iterable[dict[str, str] | str] = (),
    is_golden: bool = False,
    is_required: bool = False,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    position: int | None = None,
) -> SpecParameter:
    """Add a parameter to a category's specification template (CAT-1):
    golden parameters are filtered on and compared; a service category's
    parameters are its SLA terms (response time, uptime…)."""
    actor = operator_or_system(acting_user)
    code = code.strip()
    cleaned = _choices(choices)
    problems = rules.parameter_problems(
        code=code,
        name=name,
        kind=kind,
        choices=[c["value"] for c in cleaned],
        min_value=min_value,
        max_value=max_value,
    )
    if problems:
        raise refuse(problems)
    locked = Category.objects.select_for_update().get(pk=category.pk)
    if locked.parameters.filter(code=code).exists():
        raise field_error("code", "catalog.parameter_code_taken")
    if position is None:
        position = locked.parameters.count()
    parameter = SpecParameter.objects.create(
        category=locked,
        code=code,
        name=name.strip(),
        name_hi=name_hi.strip(),
        kind=kind,
        unit=unit.strip(),
        choices=cleaned,
        is_golden=is_golden,
        is_required=is_required,
        min_value=min_value,
        max_value=max_value,
        position=position,
    )
    payload: dict[str, Any] = {
        "category": locked.code,
        "code": code,
        "kind": kind,
        "golden": is_golden,
        "required": is_required,
    }
    audit.record(
        actor=user_of(actor), action="catalog.parameter.add", target=parameter, payload=payload
    )
    return parameter
