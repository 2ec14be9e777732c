"""The catalogue API (`/api/v1/catalog/`, CAT-1..4, MII-1): what each
operation answers, beyond who may call it (see the authorization matrix)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kraya.accounts.models import Membership
from kraya.accounts.services import api_token_create
from kraya.catalog.models import Offer, Product
from tests.catalog import matrix

API = "/api/v1/catalog"


def bearer(user):
    membership = Membership.objects.filter(user=user, is_active=True).order_by("id").first()
    _token, raw = api_token_create(acting_user=user, membership=membership, name="t")
    return {"Authorization": f"Bearer {raw}"}


def call(client, method, path, body=None, headers=None):
    return client.generic(
        method,
        API + path,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers=headers or {},
    )


@pytest.fixture
def seller(world):
    return bearer(world.seller_catalogue)


@pytest.fixture
def operator(world):
    client = Client()
    client.force_login(world.operator)
    return client


class TestCategories:
    def test_cat1_categories_list_their_templates_publicly(self, client, world):
        matrix.category(world)
        response = client.get(f"{API}/categories")
        assert response.status_code == 200
        [item] = response.json()["items"]
        assert (item["code"], item["kind"], item["parent"]) == (matrix.CATEGORY, "PRODUCT", None)
        assert [(p["code"], p["kind"], p["is_golden"]) for p in item["parameters"]] == [
            ("shelves", "NUMBER", False)
        ]

    def test_cat1_an_operator_adds_a_sub_category_and_a_choice_parameter(self, operator, world):
        matrix.category(world)
        response = call(
            operator,
            "POST",
            "/categories",
            {
                "code": "cupboards",
                "name": "Cupboards",
                "kind": "PRODUCT",
                "parent": "matrix-furniture",
            },
        )
        assert (response.status_code, response.json()["parent"]) == (201, "matrix-furniture")
        response = call(
            operator,
            "POST",
            "/categories/cupboards/parameters",
            {
                "code": "material",
                "name": "Material",
                "kind": "CHOICE",
                "choices": [{"value": "steel", "en": "Steel", "hi": "स्टील"}],
                "is_golden": True,
            },
        )
        assert response.status_code == 201
        assert response.json()["choices"] == [{"value": "steel", "en": "Steel", "hi": "स्टील"}]

    def test_cat1_an_unknown_parent_is_a_field_error(self, operator, world):
        response = call(
            operator,
            "POST",
            "/categories",
            {"code": "x", "name": "X", "kind": "PRODUCT", "parent": "nope"},
        )
        assert response.status_code == 422
        assert list(response.json()["error"]["fields"]) == ["parent"]


class TestProducts:
    def test_cat3_mii1_a_registered_brand_publishes_with_its_mii_class(self, client, world, seller):
        matrix.published_product(world)  # registers the brand, makes the category
        response = call(
            client,
            "POST",
            f"/firms/{world.seller_firm.pk}/products",
            matrix.product_body(world),
            headers=seller,
        )
        assert response.status_code == 201
        data = response.json()
        assert (data["status"], data["mii_class"], data["brand_is_registered"]) == (
            "PUBLISHED",
            "CLASS_1",
            True,
        )
        assert data["specs"] == {"shelves": "2"}

    def test_cat2_spec_problems_come_back_field_by_field(self, client, world, seller):
        matrix.category(world)
        body = {**matrix.product_body(world), "specs": {"shelves": "many", "depth": "3"}}
        body["brand"] = "Unknown Brand"
        response = call(
            client, "POST", f"/firms/{world.seller_firm.pk}/products", body, headers=seller
        )
        assert response.status_code == 422
        assert response.json()["error"]["fields"] == {
            "specs.depth": ["This parameter is not in the category's specification."],
            "specs.shelves": ["Enter a number."],
        }
        assert Product.objects.count() == 0

    def test_cat3_the_queue_approve_and_reject_with_reason(self, client, world, operator, seller):
        pending = matrix.pending_product(world)
        queue = operator.get(f"{API}/products/approvals").json()["items"]
        assert [p["id"] for p in queue] == [pending.pk]
        # Others do not see a product awaiting approval; its firm does.
        assert client.get(f"{API}/products/{pending.pk}").status_code == 404
        mine = client.get(f"{API}/products/{pending.pk}", headers=seller)
        assert (mine.status_code, mine.json()["status"]) == (200, "PENDING")
        response = call(operator, "POST", f"/products/{pending.pk}/reject", {"reason": " "})
        assert (response.status_code, response.json()["error"]["code"]) == (
            422,
            "catalog.reason_required",
        )
        response = call(operator, "POST", f"/products/{pending.pk}/reject", {"reason": "No proof"})
        assert (response.json()["status"], response.json()["rejection_reason"]) == (
            "REJECTED",
            "No proof",
        )
        again = call(operator, "POST", f"/products/{pending.pk}/approve")
        assert (again.status_code, again.json()["error"]["code"]) == (
            409,
            "catalog.product_not_pending",
        )


class TestOffers:
    def test_cat2_a_seller_offers_and_anyone_reads_it_without_the_sellers_name(
        self, client, world, seller
    ):
        matrix.published_product(world)
        response = call(
            client,
            "POST",
            f"/firms/{world.seller_firm.pk}/offers",
            {**matrix.offer_body(world), "delivery_pincodes": "226001"},
            headers=seller,
        )
        assert response.status_code == 201
        created = response.json()
        assert (created["seller_name"], created["delivery_pincodes"]) == (
            "Ganga Textiles",
            ["226001"],
        )
        assert [(h["price_paise"], h["source"]) for h in created["price_history"]] == [
            (9_000_00, "API")
        ]
        public = client.get(f"{API}/offers/{created['id']}")
        assert public.status_code == 200 and public["ETag"]
        assert (public.json()["seller_name"], public.json()["status"]) == (None, "PUBLISHED")

    def test_cat4_an_offer_above_mrp_is_422(self, client, world, seller):
        matrix.published_product(world)
        body = {**matrix.offer_body(world), "price_paise": 12_000_01}
        response = call(
            client, "POST", f"/firms/{world.seller_firm.pk}/offers", body, headers=seller
        )
        assert response.status_code == 422
        assert response.json()["error"]["fields"] == {
            "price_paise": ["The price cannot be above the MRP."]
        }
        assert Offer.objects.count() == 0

    def test_cat4_patch_with_if_match_and_the_flag_evidence(self, client, world, seller, operator):
        offer = matrix.listed_offer(world)  # ₹10,000
        call(
            operator,
            "POST",
            f"/products/{offer.product_id}/price-references",
            {"kind": "MARKET", "price_paise": 8_000_00},
        )
        read = client.get(f"{API}/offers/{offer.pk}")
        evidence = read.json()["price_evidence"]
        assert (read.json()["price_flag"], evidence["reference_kind"]) == (
            "ABOVE_REFERENCE",
            "MARKET",
        )
        assert evidence["reference_price_paise"] == 8_000_00
        etag = read["ETag"]
        response = call(
            client,
            "PATCH",
            f"/offers/{offer.pk}",
            {"price_paise": 8_500_00},
            {**seller, "If-Match": etag},
        )
        assert response.status_code == 200
        assert (response.json()["price_flag"], response["ETag"] != etag) == ("", True)
        assert [h["price_paise"] for h in response.json()["price_history"]] == [8_500_00, 10_000_00]
        stale = call(
            client, "PATCH", f"/offers/{offer.pk}", {"stock": 1}, {**seller, "If-Match": etag}
        )
        assert (stale.status_code, stale.json()["error"]["code"]) == (412, "catalog.offer_changed")

    def test_cat2_withdrawn_offers_are_hidden_from_others(self, client, world, seller):
        offer = matrix.listed_offer(world)
        response = call(client, "POST", f"/offers/{offer.pk}/withdraw", headers=seller)
        assert response.json()["status"] == "WITHDRAWN"
        assert client.get(f"{API}/offers/{offer.pk}").status_code == 404
        assert client.get(f"{API}/offers/{offer.pk}", headers=seller).status_code == 200
        again = call(client, "POST", f"/offers/{offer.pk}/withdraw", headers=seller)
        assert again.status_code == 409

    def test_cat2_clone_and_bulk_csv_report(self, client, world, seller):
        offer = matrix.listed_offer(world)
        clone = call(client, "POST", f"/offers/{offer.pk}/clone", {}, headers=seller).json()
        content = f"offer_id,price,stock\n{offer.pk},9500,4\n{clone['id']},13000,\n999999,1,\n"
        response = client.post(
            f"{API}/firms/{world.seller_firm.pk}/offers/bulk",
            {"file": SimpleUploadedFile("p.csv", content.encode(), content_type="text/csv")},
            headers=seller,
        )
        assert response.status_code == 200
        report = response.json()
        assert (report["updated"], report["refused"]) == (1, 2)
        assert [(r["line"], r["ok"], sorted(r["errors"])) for r in report["rows"]] == [
            (2, True, []),
            (3, False, ["price"]),
            (4, False, ["offer_id"]),
        ]
        listed = client.get(f"{API}/firms/{world.seller_firm.pk}/offers", headers=seller).json()
        assert sorted((o["id"], o["price_paise"], o["stock"]) for o in listed["items"]) == [
            (offer.pk, 9_500_00, 4),
            (clone["id"], 10_000_00, 0),
        ]
