"""The authorization matrix: every operation of the project API, called as
anonymous, as a user of another organisation (or firm), as a user of the
right organisation with the wrong role, and with the right role.

The rule (see `kraya/accounts/api.py`): 401 without credentials; 404 when the
object is outside what the caller may see; 403 when they see it but lack the
role; an id in a request body that is not the caller's to use is a 422 field
error. Every call goes through Django's test client with CSRF enforced
(session) or with an API token. A refused call must change no row anywhere.

`test_every_operation_is_in_the_matrix` walks the registered operations and
names any (method, path) missing here: a new endpoint needs its row."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from tests.catalog import matrix as catalog
from tests.catalog.search import matrix as search_matrix
from tests.factories import PASSWORD, World
from tests.outreach import matrix as outreach
from tests.sellers import kyc_examples as kyc

from kraya.accounts.models import ApiToken, Membership, User
from kraya.accounts.services import api_token_create
from kraya.api.main import api
from kraya.core.audit_models import AuditEvent
from kraya.sellers.bulk.columns import template_csv
from kraya.sellers.models import ImportBatch

PREFIX = "/api/v1"
PERSONAS = ("anonymous", "other_organisation", "wrong_role", "right_role")

# Who plays each persona (attributes of tests.factories.World).
ORGANISATION_ADMIN = {
    "other_organisation": "other_primary",
    "wrong_role": "consignee",
    "right_role": "primary",
}
FIRM_ADMIN = {
    "other_organisation": "other_seller_admin",
    "wrong_role": "seller_catalogue",
    "right_role": "seller_admin",
}
MEMBER = {
    "other_organisation": "other_buyer",
    "wrong_role": "consignee",
    "right_role": "buyer",
}


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # as registered, under /api/v1
    url: Callable[[World], str]
    expected: dict[str, int]
    players: dict[str, str] = field(default_factory=lambda: MEMBER)
    body: Callable[[World], dict[str, Any]] | None = None
    multipart: bool = False  # send `body` as a form upload instead of JSON (bulk CSV)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _membership_id(user: User) -> int:
    membership = Membership.objects.filter(user=user, is_active=True).order_by("id").first()
    assert membership is not None
    return membership.pk


def _buyer_token_id(world: World) -> int:
    token, _raw = api_token_create(
        acting_user=world.buyer,
        membership=Membership.objects.get(user=world.buyer),
        name="matrix",
    )
    return token.pk


def _new_user(roles: list[str]) -> Callable[[World], dict[str, Any]]:
    def body(world: World) -> dict[str, Any]:
        return {
            "username": "matrix-user",
            "full_name": "Matrix User",
            "email": "matrix@example.in",
            "password": PASSWORD,
            "roles": roles,
        }

    return body


# Bulk registration (KYC-5): operators only; everyone else, in any firm or office, is 403.
BULK_OPERATOR = {
    "other_organisation": "seller_admin",
    "wrong_role": "buyer",
    "right_role": "operator",
}


def _bulk_upload(world: World) -> dict[str, Any]:
    return {
        "file": SimpleUploadedFile("sellers.csv", template_csv("en"), content_type="text/csv"),
        "source": "Matrix workshop",
    }


def _bulk_batch(world: World) -> ImportBatch:
    return ImportBatch.objects.create(
        uploaded_by=world.operator, source="Matrix camp", file_name="m.csv", content=b""
    )


def _status(anonymous: int, other: int, wrong: int, right: int) -> dict[str, int]:
    return dict(zip(PERSONAS, (anonymous, other, wrong, right), strict=True))


def _buyers_notification(world: World) -> str:
    """A notification of the buyer's (the right persona): others get 404."""
    from kraya.notifications.models import Notification

    note = Notification.objects.create(
        user=world.buyer, kind="orders.accepted", key="matrix", subject="s", body="b"
    )
    return f"/notifications/{note.pk}/read"


MATRIX: list[Row] = [
    Row("GET", "/health", lambda w: "/health", _status(200, 200, 200, 200)),
    Row("GET", "/policy", lambda w: "/policy", _status(200, 200, 200, 200)),
    # OPEN-5: the sealed days and inclusion proofs are public (no event here: 404).
    Row("GET", "/audit/checkpoints", lambda w: "/audit/checkpoints", _status(200, 200, 200, 200)),
    Row(
        "GET",
        "/audit/proof",
        lambda w: "/audit/proof?event_hash=" + "ab" * 32,
        _status(404, 404, 404, 404),
    ),
    # Each person's own inbox; another's notification is 404.
    Row("GET", "/notifications", lambda w: "/notifications", _status(401, 200, 200, 200)),
    Row(
        "POST",
        "/notifications/{notification_id}/read",
        _buyers_notification,
        _status(401, 404, 404, 200),
    ),
    Row("GET", "/accounts/me", lambda w: "/accounts/me", _status(401, 200, 200, 200)),
    Row(
        "PATCH",
        "/accounts/me/language",
        lambda w: "/accounts/me/language",
        _status(401, 200, 200, 200),
        body=lambda w: {"language": "hi"},
    ),
    Row(
        "GET",
        "/accounts/organisations/{organisation_id}/users",
        lambda w: f"/accounts/organisations/{w.organisation.pk}/users",
        _status(401, 404, 403, 200),
        ORGANISATION_ADMIN,
    ),
    Row(
        "POST",
        "/accounts/organisations/{organisation_id}/users",
        lambda w: f"/accounts/organisations/{w.organisation.pk}/users",
        _status(401, 404, 403, 201),
        ORGANISATION_ADMIN,
        body=_new_user(["BUYER"]),
    ),
    Row(
        "PATCH",
        "/accounts/users/{user_id}",
        lambda w: f"/accounts/users/{w.buyer.pk}",
        _status(401, 404, 403, 200),
        ORGANISATION_ADMIN,
        body=lambda w: {"full_name": "Renamed Buyer"},
    ),
    Row(
        "POST",
        "/accounts/users/{user_id}/deactivate",
        lambda w: f"/accounts/users/{w.buyer.pk}/deactivate",
        _status(401, 404, 403, 200),
        ORGANISATION_ADMIN,
    ),
    Row(
        "POST",
        "/accounts/organisations/{organisation_id}/hand-over",
        lambda w: f"/accounts/organisations/{w.organisation.pk}/hand-over",
        _status(401, 404, 403, 200),
        ORGANISATION_ADMIN,
        body=lambda w: {"successor": w.paying_authority.pk},
    ),
    Row(
        "GET",
        "/accounts/offices/{office_id}/readiness",
        lambda w: f"/accounts/offices/{w.office.pk}/readiness",
        # Any user of the organisation may ask: the "wrong role" is still a member.
        _status(401, 404, 200, 200),
    ),
    Row(
        "GET",
        "/accounts/seller-firms/{firm_id}/users",
        lambda w: f"/accounts/seller-firms/{w.seller_firm.pk}/users",
        _status(401, 404, 403, 200),
        FIRM_ADMIN,
    ),
    Row(
        "POST",
        "/accounts/seller-firms/{firm_id}/users",
        lambda w: f"/accounts/seller-firms/{w.seller_firm.pk}/users",
        _status(401, 404, 403, 201),
        FIRM_ADMIN,
        body=_new_user(["SELLER_BIDDING"]),
    ),
    Row(
        "POST",
        "/accounts/seller-firms/{firm_id}/users/{user_id}/deactivate",
        lambda w: (
            f"/accounts/seller-firms/{w.seller_firm.pk}/users/{w.seller_catalogue.pk}/deactivate"
        ),
        _status(401, 404, 403, 200),
        FIRM_ADMIN,
    ),
    Row("GET", "/accounts/tokens", lambda w: "/accounts/tokens", _status(401, 200, 200, 200)),
    Row(
        "POST",
        "/accounts/tokens",
        lambda w: "/accounts/tokens",
        # The body names the buyer's membership: nobody else may use it.
        _status(401, 422, 422, 201),
        body=lambda w: {"membership": _membership_id(w.buyer), "name": "ERP"},
    ),
    Row(
        "POST",
        "/accounts/tokens/{token_id}/revoke",
        lambda w: f"/accounts/tokens/{_buyer_token_id(w)}/revoke",
        # A token is seen by its owner only.
        _status(401, 404, 404, 200),
    ),
    # --- sellers (issue 3, sellers domain): registration, directory, KYC check ----------
    Row(
        "POST",
        "/sellers/registrations",
        lambda w: "/sellers/registrations",
        # Anyone signed in may start registering a firm.
        _status(401, 201, 201, 201),
    ),
    Row(
        "GET",
        "/sellers/registrations/mine",
        lambda w: (kyc.complete_draft(w.consignee), "/sellers/registrations/mine")[1],
        _status(401, 404, 404, 200),
        kyc.APPLICANT_READ,
    ),
    Row(
        "GET",
        "/sellers/registrations/{registration_id}",
        lambda w: f"/sellers/registrations/{kyc.complete_draft(w.consignee).pk}",
        _status(401, 404, 404, 200),
        kyc.APPLICANT_READ,
    ),
    *[
        Row(
            "PUT",
            f"/sellers/registrations/{{registration_id}}/steps/{step}",
            lambda w, step=step: (
                f"/sellers/registrations/{kyc.complete_draft(w.consignee).pk}/steps/{step}"
            ),
            # The operator sees the draft but only the applicant edits it.
            _status(401, 404, 403, 200),
            kyc.APPLICANT_EDIT,
            body=lambda w, step=step: kyc.step_body(w.consignee, step),
        )
        for step in kyc.STEP_NAMES
    ],
    Row(
        "POST",
        "/sellers/registrations/{registration_id}/submit",
        lambda w: f"/sellers/registrations/{kyc.complete_draft(w.consignee).pk}/submit",
        _status(401, 404, 403, 200),
        kyc.APPLICANT_EDIT,
    ),
    Row(
        "POST",
        "/sellers/registrations/{registration_id}/verify",
        lambda w: f"/sellers/registrations/{kyc.submitted(w.consignee).pk}/verify",
        _status(401, 403, 403, 200),
        kyc.OPERATOR,
    ),
    Row(
        "POST",
        "/sellers/registrations/{registration_id}/reject",
        lambda w: f"/sellers/registrations/{kyc.submitted(w.consignee).pk}/reject",
        _status(401, 403, 403, 200),
        kyc.OPERATOR,
        body=lambda w: {"reason": "The bank letter is unreadable."},
    ),
    Row(
        "GET",
        "/sellers/directory",
        lambda w: "/sellers/directory?state=Uttar%20Pradesh",
        _status(401, 403, 403, 200),
        kyc.OPERATOR,
    ),
    Row(
        "GET",
        "/sellers/kyc/check",
        lambda w: "/sellers/kyc/check?pan=AAPFU0939F&gstin=27AAPFU0939F1ZV",
        # Public: a validation helper that reads and stores nothing.
        _status(200, 200, 200, 200),
    ),
    # --- sellers (issue 3, bulk registration KYC-5): operators only ------------------
    Row(
        "POST",
        "/sellers/imports",
        lambda w: "/sellers/imports",
        _status(401, 403, 403, 201),
        BULK_OPERATOR,
        body=_bulk_upload,
        multipart=True,
    ),
    Row(
        "GET",
        "/sellers/imports/{batch_id}",
        lambda w: f"/sellers/imports/{_bulk_batch(w).pk}",
        _status(401, 403, 403, 200),
        BULK_OPERATOR,
    ),
    Row(
        "GET",
        "/sellers/imports/{batch_id}/rows",
        lambda w: f"/sellers/imports/{_bulk_batch(w).pk}/rows?outcome=REJECTED",
        _status(401, 403, 403, 200),
        BULK_OPERATOR,
    ),
    # --- outreach (issue 3, OUT-1 events: public reads, operator writes) -------------
    Row("GET", "/outreach/events", lambda w: "/outreach/events", _status(200, 200, 200, 200)),
    Row(
        "POST",
        "/outreach/events",
        lambda w: "/outreach/events",
        _status(401, 403, 403, 201),
        outreach.OPERATOR,
        body=outreach.event_body,
    ),
    Row(
        "GET",
        "/outreach/events/{code}",
        lambda w: f"/outreach/events/{outreach.event_code(w)}",
        _status(200, 200, 200, 200),
    ),
    Row(
        "PUT",
        "/outreach/events/{code}",
        lambda w: f"/outreach/events/{outreach.event_code(w)}",
        _status(401, 403, 403, 200),
        outreach.OPERATOR,
        body=outreach.event_body,
    ),
    Row(
        "GET",
        "/outreach/events/{code}/funnel",
        lambda w: f"/outreach/events/{outreach.event_code(w)}/funnel",
        _status(200, 200, 200, 200),
    ),
    Row(
        "POST",
        "/outreach/events/{code}/attendance",
        lambda w: f"/outreach/events/{outreach.event_code(w)}/attendance",
        _status(401, 403, 403, 201),
        outreach.OPERATOR,
        body=lambda w: {"attendees": [{"name": "Sunita Devi", "attendee_type": "SELLER"}]},
    ),
    Row(
        "GET",
        "/outreach/states/{state}",
        lambda w: (outreach.event_code(w), "/outreach/states/Uttar%20Pradesh")[1],
        _status(200, 200, 200, 200),
    ),
    # --- outreach (issue 3, OUT-2 feedback: buyers and sellers write, operators answer) ---
    Row(
        "POST",
        "/outreach/feedback",
        lambda w: "/outreach/feedback",
        # Every buyer or seller may write; the "other organisation" too.
        _status(401, 201, 201, 201),
        body=lambda w: {"text": "भुगतान में देरी है।", "language": "hi"},
    ),
    Row(
        "GET",
        "/outreach/feedback/mine",
        lambda w: "/outreach/feedback/mine",
        _status(401, 200, 200, 200),
    ),
    Row(
        "GET",
        "/outreach/feedback/{feedback_id}",
        lambda w: f"/outreach/feedback/{outreach.buyers_feedback(w).pk}",
        # Only its author (the buyer) and operators see a feedback.
        _status(401, 404, 404, 200),
    ),
    Row(
        "GET",
        "/outreach/feedback",
        lambda w: (outreach.buyers_feedback(w), "/outreach/feedback?status=OPEN")[1],
        _status(401, 403, 403, 200),
        outreach.OPERATOR,
    ),
    Row(
        "GET",
        "/outreach/feedback/summary",
        lambda w: (outreach.buyers_feedback(w), "/outreach/feedback/summary?by=state")[1],
        _status(401, 403, 403, 200),
        outreach.OPERATOR,
    ),
    Row(
        "POST",
        "/outreach/feedback/{feedback_id}/tag",
        lambda w: f"/outreach/feedback/{outreach.buyers_feedback(w).pk}/tag",
        _status(401, 403, 403, 200),
        outreach.OPERATOR,
        body=lambda w: {"topic": "PAYMENT"},
    ),
    Row(
        "POST",
        "/outreach/feedback/{feedback_id}/respond",
        lambda w: f"/outreach/feedback/{outreach.buyers_feedback(w, status='TAGGED').pk}/respond",
        _status(401, 403, 403, 200),
        outreach.OPERATOR,
        body=lambda w: {"response": "The bill is passed."},
    ),
    Row(
        "POST",
        "/outreach/feedback/{feedback_id}/close",
        lambda w: f"/outreach/feedback/{outreach.buyers_feedback(w, status='RESPONDED').pk}/close",
        _status(401, 403, 403, 200),
        outreach.OPERATOR,
    ),
    # --- catalogue (issue 4, CAT-1..4): public reads, operators, a firm's catalogue users ---
    Row("GET", "/catalog/categories", lambda w: "/catalog/categories", _status(200, 200, 200, 200)),
    Row(
        "POST",
        "/catalog/categories",
        lambda w: "/catalog/categories",
        _status(401, 403, 403, 201),
        catalog.OPERATOR,
        body=catalog.category_body,
    ),
    Row(
        "GET",
        "/catalog/categories/{code}",
        lambda w: f"/catalog/categories/{catalog.category(w).code}",
        _status(200, 200, 200, 200),
    ),
    Row(
        "POST",
        "/catalog/categories/{code}/parameters",
        lambda w: f"/catalog/categories/{catalog.category(w).code}/parameters",
        _status(401, 403, 403, 201),
        catalog.OPERATOR,
        body=catalog.parameter_body,
    ),
    Row("GET", "/catalog/brands", lambda w: "/catalog/brands", _status(200, 200, 200, 200)),
    Row(
        "POST",
        "/catalog/brands",
        lambda w: "/catalog/brands",
        _status(401, 403, 403, 201),
        catalog.OPERATOR,
        body=lambda w: {"name": "Matrix New Brand"},
    ),
    Row(
        "POST",
        "/catalog/firms/{firm_id}/products",
        lambda w: (catalog.published_product(w), f"/catalog/firms/{w.seller_firm.pk}/products")[1],
        _status(401, 404, 404, 201),
        catalog.SELLER,
        body=catalog.product_body,
    ),
    Row(
        "GET",
        "/catalog/firms/{firm_id}/products",
        lambda w: (catalog.pending_product(w), f"/catalog/firms/{w.seller_firm.pk}/products")[1],
        _status(401, 404, 404, 200),
        catalog.SELLER,
    ),
    Row(
        "GET",
        "/catalog/products/approvals",
        lambda w: (catalog.pending_product(w), "/catalog/products/approvals")[1],
        _status(401, 403, 403, 200),
        catalog.OPERATOR,
    ),
    Row(
        "GET",
        "/catalog/products/{product_id}",
        lambda w: f"/catalog/products/{catalog.published_product(w).pk}",
        _status(200, 200, 200, 200),
    ),
    Row(
        "POST",
        "/catalog/products/{product_id}/approve",
        lambda w: f"/catalog/products/{catalog.pending_product(w).pk}/approve",
        _status(401, 403, 403, 200),
        catalog.OPERATOR,
    ),
    Row(
        "POST",
        "/catalog/products/{product_id}/reject",
        lambda w: f"/catalog/products/{catalog.pending_product(w).pk}/reject",
        _status(401, 403, 403, 200),
        catalog.OPERATOR,
        body=lambda w: {"reason": "No letter of brand authorisation."},
    ),
    Row(
        "POST",
        "/catalog/products/{product_id}/price-references",
        lambda w: f"/catalog/products/{catalog.listed_offer(w).product_id}/price-references",
        _status(401, 403, 403, 201),
        catalog.OPERATOR,
        body=lambda w: {"kind": "MARKET", "price_paise": 8_000_00, "source": "Survey"},
    ),
    Row(
        "POST",
        "/catalog/firms/{firm_id}/offers",
        lambda w: (catalog.published_product(w), f"/catalog/firms/{w.seller_firm.pk}/offers")[1],
        _status(401, 404, 404, 201),
        catalog.SELLER,
        body=catalog.offer_body,
    ),
    Row(
        "GET",
        "/catalog/firms/{firm_id}/offers",
        lambda w: (catalog.listed_offer(w), f"/catalog/firms/{w.seller_firm.pk}/offers")[1],
        _status(401, 404, 404, 200),
        catalog.SELLER,
    ),
    Row(
        "POST",
        "/catalog/firms/{firm_id}/offers/bulk",
        lambda w: (catalog.listed_offer(w), f"/catalog/firms/{w.seller_firm.pk}/offers/bulk")[1],
        _status(401, 404, 404, 200),
        catalog.SELLER,
        body=catalog.bulk_upload,
        multipart=True,
    ),
    Row(
        "GET",
        "/catalog/offers/{offer_id}",
        lambda w: f"/catalog/offers/{catalog.listed_offer(w).pk}",
        _status(200, 200, 200, 200),
    ),
    Row(
        "PATCH",
        "/catalog/offers/{offer_id}",
        lambda w: f"/catalog/offers/{catalog.listed_offer(w).pk}",
        # A listed offer is public: outsiders see it, so they lack the role (403).
        _status(401, 403, 403, 200),
        catalog.SELLER,
        body=lambda w: {"stock": 5},
    ),
    Row(
        "POST",
        "/catalog/offers/{offer_id}/clone",
        lambda w: f"/catalog/offers/{catalog.listed_offer(w).pk}/clone",
        _status(401, 403, 403, 201),
        catalog.SELLER,
    ),
    Row(
        "POST",
        "/catalog/offers/{offer_id}/withdraw",
        lambda w: f"/catalog/offers/{catalog.listed_offer(w).pk}/withdraw",
        _status(401, 403, 403, 200),
        catalog.SELLER,
    ),
    # --- catalogue search (issue 4, CAT-5): public reads ------------------------------
    Row(
        "GET",
        "/search/offers",
        lambda w: "/search/offers?text=chair&with_facets=true",
        _status(200, 200, 200, 200),
    ),
    Row(
        "GET",
        "/search/compare",
        lambda w: f"/search/compare?offers={search_matrix.two_offer_ids(w)}",
        _status(200, 200, 200, 200),
    ),
]

UNSAFE = [row for row in MATRIX if row.method not in {"GET", "HEAD", "OPTIONS"}]
# Token auth, for a sample that covers each kind of scope: organisation, firm, own objects.
TOKEN_ROWS = [
    row
    for row in MATRIX
    if row.id
    in {
        "GET /accounts/me",
        "GET /accounts/organisations/{organisation_id}/users",
        "POST /accounts/organisations/{organisation_id}/users",
        "POST /accounts/users/{user_id}/deactivate",
        "GET /accounts/offices/{office_id}/readiness",
        "POST /accounts/seller-firms/{firm_id}/users",
        "POST /accounts/tokens",
        "POST /accounts/tokens/{token_id}/revoke",
    }
]


def registered_operations() -> set[tuple[str, str]]:
    """Every (method, path) the project API serves, from ninja's routers."""
    api.urls  # noqa: B018 -- building the URLs mounts every (nested) router
    operations: set[tuple[str, str]] = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = "/" + "/".join(part for part in f"{prefix}/{path}".split("/") if part)
            for operation in path_view.operations:
                operations.update((method.upper(), full) for method in operation.methods)
    return operations


def row_counts() -> dict[str, int]:
    """Rows in every table of the project, plus the states a refusal must not flip."""
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    counts["audit_head"] = head or 0
    counts["active_memberships"] = Membership.objects.filter(is_active=True).count()
    counts["active_users"] = User.objects.filter(is_active=True).count()
    counts["revoked_tokens"] = ApiToken.objects.filter(revoked_at__isnull=False).count()
    counts["hindi_users"] = User.objects.filter(preferred_language="hi").count()
    return counts


def _session_client(user: User | None) -> tuple[Client, dict[str, str]]:
    client = Client(enforce_csrf_checks=True)
    headers: dict[str, str] = {}
    if user is not None:
        client.force_login(user)
        csrf = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = csrf
        headers["X-CSRFToken"] = csrf
    return client, headers


def _token_client(user: User) -> tuple[Client, dict[str, str]]:
    membership = Membership.objects.filter(user=user, is_active=True).order_by("id").first()
    assert membership is not None
    _token, raw = api_token_create(acting_user=user, membership=membership, name="matrix")
    return Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {raw}"}


def _call(row: Row, world: World, client: Client, headers: dict[str, str], url: str) -> Any:
    if row.method == "GET":
        return client.get(PREFIX + url, headers=headers)
    if row.multipart:
        return client.post(PREFIX + url, row.body(world) if row.body else {}, headers=headers)
    body = json.dumps(row.body(world) if row.body else {})
    return client.generic(
        row.method, PREFIX + url, body, content_type="application/json", headers=headers
    )


def _check(row: Row, persona: str, auth: str, world: World) -> None:
    user = None if persona == "anonymous" else getattr(world, row.players[persona])
    if auth == "token" and user is not None:
        client, headers = _token_client(user)
    else:
        client, headers = _session_client(user)
    url = row.url(world)  # may create what the row acts on (a token to revoke)
    before = row_counts()
    response = _call(row, world, client, headers, url)
    expected = row.expected[persona]
    assert response.status_code == expected, (row.id, persona, auth, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    if expected >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"}
        assert row_counts() == before, f"{row.id} as {persona} was refused but wrote rows"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_session_matrix(row: Row, persona: str, world: World) -> None:
    _check(row, persona, "session", world)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_organisation", "wrong_role", "right_role"])
@pytest.mark.parametrize("row", TOKEN_ROWS, ids=lambda row: row.id)
def test_token_matrix(row: Row, persona: str, world: World) -> None:
    """The same answers with an API token (scoped to the user's membership)."""
    _check(row, persona, "token", world)


@pytest.mark.django_db
@pytest.mark.parametrize("row", UNSAFE, ids=lambda row: row.id)
def test_a_session_write_without_the_csrf_token_is_refused(row: Row, world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(getattr(world, row.players["right_role"]))
    url = row.url(world)
    before = row_counts()
    response = _call(row, world, client, {}, url)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "auth.csrf_failed")
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("row", [r for r in MATRIX if r.expected["anonymous"] == 401])
def test_a_revoked_or_wrong_token_is_401(row: Row, world: World) -> None:
    user = getattr(world, row.players["right_role"])
    if not Membership.objects.filter(user=user, is_active=True).exists():
        # Operators hold no membership, hence no token: a buyer's revoked token stands in.
        user = world.buyer
    client, headers = _token_client(user)
    ApiToken.objects.update(revoked_at=AuditEvent.objects.order_by("-seq").first().at)
    url = row.url(world)
    before = row_counts()
    for auth in (headers["Authorization"], "Bearer kr_nothing_here", "Basic abc"):
        response = _call(row, world, client, {"Authorization": auth}, url)
        assert response.status_code == 401, (row.id, auth)
    assert row_counts() == before


# Routers whose own tests hold their authorization matrix (with the same four
# personas), each with a test that it covers every one of its operations.
MATRICES_ELSEWHERE = {
    "/buying": "tests/buying/test_api.py",
    "/orders": "tests/orders/test_api.py",
    "/bids": "tests/bids/test_authorization_coverage.py",
    "/incidents": "tests/incidents/test_api.py",
    "/ocds": "tests/opendata/test_authorization.py",
}


def test_every_operation_is_in_the_matrix() -> None:
    in_matrix = {(row.method, row.path) for row in MATRIX}
    registered = {
        (method, path)
        for method, path in registered_operations()
        if not any(path.startswith(prefix) for prefix in MATRICES_ELSEWHERE)
    }
    missing = sorted(registered - in_matrix)
    assert not missing, f"operations with no row in the authorization matrix: {missing}"
    stale = sorted(in_matrix - registered)
    assert not stale, f"matrix rows for operations that no longer exist: {stale}"


def test_the_matrix_has_one_row_per_operation() -> None:
    ids = [row.id for row in MATRIX]
    assert len(ids) == len(set(ids))
    assert all(set(row.expected) == set(PERSONAS) for row in MATRIX)
