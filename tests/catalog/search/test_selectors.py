"""`search_offers` and `offers_for_compare` on the fixed catalogue of
conftest.py (CAT-5), on whichever database the suite runs on."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kraya.accounts.selectors import actor_for
from kraya.catalog.search import rules
from kraya.catalog.search.selectors import (
    BadSearchCursor,
    SearchQuery,
    SearchRefused,
    offers_for_compare,
    search_offers,
)
from kraya.core.errors import NotFound

from .conftest import LISTED


def names(catalogue, **query):
    result = search_offers(actor=None, query=SearchQuery(limit=100, **query))
    return [catalogue.name_of(hit.offer_id) for hit in result.hits]


def name_set(catalogue, **query):
    return set(names(catalogue, **query))


def test_cat5_only_listed_offers_are_found(catalogue):
    """Published offer, published product, active firm: nothing else."""
    assert name_set(catalogue) == set(LISTED)
    assert name_set(catalogue, text="acer") == set()  # product awaiting approval


def test_cat5_exact_model_match_comes_first(catalogue):
    # The sleeve names the model twice and is cheaper, yet the HP laptop whose
    # model this is comes first.
    assert names(catalogue, text="15s-fq5111TU") == ["o6", "o8"]
    assert names(catalogue, text="15S FQ5111TU")[0] == "o6"


def test_cat5_words_must_all_match(catalogue):
    assert name_set(catalogue, text="wooden chair") == {"o1", "o2"}
    assert name_set(catalogue, text="wooden") == {"o1", "o2", "o5"}


def test_cat5_category_names_of_every_ancestor_are_searched(catalogue):
    assert name_set(catalogue, text="furniture") == {"o1", "o2", "o3", "o4", "o5"}
    assert name_set(catalogue, text="फर्नीचर") == {"o1", "o2", "o3", "o4", "o5"}


def test_cat5_hindi_query(catalogue):
    assert name_set(catalogue, text="कुर्सी") == {"o1", "o2", "o3"}
    assert name_set(catalogue, text="लकड़ी कुर्सी") == {"o1", "o2"}
    assert name_set(catalogue, text="लैपटॉप") == {"o6", "o7", "o8"}


def test_cat5_typo_is_corrected_to_the_nearest_known_word(catalogue):
    result = search_offers(actor=None, query=SearchQuery(text="lapton"))
    assert result.corrected_text == "laptop"
    assert {catalogue.name_of(h.offer_id) for h in result.hits} == {"o6", "o7"}
    result = search_offers(actor=None, query=SearchQuery(text="Ergonmic chair"))
    assert result.corrected_text == "ergonomic chair"
    assert [catalogue.name_of(h.offer_id) for h in result.hits] == ["o3"]


def test_cat5_hindi_typo_is_corrected(catalogue):
    result = search_offers(actor=None, query=SearchQuery(text="कुरसी"))  # virama missing
    assert result.corrected_text == "कुर्सी"
    assert {catalogue.name_of(h.offer_id) for h in result.hits} == {"o1", "o2", "o3"}


def test_cat5_known_words_are_not_corrected(catalogue):
    result = search_offers(actor=None, query=SearchQuery(text="laptop"))
    assert result.corrected_text is None
    result = search_offers(actor=None, query=SearchQuery(text="zzqqxx"))
    assert result.corrected_text is None
    assert result.hits == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category_code": "furniture"}, {"o1", "o2", "o3", "o4", "o5"}),
        ({"category_code": "office-chairs"}, {"o1", "o2", "o3", "o4"}),
        ({"category_code": "office-chairs", "params": {"material": "wood"}}, {"o1", "o2"}),
        ({"category_code": "office-chairs", "params": {"adjustable": "true"}}, {"o3"}),
        ({"category_code": "laptops", "params": {"ram": "10..16"}}, {"o7", "o8"}),
        ({"category_code": "laptops", "params": {"ram": "8"}}, {"o6"}),
        ({"category_code": "laptops", "params": {"ram": "..8"}}, {"o6"}),
        ({"category_code": "laptops", "params": {"os": "windows"}}, {"o6"}),
        ({"category_code": "laptops", "params": {"ram": "16..", "os": "linux"}}, {"o7"}),
        ({"price_min_paise": 420_000, "price_max_paise": 1_200_000}, {"o1", "o2", "o3"}),
        ({"price_max_paise": 90_000}, {"o4", "o8"}),
        ({"delivery_state": "Bihar"}, {"o1"}),
        ({"delivery_state": "Delhi"}, {"o5", "o6", "o7"}),
        ({"pincode": "110001"}, set(LISTED) - {"o2"}),
        ({"pincode": "226002"}, set(LISTED)),
        ({"segments": frozenset({"MSE"})}, {"o1", "o4", "o7"}),
        ({"segments": frozenset({"SC_ST"})}, {"o3", "o5", "o8"}),
        ({"segments": frozenset({"STARTUP"})}, set()),  # claimed, not verified
        ({"segments": frozenset({"MSE", "SC_ST"})}, {"o1", "o3", "o4", "o5", "o7", "o8"}),
        ({"mii_class": "CLASS_1"}, {"o1", "o2", "o5"}),
        ({"mii_class": "CLASS_2"}, {"o3", "o7"}),
        ({"gi_only": True}, {"o5"}),
        ({"seller_state": "Karnataka"}, {"o3", "o5", "o8"}),
        ({"text": "chair", "delivery_state": "Karnataka"}, {"o3"}),
    ],
)
def test_cat5_filters(catalogue, query, expected):
    assert name_set(catalogue, **query) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("relevance", ["o8", "o4", "o2", "o1", "o3", "o9", "o5", "o6", "o7"]),
        ("price_asc", ["o8", "o4", "o2", "o1", "o3", "o9", "o5", "o6", "o7"]),
        ("price_desc", ["o7", "o6", "o5", "o9", "o3", "o1", "o2", "o4", "o8"]),
        ("delivery", ["o9", "o8", "o3", "o1", "o7", "o4", "o6", "o2", "o5"]),
        ("rating", ["o5", "o1", "o7", "o2", "o4", "o8", "o3", "o9", "o6"]),
    ],
)
def test_cat5_sorts(catalogue, sort, expected):
    assert names(catalogue, sort=sort) == expected


@pytest.mark.parametrize("sort", rules.SORTS)
@pytest.mark.parametrize("text", ["", "chair", "laptop"])
def test_cat5_cursor_pages_have_no_duplicates_or_gaps(catalogue, sort, text):
    whole = names(catalogue, text=text, sort=sort)
    pages: list[str] = []
    cursor = None
    for _page in range(20):
        result = search_offers(
            actor=None, query=SearchQuery(text=text, sort=sort, limit=2, cursor=cursor)
        )
        pages.extend(catalogue.name_of(h.offer_id) for h in result.hits)
        cursor = result.next_cursor
        if cursor is None:
            break
    assert pages == whole
    assert len(whole) == len(set(whole)) > 0


def test_cat5_bad_cursor_is_refused(catalogue):
    with pytest.raises(BadSearchCursor) as refused:
        search_offers(actor=None, query=SearchQuery(cursor="not-a-cursor"))
    assert (refused.value.code, refused.value.status) == ("search.bad_cursor", 400)
    first = search_offers(actor=None, query=SearchQuery(sort="price_asc", limit=2))
    with pytest.raises(BadSearchCursor):
        search_offers(
            actor=None, query=SearchQuery(sort="rating", limit=2, cursor=first.next_cursor)
        )


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"category_code": "spaceships"}, "search.unknown_category", "category"),
        ({"params": {"material": "wood"}}, "search.params_need_category", "params"),
        (
            {"category_code": "office-chairs", "params": {"colour": "brown"}},
            "search.unknown_parameter",
            "params.colour",
        ),
        (
            {"category_code": "office-chairs", "params": {"material": "gold"}},
            "search.bad_parameter_value",
            "params.material",
        ),
        (
            {"category_code": "office-chairs", "params": {"adjustable": "maybe"}},
            "search.bad_parameter_value",
            "params.adjustable",
        ),
        (
            {"category_code": "laptops", "params": {"ram": "16..8"}},
            "search.bad_parameter_value",
            "params.ram",
        ),
        ({"pincode": "22600"}, "search.bad_pincode", "pincode"),
        ({"sort": "cheapest"}, "search.bad_sort", "sort"),
        ({"limit": 500}, "search.bad_limit", "limit"),
    ],
)
def test_cat5_unreadable_values_are_refused_per_field(catalogue, query, code, field):
    with pytest.raises(SearchRefused) as refused:
        search_offers(actor=None, query=SearchQuery(**query))
    assert refused.value.code == code
    assert refused.value.status == 400
    assert list(refused.value.fields) == [field]


# --- seller identity -------------------------------------------------------------


def _sellers(actor):
    result = search_offers(actor=actor, query=SearchQuery(limit=100))
    return {hit.offer_id: hit.seller_name for hit in result.hits}


def test_cat5_buyers_and_visitors_do_not_see_who_sells(catalogue):
    assert set(_sellers(None).values()) == {None}
    assert set(_sellers(actor_for(user=catalogue.world.buyer)).values()) == {None}


def test_cat5_operators_see_every_seller(catalogue):
    shown = _sellers(actor_for(user=catalogue.world.operator))
    assert shown[catalogue.offers["o1"].pk] == "Ganga Textiles"
    assert shown[catalogue.offers["o3"].pk] == "Kaveri Works"
    assert None not in shown.values()


def test_cat5_a_seller_sees_only_its_own_name(catalogue):
    shown = _sellers(actor_for(user=catalogue.world.seller_catalogue))
    own = {catalogue.offers[n].pk for n in ("o1", "o4", "o7")}
    assert {i: n for i, n in shown.items() if n is not None} == dict.fromkeys(own, "Ganga Textiles")


def test_cat5_hit_carries_tags_and_golden_values(catalogue):
    result = search_offers(actor=None, query=SearchQuery(text="WC-100"))
    assert [catalogue.name_of(h.offer_id) for h in result.hits] == ["o2", "o1"]  # same model
    hit = result.hits[1]
    assert (hit.segments, hit.mii_class, hit.seller_state) == (
        ("MSE", "WOMAN"),
        "CLASS_1",
        "Uttar Pradesh",
    )
    assert hit.golden == {"Material": "Wood", "Adjustable height": "No"}
    assert hit.golden_specs == {"material": "wood", "adjustable": "false"}
    assert (hit.price_paise, hit.mrp_paise, hit.rating_hundredths) == (450_000, 500_000, 450)


# --- comparison --------------------------------------------------------------------


def test_cat5_compare_aligns_golden_parameters(catalogue):
    ids = catalogue.ids("o3", "o1", "o4")
    hits = offers_for_compare(actor=None, offer_ids=ids)
    assert [h.offer_id for h in hits] == ids
    assert [list(h.golden.items()) for h in hits] == [
        [("Material", "Mesh"), ("Adjustable height", "Yes")],
        [("Material", "Wood"), ("Adjustable height", "No")],
        [("Material", "Steel"), ("Adjustable height", "No")],
    ]
    assert {h.seller_name for h in hits} == {None}


def test_cat5_compare_fills_missing_values(catalogue):
    hits = offers_for_compare(actor=None, offer_ids=catalogue.ids("o6", "o8"))
    assert [h.golden for h in hits] == [
        {"RAM": "8 GB", "Operating system": "Windows"},
        {"RAM": "16 GB", "Operating system": "—"},
    ]


@pytest.mark.parametrize(
    ("offers", "error", "code"),
    [
        (("o1",), SearchRefused, "search.compare_count"),
        (("o1", "o1"), SearchRefused, "search.compare_count"),
        (("o1", "o2", "o3", "o4"), SearchRefused, "search.compare_count"),
        (("o1", "o6"), SearchRefused, "search.compare_categories_differ"),
        (("o1", "withdrawn"), NotFound, "search.offer_not_listed"),
    ],
)
def test_cat5_compare_refusals(catalogue, offers, error, code):
    with pytest.raises(error) as refused:
        offers_for_compare(actor=None, offer_ids=catalogue.ids(*offers))
    assert refused.value.code == code


def test_search_query_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SearchQuery().text = "x"  # type: ignore[misc]


def test_cat5_relevance_over_a_huge_match_keeps_exact_model_matches(catalogue, monkeypatch):
    """Relevance ranks at most RANK_CANDIDATES text matches; an exact model
    match is looked up by its key and always comes first."""
    from kraya.catalog.search import selectors

    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 1)
    assert names(catalogue, text="15s-fq5111TU") == ["o6", "o8"]
    assert len(names(catalogue, text="chair")) == 1
    assert len(names(catalogue, text="chair", sort="price_asc")) == 4  # other sorts see all


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    sort=st.sampled_from(rules.SORTS),
    limit=st.integers(1, 4),
    text=st.sampled_from(["", "chair", "laptop", "कुर्सी", "wooden"]),
    state=st.sampled_from([None, "Uttar Pradesh", "Delhi"]),
)
def test_cat5_any_page_size_walks_the_same_list(catalogue, sort, limit, text, state):
    """Keyset pages, whatever their size, concatenate to the one-page list."""
    whole = names(catalogue, text=text, sort=sort, delivery_state=state)
    pages: list[str] = []
    cursor = None
    while True:
        result = search_offers(
            actor=None,
            query=SearchQuery(
                text=text, sort=sort, limit=limit, cursor=cursor, delivery_state=state
            ),
        )
        assert len(result.hits) <= limit
        pages.extend(catalogue.name_of(h.offer_id) for h in result.hits)
        cursor = result.next_cursor
        if cursor is None:
            break
    assert pages == whole
