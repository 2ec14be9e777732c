"""The evaluation pages (`bids:evaluation`, `bids:respond` and their POST
buttons) through the test client on the real database: who may open each
(sign-in redirect, 404, 403, the right role), refused buttons writing
nothing, forms re-rendering with their field errors, the journey from the
technical evaluation to the contracts, and nothing shown before opening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kraya.bids import states
from kraya.bids.models import Bid, MatchInvitation, TechnicalEvaluation
from kraya.bids.services import award, evaluation, preferences
from kraya.core import clock
from kraya.orders.models import Order
from tests.bids.factory import make_bid, make_submission
from tests.bids.flow import MSE, opened_bid, ranked_bid
from tests.bids.test_evaluation_api import counts

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
WORKED = [{"prices": {1: 100_00}}, {"prices": {1: 110_00}, "seller": MSE}]

PAGES_COVERED = {
    "bids:evaluation",
    "bids:evaluation_evaluate",
    "bids:evaluation_clarify",
    "bids:evaluation_representation_answer",
    "bids:evaluation_financial_open",
    "bids:evaluation_invite",
    "bids:evaluation_sanction",
    "bids:evaluation_award",
    "bids:respond",
    "bids:respond_clarification",
    "bids:respond_representation",
    "bids:respond_invitation",
}


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Case:
    url: str
    other_url: str  # the same page of an unknown bid, or another bid's object
    at: dt.datetime
    right: Any
    data: dict[str, str] | None = None  # None: a GET page


def _technical(world):
    bid, (first, second) = opened_bid(world, WORKED, mii_preference=False)
    return bid, first, second, bid.opening_at + HOUR


def _ranked(world):
    bid, (l1, mse) = ranked_bid(world, WORKED, mii_preference=False)
    return bid, l1, mse, bid.opening_at + 2 * DAY


def _other(world) -> Bid:
    other = make_bid(world)
    make_submission(other, world.seller_firm, world.seller_admin, prices={1: 9_000_00})
    make_submission(other, world.other_seller_firm, world.other_seller_admin, prices={1: 9_100_00})
    return other


def _url(name: str, *args: int) -> str:
    return reverse(name, args=args)


def case_evaluation(world):
    bid, *_, at = _technical(world)
    return Case(_url("bids:evaluation", bid.pk), _url("bids:evaluation", 999999), at, world.buyer)


def case_evaluate(world):
    bid, first, _, at = _technical(world)
    other = _other(world)
    return Case(
        _url("bids:evaluation_evaluate", bid.pk, first.pk),
        _url("bids:evaluation_evaluate", other.pk, first.pk),
        at,
        world.buyer,
        {"decision": "qualify", "reason": ""},
    )


def case_clarify(world):
    bid, first, _, at = _technical(world)
    other = _other(world)
    return Case(
        _url("bids:evaluation_clarify", bid.pk, first.pk),
        _url("bids:evaluation_clarify", other.pk, first.pk),
        at,
        world.buyer,
        {"question": "Warranty?"},
    )


def _filed(world):
    bid, first, _, at = _technical(world)
    with clock.frozen_at(at):
        evaluation.technical_evaluate(
            acting_user=world.buyer, submission=first, qualified=False, reason="No BIS mark"
        )
        filed = evaluation.representation_file(
            acting_user=world.seller_admin, submission=first, text="Page 4."
        )
    return bid, first, filed, at


def case_representation_answer(world):
    bid, _, filed, at = _filed(world)
    other = _other(world)
    return Case(
        _url("bids:evaluation_representation_answer", bid.pk, filed.pk),
        _url("bids:evaluation_representation_answer", other.pk, filed.pk),
        at,
        world.buyer,
        {"upheld": "yes", "answer": "Found."},
    )


def case_financial_open(world):
    bid, first, second, at = _technical(world)
    with clock.frozen_at(at):
        for s in (first, second):
            evaluation.technical_evaluate(acting_user=world.buyer, submission=s, qualified=True)
    return Case(
        _url("bids:evaluation_financial_open", bid.pk),
        _url("bids:evaluation_financial_open", 999999),
        at,
        world.buyer,
        {},
    )


def case_invite(world):
    bid, *_, at = _ranked(world)
    return Case(
        _url("bids:evaluation_invite", bid.pk),
        _url("bids:evaluation_invite", 999999),
        at,
        world.buyer,
        {},
    )


def _pending(world):
    bid, _l1, _mse, at = _ranked(world)
    with clock.frozen_at(at):
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
        invitation = MatchInvitation.objects.get(lot__bid=bid)
        preferences.invitation_answer(
            acting_user=world.other_seller_admin, invitation=invitation, accept=False
        )
    return bid, at


def case_sanction(world):
    bid, at = _pending(world)
    return Case(
        _url("bids:evaluation_sanction", bid.pk),
        _url("bids:evaluation_sanction", 999999),
        at,
        world.paying_authority,
        {"sanction_reference": ""},
    )


def case_award(world):
    bid, at = _pending(world)
    with clock.frozen_at(at):
        award.bid_sanction(acting_user=world.paying_authority, bid=bid)
    return Case(
        _url("bids:evaluation_award", bid.pk),
        _url("bids:evaluation_award", 999999),
        at,
        world.buyer,
        {},
    )


def case_respond(world):
    bid, *_, at = _technical(world)
    return Case(_url("bids:respond", bid.pk), _url("bids:respond", 999999), at, world.seller_admin)


def case_respond_clarification(world):
    bid, first, _, at = _technical(world)
    with clock.frozen_at(at):
        asked = evaluation.clarification_ask(
            acting_user=world.buyer, submission=first, question="Warranty?"
        )
    other = _other(world)
    return Case(
        _url("bids:respond_clarification", bid.pk, asked.pk),
        _url("bids:respond_clarification", other.pk, asked.pk),
        at,
        world.seller_admin,
        {"answer": "Two years."},
    )


def case_respond_representation(world):
    bid, first, _, at = _technical(world)
    with clock.frozen_at(at):
        evaluation.technical_evaluate(
            acting_user=world.buyer, submission=first, qualified=False, reason="No BIS mark"
        )
    return Case(
        _url("bids:respond_representation", bid.pk),
        _url("bids:respond_representation", 999999),
        at + HOUR,
        world.seller_admin,
        {"text": "Page 4."},
    )


def case_respond_invitation(world):
    bid, _l1, _mse, at = _ranked(world)
    with clock.frozen_at(at):
        preferences.preferences_invite(acting_user=world.buyer, bid=bid)
    invitation = MatchInvitation.objects.get(lot__bid=bid)
    other = _other(world)
    return Case(
        _url("bids:respond_invitation", bid.pk, invitation.pk),
        _url("bids:respond_invitation", other.pk, invitation.pk),
        at,
        world.other_seller_admin,
        {"accept": "yes"},
    )


MATRIX: dict[str, Callable[[Any], Case]] = {
    "bids:evaluation": case_evaluation,
    "bids:evaluation_evaluate": case_evaluate,
    "bids:evaluation_clarify": case_clarify,
    "bids:evaluation_representation_answer": case_representation_answer,
    "bids:evaluation_financial_open": case_financial_open,
    "bids:evaluation_invite": case_invite,
    "bids:evaluation_sanction": case_sanction,
    "bids:evaluation_award": case_award,
    "bids:respond": case_respond,
    "bids:respond_clarification": case_respond_clarification,
    "bids:respond_representation": case_respond_representation,
    "bids:respond_invitation": case_respond_invitation,
}


def test_the_matrix_is_the_covered_list():
    assert set(MATRIX) == PAGES_COVERED


def _send(client: Client, case: Case, url: str) -> Any:
    return client.get(url) if case.data is None else client.post(url, case.data)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_authorization_matrix(name: str, world) -> None:
    """Anonymous: to sign in; the right role on an unknown bid or on another
    bid's object: 404;
    another office's Buyer: 403; the right role: the page or the button's
    redirect. Refusals write nothing."""
    case = MATRIX[name](world)
    with clock.frozen_at(case.at):
        clients = [
            (client_for(None), case.url, 302),
            # The right role, on an unknown bid or on another bid's object.
            (client_for(case.right), case.other_url, 404),
            (client_for(world.other_buyer), case.url, 403),
        ]
        for client, url, expected in clients:
            before = counts()
            response = _send(client, case, url)
            assert response.status_code == expected, (url, response.content[:300])
            if expected == 302:
                assert "/accounts/" in response["Location"] or "login" in response["Location"]
            assert counts() == before
        response = _send(client_for(case.right), case, case.url)
    assert response.status_code == (200 if case.data is None else 302), response.content[:500]
    if case.data is not None:
        assert counts() != before  # the button did its work


def test_bid5_the_pages_show_nothing_before_the_technical_opening(world):
    bid = make_bid(world)
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_123_45})
    page = client_for(world.buyer).get(_url("bids:evaluation", bid.pk))
    assert page.status_code == 200 and b'id="sealed"' in page.content
    assert b"9,123" not in page.content and world.seller_firm.name.encode() not in page.content
    own = client_for(world.seller_admin).get(_url("bids:respond", bid.pk))
    assert own.status_code == 200 and b'id="sealed"' in own.content
    assert b"9,123" not in own.content


def test_bid6_a_rejection_without_reason_re_renders_with_the_field_error(world):
    bid, first, _, at = _technical(world)
    with clock.frozen_at(at):
        page = client_for(world.buyer).post(
            _url("bids:evaluation_evaluate", bid.pk, first.pk),
            {"decision": "reject", "reason": ""},
        )
    assert page.status_code == 200
    assert "Give the reason for rejecting this bid." in page.content.decode()
    assert not TechnicalEvaluation.objects.exists()


def test_bid6_to_bid8_the_journey_through_the_pages(world):
    """Evaluate both, open the financial bids, apply the preferences (the MSE
    declines), sanction, award: the contract page is linked."""
    bid, first, second, at = _technical(world)
    buyer = client_for(world.buyer)
    with clock.frozen_at(at):
        for s in (first, second):
            assert (
                buyer.post(
                    _url("bids:evaluation_evaluate", bid.pk, s.pk), {"decision": "qualify"}
                ).status_code
                == 302
            )
        page = buyer.post(_url("bids:evaluation_financial_open", bid.pk), follow=True)
    text = page.content.decode()
    assert "The financial bids are open and ranked." in text
    assert "₹100" in text and "L1" in text
    with clock.frozen_at(at + DAY):
        buyer.post(_url("bids:evaluation_invite", bid.pk))
        seller = client_for(world.other_seller_admin)
        respond = seller.get(_url("bids:respond", bid.pk)).content.decode()
        assert "you may supply at the L1 price of ₹100" in respond
        invitation = MatchInvitation.objects.get(lot__bid=bid)
        seller.post(_url("bids:respond_invitation", bid.pk, invitation.pk), {"accept": "no"})
        assert Bid.objects.get(pk=bid.pk).status == states.AWARD_PENDING
        paying = client_for(world.paying_authority)
        seen = paying.get(_url("bids:evaluation", bid.pk)).content.decode()
        # ORD-2: the Paying Authority sees the sanction, not the bids.
        assert 'id="sanction"' in seen and world.seller_firm.name not in seen
        paying.post(_url("bids:evaluation_sanction", bid.pk), {"sanction_reference": ""})
        done = buyer.post(_url("bids:evaluation_award", bid.pk), follow=True)
    order = Order.objects.get()
    assert order.seller_firm == world.seller_firm and order.total_paise == 100 * 100_00
    assert reverse("orders:order", args=[order.number]) in done.content.decode()
    assert Bid.objects.get(pk=bid.pk).status == states.AWARDED
