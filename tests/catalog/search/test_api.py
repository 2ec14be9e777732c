"""The search API (CAT-5): `GET /api/v1/search/offers` and `/compare`."""

from __future__ import annotations

import pytest
from django.test import Client

from kraya.accounts.models import Membership
from kraya.accounts.services import api_token_create

URL = "/api/v1/search/offers"


def _get(client: Client, url: str, **params):
    response = client.get(url, params)
    return response.status_code, response.json()


def _names(catalogue, body) -> list[str]:
    return [catalogue.name_of(item["offer_id"]) for item in body["items"]]


def test_cat5_anonymous_search_with_facets(catalogue, client):
    status, body = _get(
        client, URL, category_code="office-chairs", segments="MSE", with_facets="true"
    )
    assert status == 200
    assert _names(catalogue, body) == ["o4", "o1"]
    assert {item["seller_name"] for item in body["items"]} == {None}
    assert body["total"] == 2 and body["counts_exact"] is True
    assert body["facets"]["segments"] == [
        {"value": "MSE", "label": "Micro or small enterprise (MSE)", "count": 2},
        {"value": "WOMAN", "label": "Woman-owned", "count": 2},
        {"value": "SC_ST", "label": "SC/ST-owned", "count": 1},
    ]
    assert body["items"][0]["golden"] == {"Material": "Steel", "Adjustable height": "No"}
    assert body["next_cursor"] is None and body["corrected_text"] is None


def test_cat5_parameters_mirror_the_query(catalogue, client):
    status, body = _get(
        client,
        URL,
        text="chair",
        **{"params.material": "wood"},
        category_code="office-chairs",
        delivery_state="Uttar Pradesh",
        pincode="226001",
        mii_class="CLASS_1",
        seller_state="Uttar Pradesh",
        price_min_paise="100000",
        price_max_paise="500000",
        sort="price_desc",
    )
    assert status == 200
    assert _names(catalogue, body) == ["o1", "o2"]
    status, body = _get(client, URL, gi_only="true")
    assert _names(catalogue, body) == ["o5"]
    status, body = _get(client, URL, segments=["MSE", "SC_ST"], sort="price_asc", limit="2")
    assert _names(catalogue, body) == ["o8", "o4"]
    status, page_two = _get(
        client, URL, segments="MSE,SC_ST", sort="price_asc", limit="2", cursor=body["next_cursor"]
    )
    assert _names(catalogue, page_two) == ["o1", "o3"]


def test_cat5_typo_and_hindi_over_the_api(catalogue, client):
    status, body = _get(client, URL, text="lapton")
    assert (status, body["corrected_text"]) == (200, "laptop")
    assert set(_names(catalogue, body)) == {"o6", "o7"}
    status, body = _get(client, URL, text="कुर्सी", HTTP_ACCEPT_LANGUAGE="hi")
    assert set(_names(catalogue, body)) == {"o1", "o2", "o3"}


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"limit": "many"}, "search.bad_parameter", "limit"),
        ({"price_min_paise": "-5"}, "search.bad_parameter", "price_min_paise"),
        ({"with_facets": "perhaps"}, "search.bad_parameter", "with_facets"),
        ({"limit": "101"}, "search.bad_limit", "limit"),
        ({"sort": "newest"}, "search.bad_sort", "sort"),
        ({"cursor": "garbage"}, "search.bad_cursor", "cursor"),
        ({"category_code": "nope"}, "search.unknown_category", "category"),
        ({"params.material": "wood"}, "search.params_need_category", "params"),
        (
            {"category_code": "laptops", "params.ram": "lots"},
            "search.bad_parameter_value",
            "params.ram",
        ),
        ({"delivery_state": "Narnia"}, "search.unknown_state", "delivery_state"),
        ({"segments": "MSE,RICH"}, "search.unknown_segment", "segments"),
        ({"pincode": "abc"}, "search.bad_pincode", "pincode"),
    ],
)
def test_cat5_bad_parameters_are_400_with_field_messages(catalogue, client, params, code, field):
    status, body = _get(client, URL, **params)
    assert status == 400
    assert body["error"]["code"] == code
    assert list(body["error"]["fields"]) == [field]
    assert all(body["error"]["fields"][field])


def test_cat5_bad_token_is_401(catalogue, client):
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer kr_wrong")
    assert response.status_code == 401


def test_cat5_seller_token_sees_its_own_name_only(catalogue, client):
    world = catalogue.world
    membership = Membership.objects.get(user=world.seller_catalogue, is_active=True)
    _token, raw = api_token_create(
        acting_user=world.seller_catalogue, membership=membership, name="catalogue"
    )
    body = client.get(URL, {"text": "WC-100"}, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert [(catalogue.name_of(i["offer_id"]), i["seller_name"]) for i in body["items"]] == [
        ("o2", None),
        ("o1", "Ganga Textiles"),
    ]


def test_cat5_operator_session_sees_sellers_buyer_session_does_not(catalogue, client):
    world = catalogue.world
    client.force_login(world.operator)
    body = client.get(URL, {"text": "table"}).json()
    assert [item["seller_name"] for item in body["items"]] == ["Kaveri Works"]
    client.logout()
    client.force_login(world.buyer)
    body = client.get(URL, {"text": "table"}).json()
    assert [item["seller_name"] for item in body["items"]] == [None]


def test_cat5_compare_over_the_api(catalogue, client):
    ids = ",".join(str(i) for i in catalogue.ids("o1", "o3"))
    status, body = _get(client, "/api/v1/search/compare", offers=ids)
    assert status == 200
    assert [item["golden"] for item in body["items"]] == [
        {"Material": "Wood", "Adjustable height": "No"},
        {"Material": "Mesh", "Adjustable height": "Yes"},
    ]
    status, body = _get(client, "/api/v1/search/compare", offers="1,x")
    assert (status, body["error"]["code"]) == (400, "search.compare_count")
    ids = ",".join(str(i) for i in catalogue.ids("o1", "o6"))
    status, body = _get(client, "/api/v1/search/compare", offers=ids)
    assert (status, body["error"]["code"]) == (400, "search.compare_categories_differ")
    ids = ",".join(str(i) for i in catalogue.ids("o1", "closed"))
    status, body = _get(client, "/api/v1/search/compare", offers=ids)
    assert (status, body["error"]["code"]) == (404, "search.offer_not_listed")


def test_cat5_openapi_documents_the_query_and_anonymous_access(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/search/offers"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"text", "category_code", "params.<code>", "segments", "cursor", "limit"} <= names
    assert {} in operation["security"]
