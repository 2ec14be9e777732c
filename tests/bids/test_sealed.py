"""BID-5 and BID-4, the proof: sealed stays sealed.

A published bid holds a submission whose offered item and unit price are
distinctive markers (title `ZEBRA-MARKER-7`, ₹98,765.43 = 98,76,543 paise,
a document `ZEBRA-DOC-7.pdf`). Every GET of the bids API (walked from the
OpenAPI schema, so routes added later are walked too), every page of the
`bids` URL namespace (walked from the resolver), the operator admin's pages
of the bids app and the seller directory and its search are fetched as
anonymous, the office's buyer, its Primary User, consignee and paying
authority, another seller, an operator — and the submitting seller itself:

- before the technical opening no response holds a marker in any format;
- nor the number of submissions: another firm's submission arriving changes
  no response byte (after masking CSRF tokens and nonces);
- after the technical opening the title reaches the buyer, still no price;
- after the financial opening the price reaches the buyer too —
  so the walk cannot pass by fetching nothing.

And the database holds no plaintext marker in the submission or document
rows, nor in the audit log."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kraya.api.main import api
from kraya.bids.models import Auction, Submission, SubmissionDocument, TechnicalEvaluation
from kraya.bids.services import opening
from kraya.bids.services.participation import DocumentInput, ItemInput, submission_submit
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.sellers.models import Registration
from tests.bids.factory import make_bid
from tests.bids.test_participation_services import verify_firm
from tests.factories import make_seller_firm

pytestmark = pytest.mark.django_db

TITLE = "ZEBRA-MARKER-7"
DOCUMENT_NAME = "ZEBRA-DOC-7.pdf"
PRICE_PAISE = 98_76_543  # ₹98,765.43
# Every way the price may be written — 98765.43, 98,765.43, ₹98,765.43,
# 9876543, 98,76,543 and the total for 10 units, 98765430 — matches one of
# these (not inside a longer word: a hex digest may hold the digits).
PRICE_MARKERS = (
    re.compile(r"(?<![0-9A-Za-z])98,?765"),
    re.compile(r"(?<![0-9A-Za-z])98,76,543"),
)
TITLE_MARKERS = (re.compile("ZEBRA"),)
QUANTITY = 10
ROLES = (
    "anonymous",
    "buyer",
    "primary",
    "consignee",
    "paying_authority",
    "another_seller",
    "operator",
    "submitting_seller",
)


@dataclass
class Scene:
    bid: Any
    submission: Submission
    registration: Registration
    users: dict[str, Any]
    second_firm: Any
    second_admin: Any


@pytest.fixture
def scene(world) -> Scene:
    registration = verify_firm(world.seller_firm)
    verify_firm(world.other_seller_firm)
    bid = make_bid(world, items=[("Annual maintenance of lifts", QUANTITY, 1_00_000_00)])
    submission = submission_submit(
        acting_user=world.seller_admin,
        bid=bid,
        items=[
            ItemInput(
                position=1,
                unit_price_paise=PRICE_PAISE,
                description=TITLE,
                local_content_percent=60,
            )
        ],
        documents=[
            DocumentInput(DOCUMENT_NAME, "application/pdf", b"%PDF-1.4 ZEBRA-MARKER-7 98765.43")
        ],
        declarations={},
    )
    _third_firm, third_admin = make_seller_firm(name="Kashi Appliances")
    users = {
        "anonymous": None,
        "buyer": world.buyer,
        "primary": world.primary,
        "consignee": world.consignee,
        "paying_authority": world.paying_authority,
        "another_seller": third_admin,
        "operator": world.operator,
        "submitting_seller": world.seller_admin,
    }
    return Scene(
        bid, submission, registration, users, world.other_seller_firm, world.other_seller_admin
    )


# --- the walk ------------------------------------------------------------------------------


def _ids(scene: Scene) -> dict[str, int]:
    """What a path parameter named `<what>_id` is filled with."""
    bid = scene.bid
    lot = bid.lots.order_by("number").first()
    auction = Auction.objects.filter(lot__bid=bid).first()
    document = SubmissionDocument.objects.filter(submission=scene.submission).first()
    return {
        "bid": bid.pk,
        "lot": lot.pk if lot else 1,
        "auction": auction.pk if auction else 1,
        "submission": scene.submission.pk,
        "document": document.pk if document else 1,
        "item": bid.items.order_by("position").first().pk,
        "registration": scene.registration.pk,
        "firm": scene.submission.seller_firm_id,
    }


def _value(name: str, ids: dict[str, int]) -> str:
    what = name.removesuffix("_id")
    return str(ids.get(what, 1))


def api_paths(scene: Scene) -> list[str]:
    """Every GET of the bids API, its path parameters filled."""
    ids = _ids(scene)
    found = []
    for path, item in api.get_openapi_schema()["paths"].items():
        if not path.startswith("/api/v1/bids") or "get" not in item:
            continue
        found.append(re.sub(r"\{(\w+)\}", lambda m: _value(m.group(1), ids), path))
    return sorted(found)


def _bid_patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _bid_patterns(pattern, namespace)
        elif isinstance(pattern, URLPattern) and prefix == "bids:" and pattern.name:
            yield f"{prefix}{pattern.name}", pattern


def page_paths(scene: Scene) -> list[str]:
    """Every page of the `bids` namespace, the bids app's operator pages and
    the seller directory with its search."""
    ids = _ids(scene)
    found = []
    for name, pattern in _bid_patterns(get_resolver()):
        converters = getattr(pattern.pattern, "converters", {})
        found.append(reverse(name, kwargs={k: _value(k, ids) for k in converters}))
    found += [reverse("admin:index"), reverse("admin:app_list", kwargs={"app_label": "bids"})]
    for model in admin.site._registry:
        if model._meta.app_label != "bids":
            continue
        info = (model._meta.app_label, model._meta.model_name)
        found.append(reverse("admin:{}_{}_changelist".format(*info)))
        for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:5]:
            found.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
            found.append(reverse("admin:{}_{}_history".format(*info), args=[pk]))
    found += [
        reverse("sellers:directory"),
        reverse("sellers:directory") + f"?q={scene.registration.legal_name}",
        reverse("sellers:registration_detail", args=[scene.registration.pk]),
    ]
    return found


def _clients(scene: Scene) -> dict[str, Client]:
    clients = {}
    for role, user in scene.users.items():
        # A route that fails is reported (`server_errors`), not raised mid-walk.
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        clients[role] = client
    return clients


def walk(scene: Scene, roles: tuple[str, ...] = ROLES) -> dict[tuple[str, str], tuple[int, str]]:
    """(role, path) → (status, body) for every route and role."""
    clients = _clients(scene)
    paths = api_paths(scene) + page_paths(scene)
    seen = {}
    for role in roles:
        for path in paths:
            response = clients[role].get(path)
            body = b"".join(response) if response.streaming else response.content
            seen[(role, path)] = (response.status_code, body.decode("utf-8", "replace"))
    return seen


def leaks(
    seen: dict[tuple[str, str], tuple[int, str]], markers: tuple[re.Pattern[str], ...]
) -> list[str]:
    return [
        f"{role} {path} ({status}): {marker.pattern}"
        for (role, path), (status, body) in seen.items()
        for marker in markers
        if marker.search(body)
    ]


def server_errors(seen: dict[tuple[str, str], tuple[int, str]]) -> list[str]:
    return [f"{role} {path}" for (role, path), (status, _) in seen.items() if status >= 500]


_VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'nonce="[^"]*"'),
    re.compile(r'"csrf[^"]*"\s*:\s*"[^"]*"'),
]


def masked(body: str) -> str:
    for pattern in _VOLATILE:
        body = pattern.sub("", body)
    return body


# --- the proof -----------------------------------------------------------------------------


def test_bid5_the_walk_covers_the_api_the_pages_and_the_operator_pages(scene):
    apis, pages = api_paths(scene), page_paths(scene)
    assert f"/api/v1/bids/{scene.bid.pk}/submission" in apis
    assert "/api/v1/bids/submissions" in apis
    assert reverse("bids:submission", args=[scene.bid.pk]) in pages
    assert reverse("bids:my_submissions") in pages
    assert reverse("admin:bids_bid_change", args=[scene.bid.pk]) in pages
    assert reverse("sellers:directory") in pages


def test_bid5_before_the_opening_no_route_shows_anything_of_a_submission(scene):
    seen = walk(scene)
    assert server_errors(seen) == []
    assert leaks(seen, PRICE_MARKERS + TITLE_MARKERS) == []
    # The walk fetched real pages: the seller's own receipt is there.
    own = seen[("submitting_seller", reverse("bids:submission", args=[scene.bid.pk]))]
    assert own[0] == 200 and scene.submission.sealed_digest in own[1]
    operator_bid = seen[("operator", reverse("admin:bids_bid_change", args=[scene.bid.pk]))]
    assert operator_bid[0] == 200 and scene.bid.number in operator_bid[1]


def test_bid4_another_submission_arriving_changes_no_response(scene):
    moment = scene.bid.published_at + dt.timedelta(days=1)
    with clock.frozen_at(moment):
        before = walk(scene)
        submission_submit(
            acting_user=scene.second_admin,
            bid=scene.bid,
            items=[ItemInput(position=1, unit_price_paise=12_345_00, description="Lift AMC")],
            declarations={},
        )
        assert Submission.objects.filter(bid=scene.bid).count() == 2
        after = walk(scene)
    changed = [
        f"{role} {path}"
        for key in before
        for role, path in [key]
        if masked(before[key][1]) != masked(after[key][1]) or before[key][0] != after[key][0]
    ]
    assert changed == []


def _open_technical(scene: Scene) -> None:
    with clock.frozen_at(scene.bid.opening_at):
        opening.technical_open(bid_id=scene.bid.pk)


def test_bid5_after_the_technical_opening_the_buyer_sees_the_title_but_no_price(scene):
    _open_technical(scene)
    seen = walk(scene)
    assert server_errors(seen) == []
    assert leaks(seen, PRICE_MARKERS) == []
    buyer_sees = [
        path for (role, path), (_, body) in seen.items() if role == "buyer" and TITLE in body
    ]
    assert buyer_sees, "no bids page or API shows the buyer the opened technical bid"
    # The seller reads its own opened packet, still without its price.
    own = seen[("submitting_seller", f"/api/v1/bids/{scene.bid.pk}/submission")][1]
    assert TITLE in own


def test_bid5_after_the_financial_opening_the_buyer_sees_the_price(scene):
    _open_technical(scene)
    TechnicalEvaluation.objects.create(
        submission=scene.submission, qualified=True, evaluated_by=scene.users["buyer"]
    )
    with clock.frozen_at(scene.bid.opening_at + dt.timedelta(days=1)):
        opening.financial_open(bid_id=scene.bid.pk)
    seen = walk(scene, ("buyer", "submitting_seller"))
    assert server_errors(seen) == []
    buyer_sees = [
        path
        for (role, path), (_, body) in seen.items()
        if role == "buyer" and any(marker.search(body) for marker in PRICE_MARKERS)
    ]
    assert buyer_sees, "no bids page or API shows the buyer the opened price"
    own = seen[("submitting_seller", f"/api/v1/bids/{scene.bid.pk}/submission")][1]
    assert str(PRICE_PAISE) in own


def test_bid5_the_database_holds_no_plaintext_marker(scene):
    plain = [m.encode() for m in (TITLE, "ZEBRA", DOCUMENT_NAME, "98765", "98,765")]
    row = Submission.objects.get(pk=scene.submission.pk)
    stored = [
        bytes(row.technical_sealed),
        bytes(row.financial_sealed),
        row.sealed_digest.encode(),
        str(row.technical).encode(),
        str(row.financial).encode(),
    ]
    for document in SubmissionDocument.objects.filter(submission=row):
        stored += [
            bytes(document.sealed),
            document.file_name.encode(),
            document.content_type.encode(),
            bytes(document.content or b""),
        ]
    stored += [str(event.payload).encode() for event in AuditEvent.objects.all()]
    assert [m for m in plain for raw in stored if m in raw] == []
    assert row.technical is None and row.financial is None
