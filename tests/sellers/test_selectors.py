"""Reads for sellers: visibility, segments per firm, KYC-2 check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kraya.accounts.models import User
from kraya.accounts.selectors import actor_for
from kraya.core.errors import NotFound
from kraya.sellers import selectors, services
from kraya.sellers.models import SellerOffice
from tests.sellers.kyc_examples import submitted

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)


def _applicant(name: str) -> User:
    return User.objects.create_user(username=name, password="x", email=f"{name}@example.in")


def test_registration_for_applicant_is_the_latest() -> None:
    applicant = _applicant("asha")
    assert selectors.registration_for_applicant(user=applicant) is None
    first = submitted(applicant)
    assert selectors.registration_for_applicant(user=applicant) == first
    draft = services.registration_start(applicant=applicant)
    assert draft != first
    assert selectors.registration_for_applicant(user=applicant) == draft


def test_registration_visible_to_applicant_firm_admin_and_operator(world) -> None:
    applicant = _applicant("asha")
    registration = submitted(applicant)
    for user in (applicant, world.operator):
        actor = actor_for(user=user)
        assert (
            selectors.registration_get(actor=actor, registration_id=registration.pk) == registration
        )
    for user in (world.seller_admin, world.buyer, world.other_seller_admin):
        with pytest.raises(NotFound):
            selectors.registration_get(actor=actor_for(user=user), registration_id=registration.pk)


def test_kyc3_seller_segments_in_one_query() -> None:
    asha = submitted(_applicant("asha"), segments=("MSE", "WOMAN"))
    bina = submitted(_applicant("bina"))
    with CaptureQueriesContext(connection) as queries:
        segments = selectors.seller_segments(firm_ids=[asha.firm_id, bina.firm_id])
    assert segments == {asha.firm_id: {"MSE", "WOMAN"}}
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("with_gstin", "value_paise", "allowed"),
    [
        (False, 2_50_000_00, True),
        (False, 2_50_000_01, False),
        (True, 2_50_000_01, True),
    ],
)
def test_kyc2_check(with_gstin: bool, value_paise: int, allowed: bool) -> None:
    registration = submitted(_applicant("asha"))
    if not with_gstin:
        SellerOffice.objects.filter(registration=registration).update(gstin=None)
    assert registration.firm is not None
    decision = selectors.kyc2_check(firm=registration.firm, order_value_paise=value_paise, on=TODAY)
    assert (decision.allowed, decision.rule) == (allowed, "KYC-2")
