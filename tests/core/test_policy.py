"""Policy as data (DOMAIN §3–§10): every number, both sides of every effective
date, and clear errors for malformed files."""

import dataclasses
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pydantic import ValidationError

from kraya.core import clock
from kraya.core.money import Money
from kraya.core.policy import (
    SECTIONS,
    PolicyFileError,
    PolicyNotInForce,
    default_book,
    load_book,
    policy_at,
    policy_in_force,
)

D = dt.date.fromisoformat
TODAY_POLICY = D("2026-01-01")


def rupees(amount: int | str) -> int:
    return Money.from_rupees(amount).paise


# --- history: both sides of every effective date ---------------------------------

HISTORY = [
    # (effective date, section, value, in force the day before, in force that day)
    ("2018-11-09", "mse", "annual_target_percent", Decimal(20), Decimal(25)),
    ("2018-11-09", "mse", "quantity_share_percent", Decimal(20), Decimal(25)),
    ("2018-11-09", "mse", "women_target_percent", Decimal(0), Decimal(3)),
    ("2018-11-09", "mse", "sc_st_target_percent", Decimal(4), Decimal(4)),
    ("2019-04-02", "buying_modes", "direct_purchase_max_paise", rupees(50_000), rupees(25_000)),
    ("2019-04-02", "buying_modes", "l1_purchase_max_paise", rupees(30_00_000), rupees(5_00_000)),
    ("2020-09-16", "mii", "class_ii_above_local_content_percent", None, Decimal(20)),
    ("2020-09-16", "mii", "class_i_min_local_content_percent", Decimal(50), Decimal(50)),
    ("2020-10-01", "orders", "late_payment_interest_percent_per_month", Decimal(0), Decimal(1)),
    ("2023-05-18", "preferences", "class_i_total_share_percent", Decimal(50), Decimal(50)),
    ("2024-07-10", "buying_modes", "direct_purchase_max_paise", rupees(25_000), rupees(50_000)),
    ("2024-07-10", "buying_modes", "l1_purchase_max_paise", rupees(5_00_000), rupees(10_00_000)),
    ("2024-08-09", "revenue", "transaction_charge_percent", Decimal(0), Decimal("0.30")),
    ("2024-08-09", "revenue", "transaction_charge_cap_paise", 0, rupees(3_00_000)),
    ("2024-08-09", "revenue", "transaction_charge_free_up_to_paise", 0, rupees(10_00_000)),
]


@pytest.mark.parametrize(("date", "section", "name", "before", "on"), HISTORY)
def test_the_day_before_and_the_day_itself(date, section, name, before, on):
    day = D(date)
    assert getattr(getattr(policy_at(day - dt.timedelta(days=1)), section), name) == before
    assert getattr(getattr(policy_at(day), section), name) == on
    assert getattr(policy_at(day), section).effective_from == day


def test_every_effective_date_is_covered_by_the_history_table():
    changes = {d for d in default_book().effective_dates() if d != default_book().first_date}
    assert changes == {D(row[0]) for row in HISTORY}


def _transitions():
    book = default_book()
    for name, history in book.histories.items():
        for index in range(1, len(history)):
            yield pytest.param(name, index, id=f"{name}@{history[index].version}")


@pytest.mark.parametrize(("section", "index"), list(_transitions()))
def test_each_version_starts_on_its_date_and_not_a_day_earlier(section, index):
    history = default_book().histories[section]
    day = history[index].effective_from
    assert getattr(policy_at(day - dt.timedelta(days=1)), section) is history[index - 1]
    assert getattr(policy_at(day), section) is history[index]


def test_policy_starts_on_8_march_2017_and_not_before():
    assert default_book().first_date == D("2017-03-08")
    first = policy_at(D("2017-03-08"))
    assert first.version == "2017-03-08"
    assert first.buying_modes.direct_purchase_max_paise == rupees(50_000)
    assert first.buying_modes.l1_purchase_max_paise == rupees(30_00_000)
    with pytest.raises(PolicyNotInForce, match=r"no policy in force on 2017-03-07"):
        policy_at(D("2017-03-07"))


@pytest.mark.parametrize(
    ("date", "version"),
    [
        ("2017-03-08", "2017-03-08"),
        ("2018-11-08", "2017-03-08"),
        ("2018-11-09", "2018-11-09"),
        ("2024-08-08", "2024-07-10"),
        ("2024-08-09", "2024-08-09"),
        ("2030-01-01", "2024-08-09"),
    ],
)
def test_policy_version_is_the_latest_effective_date_in_force(date, version):
    assert policy_at(D(date)).version == version


def test_policy_in_force_follows_the_indian_date():
    with clock.frozen_at(dt.datetime(2024, 8, 8, 18, 29, tzinfo=dt.UTC)):
        assert policy_in_force().version == "2024-07-10"
    with clock.frozen_at(dt.datetime(2024, 8, 8, 18, 30, tzinfo=dt.UTC)):  # 9 Aug in IST
        assert policy_in_force().version == "2024-08-09"


def test_policy_is_looked_up_by_date_not_datetime():
    with pytest.raises(TypeError, match="by date"):
        policy_at(dt.datetime(2024, 8, 9, tzinfo=dt.UTC))


def test_policy_is_frozen_and_shared():
    policy = policy_at(TODAY_POLICY)
    assert policy is policy_at(TODAY_POLICY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.version = "x"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        policy.mse.l1_band_percent = Decimal(99)  # type: ignore[misc]


def test_receipt_names_policy_section_version_and_source():
    receipt = policy_at(TODAY_POLICY).receipt("mse")
    assert receipt == {
        "policy_version": "2024-08-09",
        "section": "mse",
        "section_version": "2018-11-09",
        "source": "Public Procurement Policy for MSEs Order 2012, as amended 9 Nov 2018 "
        "(Ministry of MSME)",
        "provisional": False,
    }
    with pytest.raises(KeyError):
        policy_at(TODAY_POLICY).receipt("nothing")


def test_every_version_cites_a_source_and_provisional_ones_say_why():
    for history in default_book().histories.values():
        for version in history:
            assert len(version.source) > 10
            if version.provisional:
                assert version.notes


# --- DOMAIN's numbers, once each ------------------------------------------------------


@pytest.fixture
def policy():
    return policy_at(TODAY_POLICY)


def test_mode_1_thresholds_direct_50_thousand_l1_10_lakh(policy):
    assert policy.buying_modes.direct_purchase_max_paise == 50_000_00
    assert policy.buying_modes.l1_purchase_max_paise == 10_00_000_00


def test_mode_3_three_manufacturers_and_mode_5_thirty_day_window(policy):
    assert policy.buying_modes.l1_min_manufacturers == 3
    assert policy.buying_modes.split_window_days == 30


def test_kyc_2_gstin_needed_above_2_5_lakh(policy):
    assert policy.kyc.gstin_required_above_paise == 2_50_000_00


def test_kyc_4_land_border_registration_valid_12_months(policy):
    assert policy.kyc.land_border_registration_months == 12


@pytest.mark.parametrize(
    ("turnover", "caution"),
    [
        (None, 5_000),
        (0, 5_000),
        ("9999999.99", 5_000),
        (1_00_00_000, 10_000),
        (10_00_00_000, 10_000),
        ("100000000.01", 25_000),
        (500_00_00_000, 25_000),
    ],
)
def test_kyc_6_caution_money_slabs(policy, turnover, caution):
    turnover_paise = None if turnover is None else rupees(turnover)
    assert policy.kyc.caution_money_paise(turnover_paise) == rupees(caution)


def test_kyc_6_caution_money_exemptions(policy):
    assert set(policy.kyc.caution_money_exempt) == {
        "shg",
        "artisan",
        "weaver",
        "woman_owned_mse",
        "sc_st_owned_mse",
    }


def test_bid_1_defaults(policy):
    bids = policy.bids
    assert bids.min_duration_days == 10
    assert (bids.offer_validity_min_days, bids.offer_validity_max_days) == (45, 180)
    assert bids.turnover_average_years == 3


def test_bid_2_emd_2_to_5_percent_and_exemptions(policy):
    assert (policy.bids.emd_min_percent, policy.bids.emd_max_percent) == (Decimal(2), Decimal(5))
    assert set(policy.bids.emd_exempt) == {"mse_manufacturer", "mse_service_provider", "startup"}


def test_bid_3_corrigendum_leaves_at_least_7_days(policy):
    assert policy.bids.corrigendum_min_remaining_days == 7


def test_bid_4_extends_once_by_7_days(policy):
    assert policy.bids.auto_extension_days == 7
    assert policy.bids.auto_extensions_max == 1
    assert policy.bids.min_bids_default == 3


def test_bid_6_clarification_3_days_one_representation_in_48_hours(policy):
    assert policy.bids.clarification_days == 3
    assert (policy.bids.representations_max, policy.bids.representation_hours) == (1, 48)


def test_mse_1_band_15_percent_share_25_percent(policy):
    assert policy.mse.l1_band_percent == Decimal(15)
    assert policy.mse.quantity_share_percent == Decimal(25)


def test_mse_4_targets_25_4_3(policy):
    assert policy.mse.annual_target_percent == Decimal(25)
    assert policy.mse.sc_st_target_percent == Decimal(4)
    assert policy.mse.women_target_percent == Decimal(3)


def test_mii_1_classes_50_20_and_margin_20(policy):
    assert policy.mii.class_i_min_local_content_percent == Decimal(50)
    assert policy.mii.class_ii_above_local_content_percent == Decimal(20)
    assert policy.mii.purchase_preference_margin_percent == Decimal(20)


def test_mii_2_non_class_i_l1_keeps_half(policy):
    assert policy.mii.divisible_l1_share_percent == Decimal(50)


def test_pref_1_divisible_split_is_a_provisional_setting(policy):
    assert policy.preferences.divisible_split == "mse_first_then_class_i_top_up"
    assert policy.preferences.class_i_total_share_percent == Decimal(50)
    assert policy.preferences.provisional is True
    assert policy.preferences.effective_from == D("2023-05-18")


def test_ra_1_lowest_half_and_at_least_2(policy):
    auction = policy.reverse_auction
    assert auction.qualification_rule == "lowest_percent"
    assert auction.qualification_lowest_percent == Decimal(50)
    assert auction.qualification_min_bidders == 2


def test_ra_2_decrement_half_a_percent(policy):
    assert policy.reverse_auction.min_decrement_percent == Decimal("0.5")


def test_ra_3_two_hours_10_minute_extensions_capped_at_2_hours(policy):
    auction = policy.reverse_auction
    assert auction.duration_minutes == 120
    assert (auction.extension_window_minutes, auction.extension_minutes) == (10, 10)
    assert auction.max_total_extension_minutes == 120


def test_ord_3_seller_accepts_within_2_working_days(policy):
    assert policy.orders.seller_acceptance_working_days == 2


def test_ord_4_ld_half_percent_a_week_capped_at_10(policy):
    assert policy.orders.ld_percent_per_week == Decimal("0.5")
    assert policy.orders.ld_cap_percent == Decimal(10)


def test_ord_5_crac_10_days_and_auto_crac_day_21_up_to_25_thousand(policy):
    assert policy.orders.crac_days_after_prc == 10
    assert policy.orders.auto_crac_direct_purchase_max_paise == 25_000_00
    assert policy.orders.auto_crac_days == 21


def test_ord_6_rejection_and_replacement_10_days(policy):
    assert policy.orders.rejection_days_after_receipt == 10
    assert policy.orders.replacement_days == 10


def test_ord_7_payment_in_10_days_then_1_percent_a_30_day_month(policy):
    orders = policy.orders
    assert orders.payment_days_after_crac == 10
    assert orders.late_payment_interest_percent_per_month == Decimal(1)
    assert orders.interest_days_per_month == 30
    # The official example: ₹3 lakh paid 10 days late → ₹1,000.
    rate = orders.late_payment_interest_percent_per_month * 10 / orders.interest_days_per_month
    assert Money.from_rupees(300_000).percent(rate) == Money.from_rupees(1000)


def test_ord_8_transaction_charge_free_to_10_lakh_then_0_30_percent_capped_3_lakh(policy):
    revenue = policy.revenue
    assert revenue.transaction_charge_free_up_to_paise == 10_00_000_00
    assert revenue.transaction_charge_percent == Decimal("0.30")
    assert revenue.transaction_charge_cap_paise == 3_00_000_00
    charge = Money.from_rupees(20_00_000).percent(revenue.transaction_charge_percent)
    assert charge == Money.from_rupees(6000)  # DOMAIN's ₹20 lakh → ₹6,000


def test_ord_9_buyer_rating_weights_15_15_30_40(policy):
    weights = policy.orders.buyer_rating_weights
    assert (weights.bid_closure_percent, weights.order_placement_percent) == (15, 15)
    assert (weights.crac_percent, weights.payment_percent) == (30, 40)


def test_inc_1_reply_in_7_days_show_cause_in_5(policy):
    assert policy.incidents.response_days == 7
    assert policy.incidents.show_cause_reply_days == 5


def test_inc_2_severities_map_to_actions(policy):
    assert policy.incidents.suspension_days_default == 30
    assert policy.incidents.severity_actions.model_dump() == {
        "mild": "warning",
        "serious": "suspension",
        "severe": "catalogue_removal",
        "grave": "debarment",
    }


def test_as_json_has_every_section_with_string_percentages(policy):
    data = policy.as_json()
    assert data["version"] == "2024-08-09"
    assert set(data["sections"]) == set(SECTIONS)
    revenue = data["sections"]["revenue"]
    assert revenue["values"]["transaction_charge_percent"] == "0.30"
    assert revenue["rules"] == ["ORD-8"]
    assert revenue["source"].startswith("GeM revenue policy")


# --- malformed files ------------------------------------------------------------------


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "policy"
    shutil.copytree(settings.KRAYA_POLICY_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "mse.toml",
            'l1_band_percent = "15"',
            "l1_band_percent = 15.0",
            r"mse\.toml: versions\[0\]\.l1_band_percent: .*string",
        ),
        (
            "mse.toml",
            'l1_band_percent = "15"',
            'l1_band_percent = "15%"',
            r"mse\.toml: versions\[0\]\.l1_band_percent: .*not a percentage",
        ),
        (
            "mse.toml",
            'l1_band_percent = "15"',
            'l1_band_percent = "150"',
            r"mse\.toml: versions\[0\]\.l1_band_percent: .*cannot exceed 100",
        ),
        (
            "bids.toml",
            "min_duration_days = 10",
            'min_duration_days = "10"',
            r"bids\.toml: versions\[0\]\.min_duration_days: .*integer",
        ),
        (
            "bids.toml",
            "min_duration_days = 10",
            "min_duration_dayz = 10",
            r"bids\.toml: versions\[0\]\.min_duration_days: Field required",
        ),
        (
            "revenue.toml",
            "transaction_charge_cap_paise = 0",
            "transaction_charge_cap_paise = -1",
            r"revenue\.toml: versions\[0\]\.transaction_charge_cap_paise",
        ),
        (
            "kyc.toml",
            "amount_paise = 10_000_00",
            "amount_paise = 10_000.5",
            r"kyc\.toml: versions\[0\]\.caution_money_slabs\[1\]\.amount_paise",
        ),
        (
            "buying_modes.toml",
            "effective_from = 2019-04-02",
            "effective_from = 2019-04-02T00:00:00",
            r"buying_modes\.toml: versions\[1\]\.effective_from: .*not a date-time",
        ),
        (
            "buying_modes.toml",
            "effective_from = 2019-04-02",
            'effective_from = "2 Apr 2019"',
            r"buying_modes\.toml: versions\[1\]\.effective_from: .*ISO date",
        ),
        (
            "buying_modes.toml",
            "effective_from = 2019-04-02",
            "effective_from = 2017-03-08",
            r"buying_modes\.toml: versions: two versions take effect on 2017-03-08",
        ),
        (
            "buying_modes.toml",
            "l1_purchase_max_paise = 5_00_000_00",
            "l1_purchase_max_paise = 5",
            r"buying_modes\.toml: versions\[1\]: .*direct_purchase_max_paise exceeds",
        ),
        (
            "orders.toml",
            'payment_percent = "40" }',
            'payment_percent = "41" }',
            r"orders\.toml: versions\[0\]\.buyer_rating_weights: .*101%",
        ),
        (
            "incidents.toml",
            'grave = "debarment"',
            'grave = "jail"',
            r"incidents\.toml: versions\[0\]\.severity_actions\.grave",
        ),
        (
            "mse.toml",
            "[[versions]]",
            "title = 'x'\n[[versions]]",
            r"mse\.toml: unknown top-level key 'title'",
        ),
        (
            "mse.toml",
            'l1_band_percent = "15"',
            'l1_band_percent = "15',
            r"mse\.toml: not valid TOML",
        ),
    ],
)
def test_malformed_file_is_named_with_its_key(policy_dir, file, old, new, message):
    _edit(policy_dir / file, old, new)
    with pytest.raises(PolicyFileError, match=message):
        load_book(policy_dir)


def test_a_string_iso_date_is_accepted_like_a_toml_date(policy_dir):
    _edit(
        policy_dir / "buying_modes.toml",
        "effective_from = 2019-04-02",
        'effective_from = "2019-04-02"',
    )
    assert load_book(policy_dir).at(D("2019-04-02")).buying_modes.effective_from == D("2019-04-02")


def test_versions_may_be_listed_in_any_order(policy_dir):
    path = policy_dir / "revenue.toml"
    text = path.read_text(encoding="utf-8")
    head, first, second = text.split("[[versions]]")
    path.write_text(head + "[[versions]]" + second + "\n[[versions]]" + first, encoding="utf-8")
    book = load_book(policy_dir)
    assert [v.version for v in book.histories["revenue"]] == ["2017-03-08", "2024-08-09"]


def test_unknown_and_missing_files_are_named(policy_dir):
    (policy_dir / "extra.toml").write_text("", encoding="utf-8")
    with pytest.raises(PolicyFileError, match=r"extra\.toml: no policy section 'extra'"):
        load_book(policy_dir)
    (policy_dir / "extra.toml").unlink()
    (policy_dir / "mii.toml").unlink()
    with pytest.raises(PolicyFileError, match=r"missing mii\.toml"):
        load_book(policy_dir)
    with pytest.raises(PolicyFileError, match="does not exist"):
        load_book(policy_dir / "nowhere")


def test_an_empty_file_needs_a_version(policy_dir):
    (policy_dir / "mii.toml").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(PolicyFileError, match=r"mii\.toml: versions: at least one"):
        load_book(policy_dir)


def test_a_malformed_file_stops_startup(policy_dir, settings):
    _edit(policy_dir / "mse.toml", 'l1_band_percent = "15"', "l1_band_percent = 15.5")
    settings.KRAYA_POLICY_DIR = policy_dir
    default_book.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match=r"Policy: .*mse\.toml.*l1_band_percent"):
            apps.get_app_config("core").ready()
    finally:
        default_book.cache_clear()
