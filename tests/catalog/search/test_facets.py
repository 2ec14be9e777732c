"""Facet counts (CAT-5), checked exactly: by hand for one search, and for
many searches against the hits each facet value would give if chosen."""

from __future__ import annotations

import pytest

from kraya.catalog.search import rules
from kraya.catalog.search.selectors import SearchQuery, search_offers


def facets(**query):
    return search_offers(actor=None, query=SearchQuery(with_facets=True, **query))


def test_cat5_facet_counts_by_hand(catalogue):
    """Chairs from MSE sellers: o1 (₹4,500, UP+Bihar, Class-I, wood) and o4
    (₹900, UP, non-local, steel). Each facet applies every filter but its
    own, so the segment facet counts all four chairs."""
    result = facets(category_code="office-chairs", segments=frozenset({"MSE"}))
    assert result.total == 2
    assert result.counts_exact is True
    assert result.facets == {
        "price_band": [("0..99999", "Under ₹1,000", 1), ("100000..499999", "₹1,000 to ₹5,000", 1)],
        "delivery_state": [("Bihar", "Bihar", 1), ("Uttar Pradesh", "Uttar Pradesh", 2)],
        "segments": [
            ("MSE", "Micro or small enterprise (MSE)", 2),
            ("WOMAN", "Woman-owned", 2),
            ("SC_ST", "SC/ST-owned", 1),
        ],
        "mii_class": [
            ("CLASS_1", "Class-I local supplier", 1),
            ("NON_LOCAL", "Non-local supplier", 1),
        ],
        "gi": [],
        "seller_state": [("Uttar Pradesh", "Uttar Pradesh", 2)],
        "param:material": [("wood", "Wood", 1), ("steel", "Steel", 1)],
        "param:adjustable": [("false", "No", 2)],
        "category": [],
    }


def test_cat5_category_facet_drills_down(catalogue):
    assert facets().facets["category"] == [
        ("furniture", "Furniture", 5),
        ("computers", "Computers", 3),
        ("cleaning", "Cleaning services", 1),
    ]
    assert facets(category_code="furniture").facets["category"] == [
        ("office-chairs", "Office chairs", 4),
        ("tables", "Tables", 1),
    ]
    assert facets(text="wooden", category_code="furniture").facets["category"] == [
        ("office-chairs", "Office chairs", 2),
        ("tables", "Tables", 1),
    ]


def test_cat5_number_parameter_facet_groups_values(catalogue):
    result = facets(category_code="laptops", params={"os": "windows"})
    assert result.facets["param:ram"] == [("8", "8 GB", 1)]
    assert result.facets["param:os"] == [("windows", "Windows", 1), ("linux", "Linux", 1)]
    result = facets(category_code="laptops")
    assert result.facets["param:ram"] == [("8", "8 GB", 1), ("16", "16 GB", 2)]


def test_cat5_chosen_values_stay_listed_with_zero(catalogue):
    result = facets(delivery_state="Bihar", gi_only=True)
    assert result.total == 0
    assert result.facets["gi"] == [("true", "GI-tagged product", 0)]
    assert ("Bihar", "Bihar", 0) in result.facets["delivery_state"]


def test_cat5_facets_in_hindi(catalogue, settings):
    from django.utils import translation

    with translation.override("hi"):
        result = facets(category_code="office-chairs")
    assert result.facets["param:material"][0] == ("wood", "लकड़ी", 2)
    assert result.facets["category"] == []


def _choose(query: dict, facet: str, value: str) -> dict:
    """The query with the facet's own filter replaced by `value`."""
    chosen = dict(query)
    if facet == "price_band":
        band = next(b for b in rules.PRICE_BANDS if b.value == value)
        chosen.update(price_min_paise=band.min_paise, price_max_paise=band.max_paise)
    elif facet == "delivery_state":
        chosen["delivery_state"] = value
    elif facet == "segments":
        chosen["segments"] = frozenset({value})
    elif facet == "mii_class":
        chosen["mii_class"] = value
    elif facet == "gi":
        chosen["gi_only"] = True
    elif facet == "seller_state":
        chosen["seller_state"] = value
    elif facet == "category":
        chosen["category_code"] = value
    else:
        code = facet.removeprefix("param:")
        chosen["params"] = {**chosen.get("params", {}), code: value}
    return chosen


QUERIES = [
    {},
    {"text": "chair"},
    {"text": "laptop", "delivery_state": "Delhi"},
    {"category_code": "office-chairs", "segments": frozenset({"MSE"})},
    {"category_code": "office-chairs", "params": {"material": "wood"}, "delivery_state": "Bihar"},
    {"category_code": "laptops", "params": {"ram": "16"}, "mii_class": "CLASS_2"},
    {"category_code": "furniture", "price_min_paise": 100_000, "price_max_paise": 499_999},
    {"seller_state": "Karnataka", "gi_only": True},
    {"pincode": "110001", "segments": frozenset({"SC_ST", "WOMAN"})},
    {"text": "कुर्सी", "mii_class": "CLASS_1"},
]


@pytest.mark.parametrize("query", QUERIES)
def test_cat5_every_facet_count_is_what_choosing_it_gives(catalogue, query):
    """Disjunctive faceting, exactly: each count equals the number of hits of
    the same search with that value chosen instead of the facet's own."""
    result = facets(**query)
    hits = search_offers(actor=None, query=SearchQuery(limit=100, **query)).hits
    assert result.total == len(hits)
    checked = 0
    for facet, rows in result.facets.items():
        for value, _label, count in rows:
            chosen = _choose(query, facet, value)
            found = search_offers(actor=None, query=SearchQuery(limit=100, **chosen)).hits
            assert count == len(found), (facet, value)
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("query", QUERIES)
def test_cat5_facets_leave_out_only_values_that_find_nothing(catalogue, query):
    result = facets(**query)
    for facet in ("delivery_state", "segments", "mii_class", "seller_state"):
        listed = {value for value, _label, _count in result.facets[facet]}
        universe = {
            "delivery_state": rules.STATE_BITS,
            "segments": rules.SEGMENT_CODES,
            "mii_class": rules.MII_CLASSES,
            "seller_state": rules.STATE_BITS,
        }[facet]
        for value in set(universe) - listed:
            chosen = _choose(query, facet, value)
            assert search_offers(actor=None, query=SearchQuery(**chosen)).hits == [], (facet, value)


def test_cat5_counts_over_a_huge_match_are_marked_approximate(catalogue, monkeypatch):
    from kraya.catalog.search import selectors

    monkeypatch.setattr(selectors, "FACET_SCAN_LIMIT", 3)
    result = facets()
    assert result.counts_exact is False
    assert result.total == 3
    assert len(result.hits) == 9  # the hits themselves are never capped


def test_cat5_facet_counts_are_reused_until_the_index_changes(catalogue, settings):
    """Counts are cached per normalised search for a short while; any change
    of the index (here: an offer withdrawn) forgets them at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kraya.catalog.models import Offer
    from kraya.catalog.search import index

    settings.KRAYA_SEARCH_FACET_CACHE_SECONDS = 60
    first = facets(text="chair")
    with CaptureQueriesContext(connection) as again:
        assert facets(text="chair").facets == first.facets
    assert not any("COUNT(*) FILTER" in query["sql"] for query in again.captured_queries)
    withdrawn = catalogue.offers["o1"]
    Offer.objects.filter(pk=withdrawn.pk).update(status="WITHDRAWN")
    index.offers_changed([withdrawn.pk])
    assert facets(text="chair").total == first.total - 1
    settings.KRAYA_SEARCH_FACET_CACHE_SECONDS = 0  # off: always counted afresh
    with CaptureQueriesContext(connection) as uncached:
        facets(text="chair")
    assert any("COUNT(*) FILTER" in query["sql"] for query in uncached.captured_queries)
