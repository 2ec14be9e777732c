"""Who sees the compliance pages (OPEN-3) and the red flags (OPEN-4): the
officials of a department and the platform operators.

An official is a Primary User (ROLE-1, head of office rank): they see the
department their organisation sits in (its DEPARTMENT-level ancestor) and the
ranking of the departments of their state or ministry. Red flags are
suspicions, not findings, so they are not public: an official sees those of
their department's offices, an operator all. Secondary users and sellers get
403; a department or flag outside the official's scope is a 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import BuyerUnit, Membership, Role, User
from kraya.core.errors import NotFound, PermissionDenied


@dataclass(frozen=True)
class Scope:
    operator: bool
    department_ids: frozenset[int]
    root_ids: frozenset[int]

    def sees_department(self, department_id: int) -> bool:
        return self.operator or department_id in self.department_ids


def official_scope(*, user: User) -> Scope:
    """The actor's scope; PermissionDenied for anyone who is neither an
    operator nor a Primary User."""
    if user.is_staff:
        return Scope(operator=True, department_ids=frozenset(), root_ids=frozenset())
    paths = list(
        Membership.objects.filter(user=user, role=Role.PRIMARY, is_active=True).values_list(
            "buyer_unit__path", flat=True
        )
    )
    if not paths:
        raise PermissionDenied(
            _("Only Primary Users and operators see the compliance and integrity pages."),
            code="insights.not_official",
        )
    ancestors = {int(part) for path in paths for part in (path or "").strip("/").split("/") if part}
    departments = BuyerUnit.objects.filter(
        pk__in=sorted(ancestors), level=BuyerUnit.Level.DEPARTMENT
    ).values_list("pk", flat=True)
    roots = {int(path.strip("/").split("/")[0]) for path in paths if path and path.strip("/")}
    return Scope(operator=False, department_ids=frozenset(departments), root_ids=frozenset(roots))


def department_get(*, scope: Scope, department_id: int) -> BuyerUnit:
    department = BuyerUnit.objects.filter(
        pk=department_id, level=BuyerUnit.Level.DEPARTMENT
    ).first()
    if department is None or not scope.sees_department(department.pk):
        raise NotFound()
    return department


def roots_for(*, scope: Scope) -> list[BuyerUnit]:
    """The states and ministries whose department ranking the actor sees."""
    roots = BuyerUnit.objects.filter(parent__isnull=True).order_by("name", "pk")
    if not scope.operator:
        roots = roots.filter(pk__in=sorted(scope.root_ids))
    return list(roots)
