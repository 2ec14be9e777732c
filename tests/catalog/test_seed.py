"""`kraya seed`: the synthetic national-scale catalogue (issue 4, CAT-1..5,
MII-1) is valid data by the catalogue's own rules, searchable, deterministic
for a seed, and removable without touching real data."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kraya.accounts.models import SellerFirm
from kraya.catalog import rules
from kraya.catalog.models import (
    Brand,
    Category,
    Offer,
    OfferPriceChange,
    PriceReference,
    Product,
    SpecParameter,
)
from kraya.catalog.search import index
from kraya.catalog.search.selectors import SearchQuery, search_offers
from kraya.catalog.services import category_create
from kraya.catalog.synthetic import generator as gen
from kraya.catalog.synthetic import loader
from kraya.catalog.synthetic import vocabulary as vocab
from kraya.core.audit_models import AuditEvent
from kraya.core.policy import policy_in_force
from kraya.sellers import rules as seller_rules
from kraya.sellers.models import Registration, SocialCategory

OFFERS = 2_000

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> loader.SeedReport:
    return loader.seed_catalogue(offers=OFFERS, seed=7)


def _template(category_id: int) -> list[rules.ParameterSpec]:
    return [
        rules.ParameterSpec(
            code=p.code,
            kind=p.kind,
            unit=p.unit,
            choices=tuple(choice["value"] for choice in p.choices),
            is_required=p.is_required,
            min_value=p.min_value,
            max_value=p.max_value,
        )
        for p in SpecParameter.objects.filter(category_id=category_id).order_by("position")
    ]


def _fingerprint() -> list[tuple[object, ...]]:
    """The catalogue's content without ids (which depend on the database)."""
    return sorted(
        Offer.objects.values_list(
            "product__title",
            "product__title_hi",
            "product__category__code",
            "product__brand__name",
            "product__specs",
            "product__mii_class",
            "seller_firm__name",
            "seller_firm__state",
            "price_paise",
            "mrp_paise",
            "stock",
            "lead_time_days",
            "delivery_state_mask",
            "delivery_pincodes",
            "status",
            "price_flag",
        ),
        key=repr,
    )


def test_seed_loads_the_requested_scale(seeded):
    """The command's report matches what is in the database."""
    assert Offer.objects.count() == OFFERS
    assert seeded.counts["offers"] == OFFERS
    assert seeded.counts["products"] == Product.objects.count()
    assert seeded.counts["sellers"] == SellerFirm.objects.count() == OFFERS // 50
    assert seeded.counts["brands"] == Brand.objects.count()
    assert seeded.counts["price_changes"] == OfferPriceChange.objects.count()
    assert seeded.counts["price_references"] == PriceReference.objects.count()
    names = [phase.name for phase in seeded.phases]
    assert names[:4] == ["categories", "sellers", "brands", "products_and_offers"]
    assert names[-1] == "search_index"


def test_cat_1_category_tree_with_a_template_for_every_leaf(seeded):
    """CAT-1: department → group → leaf, products and services, Hindi and
    English names; every leaf has golden and silver parameters."""
    leaves = Category.objects.filter(children__isnull=True)
    assert leaves.count() == gen.default_categories(OFFERS) == len(vocab.FAMILIES)
    for leaf in leaves.select_related("parent__parent"):
        assert leaf.parent is not None and leaf.parent.parent is not None
        assert leaf.parent.parent.parent_id is None
        assert leaf.kind == leaf.parent.kind == leaf.parent.parent.kind
        assert leaf.name and leaf.name_hi and leaf.name != leaf.name_hi
        parameters = list(leaf.parameters.all())
        assert any(p.is_golden for p in parameters) and any(not p.is_golden for p in parameters)
        for p in parameters:
            assert p.name_hi
            problems = rules.parameter_problems(
                code=p.code,
                name=p.name,
                kind=p.kind,
                choices=[c["value"] for c in p.choices],
                min_value=p.min_value,
                max_value=p.max_value,
            )
            assert problems == []
    kinds = set(Category.objects.values_list("kind", flat=True))
    assert kinds == {rules.PRODUCT, rules.SERVICE}
    used_kinds = set(SpecParameter.objects.values_list("kind", flat=True))
    assert used_kinds == set(rules.PARAMETER_KINDS)


def test_cat_2_every_product_specification_validates_against_its_template(seeded):
    """CAT-2: every product's values pass the category template's check
    unchanged (already normalised), required parameters included."""
    templates = {
        category_id: _template(category_id)
        for category_id in Category.objects.filter(children__isnull=True).values_list(
            "id", flat=True
        )
    }
    checked = 0
    for category_id, specs in Product.objects.values_list("category_id", "specs"):
        result = rules.check_specs(templates[category_id], specs)
        assert result.problems == []
        assert result.values == specs
        checked += 1
    assert checked == Product.objects.count() > 0


def test_cat_2_offers_terms_delivery_and_services(seeded):
    """CAT-2/CAT-4: price within MRP, positive; delivery to the seller's own
    state at least; PIN codes well formed; services carry a unit and SLA."""
    for offer in Offer.objects.select_related("seller_firm", "product"):
        assert 0 < offer.price_paise <= offer.mrp_paise
        assert offer.category_id == offer.product.category_id
        assert offer.seller_firm.state in rules.states_in_mask(offer.delivery_state_mask)
        good, bad = rules.parse_pincodes(offer.delivery_pincodes)
        assert bad == [] and ",".join(good) == offer.delivery_pincodes
        assert 1 <= offer.lead_time_days <= rules.MAX_LEAD_TIME_DAYS
        assert (
            rules.offer_problems(
                price_paise=offer.price_paise,
                mrp_paise=offer.mrp_paise,
                stock=offer.stock,
                lead_time_days=offer.lead_time_days,
            )
            == []
        )
    for product in Product.objects.select_related("brand", "category"):
        assert (
            rules.product_problems(
                category_kind=product.category.kind,
                brand_name=product.brand.name,
                title=product.title,
                model=product.model,
                service_unit=product.service_unit,
                sla=product.sla,
            )
            == []
        )
        assert (
            rules.origin_problems(
                country_of_origin=product.country_of_origin,
                local_content_percent=product.local_content_percent,
            )
            == []
        )
        assert product.title_hi and product.title_hi != product.title
    services = Product.objects.filter(category__kind=rules.SERVICE)
    assert services.exists()
    assert not services.filter(service_unit="").exists()
    assert (
        not Product.objects.filter(category__kind=rules.PRODUCT).exclude(service_unit="").exists()
    )
    assert Offer.objects.exclude(delivery_pincodes="").exists()


def test_mii_1_class_follows_local_content(seeded):
    """MII-1: each product's class is what the rule gives for its local content."""
    policy = policy_in_force().mii
    classes: Counter[str] = Counter()
    for local, mii_class, origin in Product.objects.values_list(
        "local_content_percent", "mii_class", "country_of_origin"
    ):
        assert (
            mii_class == rules.mii_class_for(local_content_percent=local, policy=policy).mii_class
        )
        assert rules.country_code(origin) == origin
        classes[mii_class] += 1
    assert set(classes) == {rules.CLASS_1, rules.CLASS_2, rules.NON_LOCAL}


def test_cat_3_registered_brands_publish_and_others_queue_or_are_rejected(seeded):
    """CAT-3: products of registered brands are published; the others are
    published, pending review or rejected with a reason."""
    assert (
        not Product.objects.filter(brand__is_registered=True)
        .exclude(status=rules.PUBLISHED)
        .exists()
    )
    unregistered = Counter(
        Product.objects.filter(brand__is_registered=False).values_list("status", flat=True)
    )
    assert unregistered[rules.PUBLISHED] > unregistered[rules.PENDING] > 0
    assert not Product.objects.filter(status=rules.REJECTED, rejection_reason="").exists()
    # An offer is never listed on a product that is not published.
    assert (
        not Offer.objects.filter(status=rules.PUBLISHED)
        .exclude(product__status=rules.PUBLISHED)
        .exists()
    )


def test_cat_4_flags_are_exactly_the_offers_well_above_their_reference(seeded):
    """CAT-4: an offer is flagged, with evidence, exactly when it is priced
    more than the policy's percentage above its product's reference price."""
    percent = policy_in_force().catalogue.price_flag_above_reference_percent
    references = dict(PriceReference.objects.values_list("product_id", "price_paise"))
    assert references
    flagged = 0
    for offer in Offer.objects.filter(product_id__in=list(references)):
        above = rules.is_above_reference(
            price_paise=offer.price_paise,
            reference=Fraction(references[offer.product_id]),
            percent=percent,
        )
        if above:
            flagged += 1
            assert offer.price_flag == rules.ABOVE_REFERENCE
            assert offer.reference_price_paise == references[offer.product_id]
            assert offer.price_evidence["rule"] == "CAT-4"
        else:
            assert offer.price_flag == ""
    assert flagged > 0
    assert (
        not Offer.objects.exclude(product_id__in=list(references)).exclude(price_flag="").exists()
    )
    assert OfferPriceChange.objects.filter(source="SEED").count() >= OFFERS


def test_cat_5_sellers_in_every_state_and_segment_with_gi_products(seeded):
    """CAT-5: sellers across all states with verified social categories the
    buyers filter on; a share of GI products."""
    registrations = Registration.objects.filter(source=gen.SOURCE)
    assert set(registrations.values_list("state", flat=True)) == set(seller_rules.STATES)
    assert registrations.filter(status=Registration.Status.VERIFIED).count() == OFFERS // 50
    kinds = set(SocialCategory.objects.filter(verified=True).values_list("kind", flat=True))
    assert {seller_rules.MSE, seller_rules.WOMAN, seller_rules.SC_ST} <= kinds
    assert not SocialCategory.objects.filter(kind=seller_rules.MSE, mse_class="").exists()
    for office_gstin, pan in Registration.objects.filter(source=gen.SOURCE).values_list(
        "offices__gstin", "pan"
    ):
        assert office_gstin is not None and office_gstin[2:12] == pan
        assert seller_rules.gstin_check_character(office_gstin[:14]) == office_gstin[14]
    assert Product.objects.exclude(gi_tag="").exists()


def test_every_listed_offer_is_indexed_and_found(seeded):
    """Every listed offer is in the search index; offers are found by their
    model number within their category."""
    listed = Offer.objects.filter(
        status=rules.PUBLISHED, product__status=rules.PUBLISHED, seller_firm__is_active=True
    )
    assert index.rebuild() == listed.count() > 0
    sample = list(listed.select_related("product", "category").order_by("id"))
    for offer in sample[:: max(1, len(sample) // 25)]:
        result = search_offers(
            actor=None,
            query=SearchQuery(
                text=offer.product.model, category_code=offer.category.code, limit=100
            ),
        )
        assert offer.pk in {hit.offer_id for hit in result.hits}


def test_seed_is_deterministic_for_a_seed(seeded):
    """The same seed gives the same catalogue; another seed another one."""
    first = _fingerprint()
    loader.reset()
    assert Offer.objects.count() == 0
    loader.seed_catalogue(offers=OFFERS, seed=7)
    assert _fingerprint() == first
    loader.reset()
    loader.seed_catalogue(offers=OFFERS, seed=8)
    assert _fingerprint() != first


def test_seeding_again_does_nothing_or_refuses(seeded):
    """The same seed again is a no-op; another seed is refused until --reset."""
    again = loader.seed_catalogue(offers=OFFERS, seed=7)
    assert again.already_seeded and Offer.objects.count() == OFFERS
    with pytest.raises(loader.SeedRefused, match="--reset"):
        loader.seed_catalogue(offers=OFFERS + 1, seed=7)
    assert AuditEvent.objects.filter(action=loader.SEED_ACTION).count() == 1


def test_reset_removes_synthetic_data_only(world):
    """Real categories and seller firms survive a reset; every synthetic row goes."""
    real_category = category_create(
        acting_user=None, code="office-chairs", name="Office chairs", kind=rules.PRODUCT
    )
    real_firms = set(SellerFirm.objects.values_list("pk", flat=True))
    loader.seed_catalogue(offers=500, seed=3)
    counts = loader.reset()
    # At least one seller firm per state, even for a small seed.
    assert counts["offers"] == 500 and counts["seller_firms"] == len(vocab.PLACES)
    assert set(SellerFirm.objects.values_list("pk", flat=True)) == real_firms
    assert list(Category.objects.values_list("pk", flat=True)) == [real_category.pk]
    for model in (Offer, Product, Brand, SpecParameter, OfferPriceChange, PriceReference):
        assert model.objects.count() == 0
    assert not Registration.objects.filter(source=gen.SOURCE).exists()
    assert AuditEvent.objects.filter(action=loader.RESET_ACTION).count() == 1


def test_command_seeds_reports_phases_and_refuses_without_a_count():
    out = io.StringIO()
    call_command("seed", offers=300, seed=2, stdout=out)
    text = out.getvalue()
    assert "categories:" in text and "search_index:" in text and "Seeded in" in text
    assert Offer.objects.count() == 300
    with pytest.raises(CommandError, match="--offers"):
        call_command("seed", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed", offers=301, stdout=io.StringIO())
    call_command("seed", reset=True, stdout=io.StringIO())
    assert Offer.objects.count() == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**6), offers=st.integers(1, 400))
def test_generator_invariants_for_any_seed(seed, offers):
    """CAT-1/CAT-2/CAT-4 (pure, any seed): exactly the offers asked for,
    specification values valid for the template, price within MRP."""
    leaves = gen.leaves(gen.default_categories(offers))
    sellers = list(gen.sellers(seed, len(vocab.PLACES)))
    catalogue = gen.Catalogue(
        leaves=leaves,
        seller_departments=[s.departments for s in sellers],
        seller_states=[s.state for s in sellers],
        seller_pin_prefixes=[s.pin_prefixes for s in sellers],
        brands=gen.brands(seed, 12),
        state_bits={state: rules.state_mask([state]) for state in seller_rules.STATES},
    )
    made = 0
    for drafts in gen.products(seed, catalogue, offers=offers, chunk=50):
        for draft in drafts:
            template = [
                rules.ParameterSpec(
                    code=row["code"],
                    kind=row["kind"],
                    choices=tuple(c["value"] for c in row["choices"]),
                    is_required=row["is_required"],
                    min_value=None if row["min_value"] is None else Decimal(row["min_value"]),
                    max_value=None if row["max_value"] is None else Decimal(row["max_value"]),
                )
                for row in gen.spec_parameter_rows(draft.leaf.family, 0)
            ]
            assert rules.check_specs(template, draft.row["specs"]).problems == []
            assert draft.offers
            for offer in draft.offers:
                assert 0 < offer["price_paise"] <= offer["mrp_paise"]
                assert offer["delivery_state_mask"]
            made += len(draft.offers)
    assert made == offers


def test_reset_with_no_synthetic_data_removes_nothing(world):
    firms = SellerFirm.objects.count()
    counts = loader.reset()
    assert counts == {
        "offers": 0,
        "products": 0,
        "brands": 0,
        "categories": 0,
        "seller_firms": 0,
    }
    assert SellerFirm.objects.count() == firms
