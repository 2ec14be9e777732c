"""Catalogue rules (DOMAIN §4): pure, no database."""

import pytest

from kraya.catalog import rules


def terms(**overrides):
    values = {
        "title": "Steel almirah",
        "price_paise": 12_500_00,
        "mrp_paise": 14_000_00,
        "stock": 20,
        "lead_time_days": 10,
    }
    values.update(overrides)
    return values


def codes(problems):
    return [(p.field, p.code, p.rule) for p in problems]


class TestOfferPriceDecision:
    def test_cat4_price_equal_to_mrp_is_allowed(self):
        decision = rules.offer_price_decision(price_paise=50_000, mrp_paise=50_000)
        assert decision == rules.Decision(True, "CAT-4")

    def test_cat4_price_below_mrp_is_allowed(self):
        assert rules.offer_price_decision(price_paise=1, mrp_paise=50_000).allowed is True

    def test_cat4_price_one_paisa_above_mrp_is_refused(self):
        decision = rules.offer_price_decision(price_paise=50_001, mrp_paise=50_000)
        assert decision == rules.Decision(False, "CAT-4", "catalog.price_above_mrp")


class TestOfferProblems:
    def test_good_terms_have_no_problems(self):
        assert rules.offer_problems(**terms()) == []

    def test_cat4_price_above_mrp(self):
        problems = rules.offer_problems(**terms(price_paise=14_000_01))
        assert codes(problems) == [("price_paise", "catalog.price_above_mrp", "CAT-4")]

    def test_every_problem_is_reported_at_once(self):
        problems = rules.offer_problems(
            title="  ", price_paise=0, mrp_paise=-5, stock=-1, lead_time_days=0
        )
        assert codes(problems) == [
            ("title", "catalog.title_required", "CAT-2"),
            ("price_paise", "catalog.price_not_positive", "CAT-2"),
            ("mrp_paise", "catalog.mrp_not_positive", "CAT-2"),
            ("stock", "catalog.stock_out_of_range", "CAT-2"),
            ("lead_time_days", "catalog.lead_time_out_of_range", "CAT-2"),
        ]

    @pytest.mark.parametrize(
        ("lead_time_days", "ok"), [(0, False), (1, True), (365, True), (366, False)]
    )
    def test_lead_time_bounds(self, lead_time_days, ok):
        problems = rules.offer_problems(**terms(lead_time_days=lead_time_days))
        assert (problems == []) is ok

    @pytest.mark.parametrize(
        ("stock", "ok"),
        [(-1, False), (0, True), (rules.MAX_STOCK, True), (rules.MAX_STOCK + 1, False)],
    )
    def test_stock_bounds(self, stock, ok):
        assert (rules.offer_problems(**terms(stock=stock)) == []) is ok


class TestMayManageOffers:
    @pytest.mark.parametrize("role", ["SELLER_ADMIN", "SELLER_CATALOGUE"])
    def test_role3_admin_and_catalogue_users_may(self, role):
        assert rules.may_manage_offers({role}) == rules.Decision(True, "ROLE-3")

    @pytest.mark.parametrize(
        "roles", [set(), {"SELLER_BIDDING"}, {"SELLER_FULFILMENT"}, {"BUYER", "PRIMARY"}]
    )
    def test_role3_other_roles_may_not(self, roles):
        assert rules.may_manage_offers(roles) == rules.Decision(False, "ROLE-3", "auth.forbidden")


class TestCategoryProblems:
    def test_good_category(self):
        assert (
            rules.category_problems(
                code="office-chairs", name="Office chairs", kind="PRODUCT", parent_kind="PRODUCT"
            )
            == []
        )

    @pytest.mark.parametrize(
        "code", ["", "Office", "office_chairs", "-chairs", "chairs-", "a--b", "x" * 41, "कुर्सी"]
    )
    def test_cat1_bad_codes(self, code):
        problems = rules.category_problems(
            code=code, name="Chairs", kind="PRODUCT", parent_kind=None
        )
        assert codes(problems) == [("code", "catalog.bad_category_code", "CAT-1")]

    def test_cat1_sub_category_has_its_parents_kind(self):
        problems = rules.category_problems(
            code="cleaning", name="Cleaning", kind="SERVICE", parent_kind="PRODUCT"
        )
        assert codes(problems) == [("parent", "catalog.parent_kind_differs", "CAT-1")]

    def test_cat1_name_and_kind_required(self):
        problems = rules.category_problems(code="x", name=" ", kind="GOODS", parent_kind=None)
        assert codes(problems) == [
            ("name", "catalog.name_required", "CAT-1"),
            ("kind", "catalog.bad_kind", "CAT-1"),
        ]
