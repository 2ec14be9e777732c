"""Catalogue rules (DOMAIN §4, MII-1): pure, no database."""

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.catalog import rules
from kraya.catalog.rules import bulk
from kraya.catalog.rules.specs import ParameterSpec
from kraya.catalog.services import MESSAGES
from kraya.core.policy import policy_at


def terms(**overrides):
    values = {
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
        problems = rules.offer_problems(price_paise=0, mrp_paise=-5, stock=-1, lead_time_days=0)
        assert codes(problems) == [
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

    @pytest.mark.parametrize("code", sorted(rules.RESERVED_CATEGORY_CODES))
    def test_cat1_a_category_cannot_take_a_catalogue_pages_address(self, code):
        problems = rules.category_problems(
            code=code, name="Chairs", kind="PRODUCT", parent_kind=None
        )
        assert codes(problems) == [("code", "catalog.category_code_reserved", "CAT-1")]

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


# --- CAT-1/CAT-2: specification values -------------------------------------------------

RAM = ParameterSpec(
    "ram", rules.NUMBER, unit="GB", is_required=True, min_value=Decimal(1), max_value=Decimal(64)
)
COLOUR = ParameterSpec("colour", rules.CHOICE, choices=("black", "grey"))
NOTE = ParameterSpec("note", rules.TEXT)
WIFI = ParameterSpec("wifi", rules.BOOLEAN, is_required=True)
TEMPLATE = [RAM, COLOUR, NOTE, WIFI]


def spec_codes(check):
    return [(p.field, p.code, p.rule, dict(p.params)) for p in check.problems]


class TestSpecs:
    def test_cat2_good_values_are_normalised(self):
        check = rules.check_specs(
            TEMPLATE, {"ram": " 8.00 ", "colour": "grey", "note": " Matte ", "wifi": "Yes"}
        )
        assert check.problems == []
        assert check.values == {"ram": "8", "colour": "grey", "note": "Matte", "wifi": "true"}

    @pytest.mark.parametrize(
        ("raw", "value"),
        [("हाँ", "true"), ("हां", "true"), ("नहीं", "false"), ("no", "false"), ("TRUE", "true")],
    )
    def test_cat2_boolean_accepts_english_and_hindi(self, raw, value):
        check = rules.check_specs(TEMPLATE, {"ram": "4", "wifi": raw})
        assert check.values["wifi"] == value

    def test_cat1_cat2_every_problem_at_once_each_on_its_field(self):
        check = rules.check_specs(
            TEMPLATE, {"ram": "128", "colour": "pink", "wifi": "maybe", "weight": "2"}
        )
        assert check.values == {}
        assert spec_codes(check) == [
            ("specs.weight", "catalog.spec_unknown", "CAT-1", {}),
            (
                "specs.ram",
                "catalog.spec_out_of_range",
                "CAT-2",
                {"low": "1", "high": "64", "unit": "GB"},
            ),
            ("specs.colour", "catalog.spec_not_a_choice", "CAT-2", {}),
            ("specs.wifi", "catalog.spec_not_yes_no", "CAT-2", {}),
        ]

    def test_cat2_required_parameters_must_be_given(self):
        check = rules.check_specs(TEMPLATE, {"colour": "black", "ram": "  "})
        assert [(p.field, p.code) for p in check.problems] == [
            ("specs.ram", "catalog.spec_required"),
            ("specs.wifi", "catalog.spec_required"),
        ]

    @pytest.mark.parametrize("raw", ["eight", "NaN", "Infinity", "1e", ""])
    def test_cat2_a_number_must_be_a_finite_decimal(self, raw):
        check = rules.check_specs(
            [ParameterSpec("ram", rules.NUMBER, is_required=True)], {"ram": raw}
        )
        assert [p.code for p in check.problems] == [
            "catalog.spec_required" if not raw else "catalog.spec_not_a_number"
        ]

    def test_cat2_text_has_a_length_limit(self):
        check = rules.check_specs([NOTE], {"note": "x" * 201})
        assert [p.code for p in check.problems] == ["catalog.spec_text_too_long"]
        assert rules.check_specs([NOTE], {"note": "x" * 200}).problems == []

    @given(st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False))
    def test_cat2_a_number_is_accepted_exactly_within_its_range(self, number):
        check = rules.check_specs([RAM], {"ram": str(number)})
        inside = Decimal(1) <= number <= Decimal(64)
        assert (check.problems == []) is inside
        if inside:
            assert Decimal(check.values["ram"]) == number

    def test_cat1_parameter_definitions(self):
        assert (
            rules.parameter_problems(
                code="ram", name="RAM", kind="NUMBER", choices=[], min_value=None, max_value=None
            )
            == []
        )
        problems = rules.parameter_problems(
            code="Bad Code",
            name=" ",
            kind="CHOICE",
            choices=["a", "a"],
            min_value=Decimal(5),
            max_value=Decimal(1),
        )
        assert [(p.field, p.code) for p in problems] == [
            ("code", "catalog.bad_parameter_code"),
            ("name", "catalog.name_required"),
            ("choices", "catalog.bad_choices"),
            ("max_value", "catalog.range_inverted"),
            ("min_value", "catalog.range_only_for_number"),
        ]


# --- MII-1 and the country of origin ---------------------------------------------------

POLICY_2020 = policy_at(dt.date(2024, 1, 1)).mii
POLICY_2017 = policy_at(dt.date(2018, 1, 1)).mii


class TestMii:
    @pytest.mark.parametrize(
        ("content", "expected"),
        [
            (100, rules.CLASS_1),
            (50, rules.CLASS_1),
            (49, rules.CLASS_2),
            (21, rules.CLASS_2),
            (20, rules.NON_LOCAL),
            (0, rules.NON_LOCAL),
        ],
    )
    def test_mii1_classes_at_their_boundaries(self, content, expected):
        decision = rules.mii_class_for(local_content_percent=content, policy=POLICY_2020)
        assert decision == rules.MiiDecision(expected, "MII-1", "2020-09-16")

    def test_mii1_the_2017_order_had_no_class_ii(self):
        decision = rules.mii_class_for(local_content_percent=49, policy=POLICY_2017)
        assert decision == rules.MiiDecision(rules.NON_LOCAL, "MII-1", "2017-03-08")
        assert rules.mii_class_for(local_content_percent=50, policy=POLICY_2017).mii_class == (
            rules.CLASS_1
        )

    @given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
    def test_mii1_class_follows_the_thresholds_exactly(self, content):
        got = rules.mii_class_for(local_content_percent=content, policy=POLICY_2020).mii_class
        if content >= 50:
            assert got == rules.CLASS_1
        elif content > 20:
            assert got == rules.CLASS_2
        else:
            assert got == rules.NON_LOCAL

    @given(st.integers(0, 100), st.integers(0, 100))
    def test_mii1_more_local_content_never_lowers_the_class(self, a, b):
        rank = {rules.NON_LOCAL: 0, rules.CLASS_2: 1, rules.CLASS_1: 2}
        low, high = sorted((a, b))
        assert (
            rank[rules.mii_class_for(local_content_percent=low, policy=POLICY_2020).mii_class]
            <= rank[rules.mii_class_for(local_content_percent=high, policy=POLICY_2020).mii_class]
        )

    @pytest.mark.parametrize(
        ("value", "code"), [("IN", "IN"), ("in", "IN"), ("DEU", "DE"), ("XX", None), ("I", None)]
    )
    def test_cat2_country_of_origin_is_an_iso_3166_code(self, value, code):
        assert rules.country_code(value) == code

    def test_cat2_origin_is_mandatory_and_local_content_0_to_100(self):
        problems = rules.origin_problems(country_of_origin=" ", local_content_percent=101)
        assert [(p.field, p.code, p.rule) for p in problems] == [
            ("country_of_origin", "catalog.origin_required", "CAT-2"),
            ("local_content_percent", "catalog.local_content_out_of_range", "MII-1"),
        ]
        assert [
            p.code for p in rules.origin_problems(country_of_origin="ZZ", local_content_percent=0)
        ] == ["catalog.origin_unknown"]


# --- CAT-3: approval and the status machines ------------------------------------------


class TestApproval:
    def test_cat3_a_registered_brand_publishes_at_once(self):
        assert rules.status_on_create(brand_is_registered=True) == rules.Decision(
            True, "CAT-3", rules.PUBLISHED
        )

    def test_cat3_any_other_brand_waits_for_an_operator(self):
        assert rules.status_on_create(brand_is_registered=False) == rules.Decision(
            False, "CAT-3", rules.PENDING
        )

    def test_cat3_only_a_pending_product_is_approved_or_rejected(self):
        assert rules.PRODUCT_TRANSITIONS == {
            (rules.PENDING, "approve"): rules.PUBLISHED,
            (rules.PENDING, "reject"): rules.REJECTED,
        }

    @pytest.mark.parametrize(
        ("status", "own", "allowed"),
        [
            (rules.PUBLISHED, False, True),
            (rules.PENDING, True, True),
            (rules.PENDING, False, False),
            (rules.REJECTED, True, False),
        ],
    )
    def test_cat3_who_may_offer_a_product(self, status, own, allowed):
        assert rules.may_offer_product(product_status=status, own_product=own).allowed is allowed

    def test_cat3_a_rejection_needs_a_reason(self):
        assert [p.code for p in rules.reason_problems("  ")] == ["catalog.reason_required"]
        assert [p.code for p in rules.reason_problems("x" * 1001)] == ["catalog.reason_too_long"]
        assert rules.reason_problems("Brand authorisation missing") == []

    def test_cat2_services_name_their_unit_and_products_do_not(self):
        service = rules.product_problems(
            category_kind=rules.SERVICE,
            brand_name="A",
            title="Cleaning",
            model="",
            service_unit="",
            sla={},
        )
        assert [(p.field, p.code) for p in service] == [
            ("service_unit", "catalog.service_unit_required")
        ]
        product = rules.product_problems(
            category_kind=rules.PRODUCT,
            brand_name=" ",
            title="Chair",
            model="",
            service_unit="per month",
            sla={"uptime": "99%"},
        )
        assert [(p.field, p.code) for p in product] == [
            ("brand", "catalog.brand_required"),
            ("model", "catalog.model_required"),
            ("service_unit", "catalog.service_terms_on_product"),
        ]

    def test_brand_key_ignores_case_width_and_spacing(self):
        assert rules.brand_key("  Godrej   INTERIO ") == rules.brand_key("godrej interio")
        assert rules.brand_key("Godrej & Boyce") != rules.brand_key("Godrej and Boyce")


# --- delivery areas ----------------------------------------------------------------------


class TestDelivery:
    def test_cat2_state_mask_uses_gst_state_codes(self):
        assert rules.state_mask(["Uttar Pradesh"]) == 1 << 9
        assert rules.state_mask(["Andhra Pradesh"]) == 1 << 37
        assert rules.states_in_mask(rules.state_mask(["Kerala", "Delhi"])) == ["Delhi", "Kerala"]

    @given(st.sets(st.sampled_from(sorted(rules.STATE_BITS))))
    def test_cat2_state_mask_round_trips(self, states):
        assert rules.states_in_mask(rules.state_mask(states)) == sorted(states)

    def test_cat2_delivery_needs_a_known_state_and_valid_pincodes(self):
        assert rules.delivery_problems(states=["Bihar"], pincodes="800001, 800002") == []
        problems = rules.delivery_problems(states=[], pincodes="80000, 012345")
        assert [(p.field, p.code) for p in problems] == [
            ("delivery_states", "catalog.delivery_states_required"),
            ("delivery_pincodes", "catalog.bad_pincode"),
        ]
        assert [p.code for p in rules.delivery_problems(states=["Atlantis"], pincodes="")] == [
            "catalog.delivery_state_unknown"
        ]

    def test_pincodes_are_sorted_and_unique(self):
        assert rules.parse_pincodes("226001,110001 226001;") == (["110001", "226001"], [])


# --- CAT-4: reference price and flag -------------------------------------------------------

NOW = dt.datetime(2026, 6, 1, 6, 30, tzinfo=dt.UTC)
CATALOGUE_POLICY = policy_at(dt.date(2026, 6, 1)).catalogue


def seen(price, days_ago):
    return rules.Observation(price, NOW - dt.timedelta(days=days_ago))


class TestPriceReasonableness:
    def test_cat4_reference_is_the_median_of_recent_transactions(self):
        reference = rules.reference_price(
            transactions=[seen(100_00, 1), seen(300_00, 10), seen(200_00, 179), seen(900_00, 181)],
            market=[seen(50_00, 0)],
            now=NOW,
            window_days=180,
        )
        assert reference == rules.Reference(
            rules.TRANSACTION,
            Fraction(200_00),
            3,
            NOW - dt.timedelta(days=179),
            NOW - dt.timedelta(days=1),
        )

    def test_cat4_an_even_count_has_an_exact_half_paisa_median(self):
        assert rules.median([101, 102]) == Fraction(203, 2)
        reference = rules.reference_price(
            transactions=[seen(101, 1), seen(102, 2)], market=[], now=NOW, window_days=180
        )
        assert reference is not None and reference.price_paise == 102  # half rounds up

    def test_cat4_without_recent_transactions_the_latest_market_price(self):
        reference = rules.reference_price(
            transactions=[seen(100_00, 200)],
            market=[seen(120_00, 30), seen(110_00, 5)],
            now=NOW,
            window_days=180,
        )
        assert (reference.kind, reference.price_paise, reference.count) == (rules.MARKET, 110_00, 1)

    def test_cat4_no_evidence_no_reference_no_flag(self):
        assert rules.reference_price(transactions=[], market=[], now=NOW, window_days=180) is None
        flag = rules.price_flag(price_paise=10**9, reference=None, policy=CATALOGUE_POLICY)
        assert (flag.flag, flag.evidence()) == ("", {})

    def test_cat4_flag_above_the_policy_percentage_with_evidence(self):
        reference = rules.Reference(rules.MARKET, Fraction(1000_00), 1, NOW, NOW)
        at_threshold = rules.price_flag(
            price_paise=1100_00, reference=reference, policy=CATALOGUE_POLICY
        )
        above = rules.price_flag(price_paise=1100_01, reference=reference, policy=CATALOGUE_POLICY)
        assert at_threshold.flag == ""
        assert above.flag == rules.ABOVE_REFERENCE
        assert above.evidence() == {
            "rule": "CAT-4",
            "flag": rules.ABOVE_REFERENCE,
            "reference_kind": rules.MARKET,
            "reference_price_paise": 1000_00,
            "observations": 1,
            "first_observed_at": NOW.isoformat(),
            "last_observed_at": NOW.isoformat(),
            "threshold_percent": "10",
            "window_days": 180,
            "policy_version": "2017-03-08",
        }

    @given(
        st.integers(1, 10**9),
        st.integers(1, 10**9),
        st.integers(1, 10**9),
        st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
    )
    def test_cat4_the_flag_is_monotonic_in_price(self, reference_paise, a, b, percent):
        low, high = sorted((a, b))
        reference = Fraction(reference_paise)
        if rules.is_above_reference(price_paise=low, reference=reference, percent=percent):
            assert rules.is_above_reference(price_paise=high, reference=reference, percent=percent)

    @given(st.integers(1, 10**9), st.integers(0, 100))
    def test_cat4_the_threshold_is_exact(self, reference_paise, percent):
        # The largest price not flagged is reference × (1 + p/100), computed exactly.
        limit = Fraction(reference_paise) * (100 + percent) / 100
        floor = limit.numerator // limit.denominator
        reference = Fraction(reference_paise)
        assert not rules.is_above_reference(
            price_paise=floor, reference=reference, percent=Decimal(percent)
        )
        assert rules.is_above_reference(
            price_paise=floor + 1, reference=reference, percent=Decimal(percent)
        )


# --- CAT-2: the price/stock CSV ----------------------------------------------------------


class TestCsv:
    @pytest.mark.parametrize(
        ("text", "paise"),
        [
            ("₹1,250.5", 125050),
            ("999", 99900),
            ("0.05", 5),
            ("1.234", None),
            ("-5", None),
            ("abc", None),
        ],
    )
    def test_rupees_to_paise_is_exact(self, text, paise):
        assert bulk.rupees_to_paise(text) == paise

    def test_cat2_rows_are_judged_one_by_one_with_hindi_headers(self):
        content = ("ऑफ़र आईडी,मूल्य,एमआरपी,स्टॉक\n1,100.50,120,5\n2,130,120,\n1,90,,\nx,,,\n").encode()
        sheet = bulk.parse_sheet(content)
        assert sheet.problems == []
        assert [(r.line, r.offer_id, r.price_paise, r.mrp_paise, r.stock) for r in sheet.rows] == [
            (2, 1, 10050, 12000, 5),
            (3, 2, 13000, 12000, None),
            (4, 1, 9000, None, None),
            (5, None, None, None, None),
        ]
        assert [[p.code for p in r.problems] for r in sheet.rows] == [
            [],
            ["catalog.price_above_mrp"],
            ["catalog.csv_duplicate_offer"],
            ["catalog.csv_bad_offer_id", "catalog.csv_nothing_to_change"],
        ]

    def test_cat2_a_file_without_the_columns_is_refused_whole(self):
        sheet = bulk.parse_sheet(b"name,amount\nx,1\n")
        assert ([p.code for p in sheet.problems], sheet.rows) == (["catalog.csv_bad_headers"], [])
        assert [p.code for p in bulk.parse_sheet(b"\xff\xfe").problems] == ["catalog.csv_not_utf8"]


class TestMessages:
    def test_every_code_a_rule_can_give_has_a_message(self):
        """A refusal must never fail for want of a message (it would be a 500)."""
        source = "".join(path.read_text() for path in Path(rules.__file__).parent.glob("*.py"))
        codes = set(re.findall(r'"(catalog\.[a-z_0-9]+)"', source))
        assert codes and codes <= set(MESSAGES)

    @given(st.integers(0, 10**12))
    def test_cat2_csv_amounts_round_trip_exactly(self, paise):
        text = f"{paise // 100:,}.{paise % 100:02d}"
        assert bulk.rupees_to_paise(f"₹{text}") == paise
