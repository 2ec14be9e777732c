"""Red-flag pages (OPEN-4) under /transparency/red-flags/: the list (by kind
and department) and one flag with its explanation, evidence and process link.
Only officials and operators (`kraya.insights.compliance.access`): a flag is
a suspicion to look into, not a finding to publish."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import BuyerUnit, SellerFirm
from kraya.core.errors import NotFound
from kraya.core.pages import public_page
from kraya.insights.compliance import access
from kraya.insights.redflags.explain import explain, process_url
from kraya.insights.redflags.models import RedFlag

FLAGS_SHOWN = 200


def _visible(scope: access.Scope) -> object:
    flags = RedFlag.objects.all()
    if not scope.operator:
        flags = flags.filter(department_id__in=sorted(scope.department_ids))
    return flags


@login_required
@public_page
def flag_list(request: HttpRequest) -> HttpResponse:
    scope = access.official_scope(user=request.user)  # type: ignore[arg-type]
    flags = _visible(scope)
    kind = request.GET.get("kind", "")
    if kind in RedFlag.Kind.values:
        flags = flags.filter(kind=kind)  # type: ignore[attr-defined]
    department = request.GET.get("department", "")
    if department.isdigit():
        flags = flags.filter(department_id=int(department))  # type: ignore[attr-defined]
    counts = dict(
        _visible(scope).values("kind").annotate(n=Count("pk")).values_list("kind", "n")  # type: ignore[attr-defined]
    )
    shown = list(flags.order_by("-process_at", "-pk")[:FLAGS_SHOWN])  # type: ignore[attr-defined]
    return render(
        request,
        "redflags/list.html",
        {
            "title": _("Integrity red flags"),
            "flags": [(flag, explain(flag), process_url(flag)) for flag in shown],
            "kinds": [
                (value, label, counts.get(value, 0)) for value, label in RedFlag.Kind.choices
            ],
            "kind": kind,
            "department": department,
            "shown": FLAGS_SHOWN,
        },
    )


@login_required
@public_page
def flag_detail(request: HttpRequest, flag_id: int) -> HttpResponse:
    scope = access.official_scope(user=request.user)  # type: ignore[arg-type]
    flag = _visible(scope).filter(pk=flag_id).first()  # type: ignore[attr-defined]
    if flag is None:
        raise NotFound()
    office = BuyerUnit.objects.filter(pk=flag.office_id).first()
    firms = list(SellerFirm.objects.filter(pk__in=flag.seller_firm_ids).order_by("name"))
    return render(
        request,
        "redflags/detail.html",
        {
            "title": flag.get_kind_display(),
            "flag": flag,
            "explanation": explain(flag),
            "process_url": process_url(flag),
            "office": office,
            "firms": firms,
            "evidence": json.dumps(flag.evidence, indent=2, ensure_ascii=False, sort_keys=True),
            "thresholds": json.dumps(flag.thresholds, indent=2, ensure_ascii=False, sort_keys=True),
        },
    )


app_name = "redflags"
urlpatterns = [
    path("", flag_list, name="list"),
    path("<int:flag_id>/", flag_detail, name="flag"),
]
