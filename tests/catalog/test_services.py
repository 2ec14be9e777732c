"""Catalogue services (CAT-1..4, MII-1) on a real database: happy paths with
their audit events, and refusals that change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from kraya.accounts.models import Role
from kraya.accounts.selectors import actor_for
from kraya.catalog import rules, services
from kraya.catalog.models import (
    Brand,
    Category,
    Offer,
    OfferPriceChange,
    PriceReference,
    Product,
    SpecParameter,
)
from kraya.catalog.search.selectors import SearchQuery, search_offers
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.factories import audit_actions_since, audit_head, make_operator, make_seller_user


def counts():
    return {
        "categories": Category.objects.count(),
        "parameters": SpecParameter.objects.count(),
        "brands": Brand.objects.count(),
        "products": Product.objects.count(),
        "offers": Offer.objects.count(),
        "price_changes": OfferPriceChange.objects.count(),
        "references": PriceReference.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def offer_rows():
    return list(Offer.objects.order_by("id").values())


@pytest.fixture
def furniture(db):
    category = services.category_create(
        acting_user=None, code="furniture", name="Furniture", name_hi="फ़र्नीचर", kind="PRODUCT"
    )
    services.spec_parameter_add(
        acting_user=None,
        category=category,
        code="material",
        name="Material",
        name_hi="सामग्री",
        kind="CHOICE",
        choices=[{"value": "steel", "en": "Steel", "hi": "स्टील"}, "wood"],
        is_golden=True,
        is_required=True,
    )
    services.spec_parameter_add(
        acting_user=None,
        category=category,
        code="shelves",
        name="Shelves",
        kind="NUMBER",
        min_value=Decimal(0),
        max_value=Decimal(12),
        is_golden=True,
    )
    return category


@pytest.fixture
def cleaning(db):
    category = services.category_create(
        acting_user=None, code="cleaning", name="Cleaning", name_hi="सफ़ाई", kind="SERVICE"
    )
    services.spec_parameter_add(
        acting_user=None,
        category=category,
        code="response-hours",
        name="Response time",
        kind="NUMBER",
        unit="hours",
        is_required=True,
        min_value=Decimal(1),
    )
    return category


@pytest.fixture
def godrej(db):
    return services.brand_register(acting_user=None, name="Godrej Interio")


def product_terms(world, category, **overrides):
    values = {
        "acting_user": world.seller_admin,
        "firm": world.seller_firm,
        "category": category,
        "brand": "Godrej Interio",
        "title": "Steel almirah, 4 shelves",
        "title_hi": "स्टील अलमारी, 4 खाने",
        "model": "Storwel M2",
        "oem": "Godrej & Boyce",
        "specs": {"material": "steel", "shelves": "4"},
        "country_of_origin": "IN",
        "local_content_percent": 80,
    }
    values.update(overrides)
    return values


@pytest.fixture
def almirah(world, furniture, godrej):
    return services.product_create(**product_terms(world, furniture))


def offer_terms(world, product, **overrides):
    values = {
        "acting_user": world.seller_admin,
        "firm": world.seller_firm,
        "product": product,
        "price_paise": 12_500_00,
        "mrp_paise": 14_000_00,
        "stock": 20,
        "lead_time_days": 10,
        "delivery_states": ["Uttar Pradesh", "Bihar"],
        "delivery_pincodes": "226001, 800001",
    }
    values.update(overrides)
    return values


@pytest.fixture
def offer(world, almirah):
    return services.offer_create(**offer_terms(world, almirah))


class TestCategoryCreate:
    def test_the_system_creates_a_category_and_audits_it(self, db):
        head = audit_head()
        category = services.category_create(
            acting_user=None,
            code="office-chairs",
            name=" Office chairs ",
            name_hi="दफ़्तर की कुर्सियाँ",
            kind="PRODUCT",
        )
        category.refresh_from_db()
        assert (category.code, category.name, category.name_hi, category.kind) == (
            "office-chairs",
            "Office chairs",
            "दफ़्तर की कुर्सियाँ",
            "PRODUCT",
        )
        assert category.parent is None and category.is_active
        event = AuditEvent.objects.get(seq=head + 1)
        assert (event.action, event.actor_id, event.actor_label) == (
            "catalog.category.create",
            None,
            "system",
        )
        assert (event.object_type, event.object_id) == ("catalog.category", str(category.pk))
        assert event.payload == {"code": "office-chairs", "kind": "PRODUCT", "parent": None}

    def test_an_operator_creates_a_sub_category(self, furniture):
        operator = make_operator()
        chairs = services.category_create(
            acting_user=operator, code="chairs", name="Chairs", kind="PRODUCT", parent=furniture
        )
        assert chairs.parent == furniture
        event = AuditEvent.objects.order_by("-seq").first()
        assert (event.action, event.actor_id, event.payload["parent"]) == (
            "catalog.category.create",
            operator.pk,
            "furniture",
        )

    @pytest.mark.parametrize("who", ["seller_admin", "buyer", "primary"])
    def test_others_may_not_and_nothing_changes(self, world, who):
        before = counts()
        with pytest.raises(PermissionDenied) as refused:
            services.category_create(
                acting_user=getattr(world, who), code="tents", name="Tents", kind="PRODUCT"
            )
        assert refused.value.code == "auth.forbidden"
        assert counts() == before

    def test_an_operator_acting_through_an_api_token_may_not(self, world):
        operator = make_operator()
        actor = actor_for(user=operator, token_membership_id=-1)
        with pytest.raises(PermissionDenied):
            services.category_create(acting_user=actor, code="tents", name="Tents", kind="PRODUCT")

    def test_a_taken_code_is_refused(self, furniture):
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.category_create(
                acting_user=None, code="furniture", name="Other", kind="PRODUCT"
            )
        assert refused.value.code == "catalog.code_taken"
        assert list(refused.value.fields) == ["code"]
        assert counts() == before

    def test_cat1_bad_values_are_refused_field_by_field(self, furniture):
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.category_create(
                acting_user=None, code="Bad Code", name="", kind="SERVICE", parent=furniture
            )
        assert refused.value.code == "catalog.bad_category_code"
        assert sorted(refused.value.fields) == ["code", "name", "parent"]
        assert counts() == before

    def test_a_closed_parent_is_refused(self, furniture):
        Category.objects.filter(pk=furniture.pk).update(is_active=False)
        furniture.refresh_from_db()
        with pytest.raises(ValidationFailed) as refused:
            services.category_create(
                acting_user=None, code="desks", name="Desks", kind="PRODUCT", parent=furniture
            )
        assert refused.value.code == "catalog.parent_inactive"


class TestSpecParameterAdd:
    def test_cat1_an_operator_adds_a_parameter_and_it_is_audited(self, furniture):
        operator = make_operator()
        head = audit_head()
        parameter = services.spec_parameter_add(
            acting_user=operator,
            category=furniture,
            code="height",
            name="Height",
            name_hi="ऊँचाई",
            kind="NUMBER",
            unit="cm",
            min_value=Decimal(10),
        )
        assert (parameter.position, parameter.unit, parameter.is_golden) == (2, "cm", False)
        assert [p.code for p in furniture.parameters.order_by("position")] == [
            "material",
            "shelves",
            "height",
        ]
        event = AuditEvent.objects.get(seq=head + 1)
        assert (event.action, event.actor_id, event.payload) == (
            "catalog.parameter.add",
            operator.pk,
            {
                "category": "furniture",
                "code": "height",
                "kind": "NUMBER",
                "golden": False,
                "required": False,
            },
        )

    def test_cat1_choices_are_kept_with_their_labels(self, furniture):
        material = furniture.parameters.get(code="material")
        assert material.choices == [
            {"value": "steel", "en": "Steel", "hi": "स्टील"},
            {"value": "wood", "en": "wood", "hi": ""},
        ]

    def test_cat1_a_taken_code_and_bad_definitions_are_refused(self, furniture):
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.spec_parameter_add(
                acting_user=None, category=furniture, code="material", name="M", kind="TEXT"
            )
        assert (refused.value.code, list(refused.value.fields)) == (
            "catalog.parameter_code_taken",
            ["code"],
        )
        with pytest.raises(ValidationFailed) as refused:
            services.spec_parameter_add(
                acting_user=None, category=furniture, code="colour", name="Colour", kind="CHOICE"
            )
        assert refused.value.code == "catalog.bad_choices"
        assert counts() == before

    @pytest.mark.parametrize("who", ["seller_admin", "buyer"])
    def test_only_operators_may(self, world, furniture, who):
        before = counts()
        with pytest.raises(PermissionDenied):
            services.spec_parameter_add(
                acting_user=getattr(world, who),
                category=furniture,
                code="colour",
                name="Colour",
                kind="TEXT",
            )
        assert counts() == before


class TestBrandRegister:
    def test_cat3_an_operator_registers_a_brand(self, world):
        operator = make_operator()
        brand = services.brand_register(
            acting_user=operator, name=" Havells ", owner_firm=world.seller_firm
        )
        assert (brand.name, brand.name_key, brand.is_registered, brand.owner_firm) == (
            "Havells",
            "havells",
            True,
            world.seller_firm,
        )
        event = AuditEvent.objects.order_by("-seq").first()
        assert (event.action, event.actor_id) == ("catalog.brand.register", operator.pk)

    def test_cat3_a_known_unregistered_brand_becomes_registered(self, world, furniture):
        product = services.product_create(**product_terms(world, furniture, brand="Havells"))
        assert product.brand.is_registered is False
        brand = services.brand_register(acting_user=None, name="HAVELLS")
        assert (brand.pk, brand.is_registered) == (product.brand_id, True)
        assert Brand.objects.count() == 1

    def test_cat3_registering_twice_is_refused(self, godrej):
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.brand_register(acting_user=None, name="godrej  interio")
        assert refused.value.code == "catalog.brand_taken"
        assert counts() == before

    def test_sellers_may_not_register_brands(self, world):
        with pytest.raises(PermissionDenied):
            services.brand_register(acting_user=world.seller_admin, name="Havells")
        assert Brand.objects.count() == 0


class TestProductCreate:
    def test_cat3_a_registered_brand_publishes_at_once_and_is_audited(
        self, world, furniture, godrej
    ):
        head = audit_head()
        product = services.product_create(**product_terms(world, furniture))
        product.refresh_from_db()
        assert (product.status, product.brand, product.created_by_firm) == (
            "PUBLISHED",
            godrej,
            world.seller_firm,
        )
        assert (product.specs, product.mii_class, product.country_of_origin) == (
            {"material": "steel", "shelves": "4"},
            "CLASS_1",
            "IN",
        )
        assert product.reviewed_at is not None and product.reviewed_by is None
        assert audit_actions_since(head) == ["catalog.product.create"]
        event = AuditEvent.objects.get(seq=head + 1)
        assert event.payload == {
            "firm": world.seller_firm.pk,
            "category": "furniture",
            "brand": "Godrej Interio",
            "model": "Storwel M2",
            "status": "PUBLISHED",
            "approval_rule": "CAT-3",
            "mii_class": "CLASS_1",
            "mii_rule": "MII-1",
            "mii_policy_version": "2020-09-16",
            "local_content_percent": 80,
            "country_of_origin": "IN",
        }

    def test_cat3_an_unregistered_brand_waits_and_the_brand_is_created(self, world, furniture):
        product = services.product_create(
            **product_terms(world, furniture, brand="Kanpur Steel Works")
        )
        assert product.status == "PENDING" and product.reviewed_at is None
        assert (product.brand.name, product.brand.name_key, product.brand.is_registered) == (
            "Kanpur Steel Works",
            "kanpur steel works",
            False,
        )

    @pytest.mark.parametrize(
        ("content", "mii_class"),
        [(50, "CLASS_1"), (49, "CLASS_2"), (21, "CLASS_2"), (20, "NON_LOCAL")],
    )
    def test_mii1_the_class_follows_local_content(self, world, furniture, content, mii_class):
        product = services.product_create(
            **product_terms(world, furniture, local_content_percent=content)
        )
        assert product.mii_class == mii_class

    def test_mii1_the_policy_in_force_decides(self, world, furniture):
        with clock.frozen_at(dt.datetime(2019, 5, 1, 6, 0, tzinfo=dt.UTC)):
            product = services.product_create(
                **product_terms(world, furniture, local_content_percent=30)
            )
        assert product.mii_class == "NON_LOCAL"  # the 2017 order had no Class-II

    def test_cat2_spec_and_origin_problems_are_all_reported_and_nothing_changes(
        self, world, furniture
    ):
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.product_create(
                **product_terms(
                    world,
                    furniture,
                    specs={"material": "plastic", "shelves": "40", "colour": "red"},
                    country_of_origin="XX",
                    model=" ",
                )
            )
        fields = {name: [str(m) for m in msgs] for name, msgs in refused.value.fields.items()}
        assert fields == {
            "model": ["Enter the model."],
            "country_of_origin": ["Enter a country code such as IN or DE."],
            "specs.colour": ["This parameter is not in the category's specification."],
            "specs.material": ["Choose one of the listed values."],
            "specs.shelves": ["Enter a number from 0 to 12."],
        }
        assert counts() == before

    def test_cat2_a_service_has_a_unit_sla_terms_and_sla_parameters(self, world, cleaning):
        services.brand_register(acting_user=None, name="Swachh Services")
        product = services.product_create(
            **product_terms(
                world,
                cleaning,
                brand="Swachh Services",
                title="Office cleaning, one worker",
                model="",
                specs={"response-hours": "4"},
                service_unit="per worker per month",
                sla={"Replacement of an absent worker": "Same day"},
            )
        )
        assert (product.service_unit, product.sla, product.specs) == (
            "per worker per month",
            {"Replacement of an absent worker": "Same day"},
            {"response-hours": "4"},
        )

    def test_cat2_a_service_without_its_unit_is_refused(self, world, cleaning):
        with pytest.raises(ValidationFailed) as refused:
            services.product_create(
                **product_terms(world, cleaning, specs={"response-hours": "4"}, model="")
            )
        assert list(refused.value.fields) == ["service_unit"]

    @pytest.mark.parametrize("who", ["other_seller_admin", "buyer", "operator"])
    def test_role3_only_the_firms_catalogue_users(self, world, furniture, who):
        before = counts()
        with pytest.raises(PermissionDenied):
            services.product_create(
                **product_terms(world, furniture, acting_user=getattr(world, who))
            )
        assert counts() == before

    def test_role3_a_catalogue_user_may_and_a_bidding_user_may_not(self, world, furniture):
        product = services.product_create(
            **product_terms(world, furniture, acting_user=world.seller_catalogue)
        )
        assert product.created_by_firm == world.seller_firm
        bidder = make_seller_user(
            admin=world.seller_admin, firm=world.seller_firm, roles=[Role.SELLER_BIDDING]
        )
        with pytest.raises(PermissionDenied):
            services.product_create(**product_terms(world, furniture, acting_user=bidder))


class TestApproval:
    @pytest.fixture
    def pending(self, world, furniture):
        product = services.product_create(
            **product_terms(world, furniture, brand="Kanpur Steel Works")
        )
        offer = services.offer_create(**offer_terms(world, product))
        return product, offer

    def test_cat3_an_offer_of_a_pending_product_waits_with_it(self, pending):
        _product, offer = pending
        assert offer.status == "PENDING" and not offer.is_listed

    def test_cat3_approval_publishes_the_product_and_its_waiting_offers(
        self, world, pending, django_capture_on_commit_callbacks
    ):
        product, offer = pending
        operator = make_operator()
        head = audit_head()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.product_approve(acting_user=operator, product=product)
        product.refresh_from_db()
        offer.refresh_from_db()
        assert (product.status, product.reviewed_by, offer.status) == (
            "PUBLISHED",
            operator,
            "PUBLISHED",
        )
        assert offer.is_listed
        assert len(callbacks) == 1  # the search index hears of the offer on commit
        event = AuditEvent.objects.get(seq=head + 1)
        assert (event.action, event.payload) == (
            "catalog.product.approve",
            {"rule": "CAT-3", "offers_published": [offer.pk]},
        )

    def test_cat3_rejection_carries_the_reason_and_rejects_waiting_offers(self, pending):
        product, offer = pending
        services.product_reject(
            acting_user=make_operator(), product=product, reason="  Brand authorisation missing "
        )
        product.refresh_from_db()
        offer.refresh_from_db()
        assert (product.status, product.rejection_reason, offer.status) == (
            "REJECTED",
            "Brand authorisation missing",
            "REJECTED",
        )
        event = AuditEvent.objects.order_by("-seq").first()
        assert event.payload == {
            "rule": "CAT-3",
            "reason": "Brand authorisation missing",
            "offers_rejected": [offer.pk],
        }

    def test_cat3_a_rejection_without_a_reason_is_refused(self, pending):
        product, _offer = pending
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.product_reject(acting_user=None, product=product, reason=" ")
        assert refused.value.code == "catalog.reason_required"
        assert counts() == before
        product.refresh_from_db()
        assert product.status == "PENDING"

    def test_cat3_a_decided_product_cannot_be_decided_again(self, pending):
        product, _offer = pending
        services.product_approve(acting_user=None, product=product)
        with pytest.raises(Conflict) as refused:
            services.product_reject(acting_user=None, product=product, reason="Late")
        assert refused.value.code == "catalog.product_not_pending"

    @pytest.mark.parametrize("who", ["seller_admin", "buyer"])
    def test_cat3_only_operators_approve(self, world, pending, who):
        product, _offer = pending
        with pytest.raises(PermissionDenied):
            services.product_approve(acting_user=getattr(world, who), product=product)
        product.refresh_from_db()
        assert product.status == "PENDING"

    def test_cat3_another_firm_may_not_offer_a_pending_product(self, world, pending):
        product, _offer = pending
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.offer_create(
                **offer_terms(
                    world,
                    product,
                    acting_user=world.other_seller_admin,
                    firm=world.other_seller_firm,
                )
            )
        assert refused.value.code == "catalog.product_not_available"
        assert counts() == before


class TestOfferCreate:
    def test_cat2_the_firm_admin_offers_a_published_product(
        self, world, almirah, django_capture_on_commit_callbacks
    ):
        head = audit_head()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            offer = services.offer_create(**offer_terms(world, almirah))
        offer.refresh_from_db()
        assert (offer.seller_firm, offer.product, offer.category_id, offer.status) == (
            world.seller_firm,
            almirah,
            almirah.category_id,
            "PUBLISHED",
        )
        assert (offer.price_paise, offer.mrp_paise, offer.stock, offer.lead_time_days) == (
            12_500_00,
            14_000_00,
            20,
            10,
        )
        assert rules.states_in_mask(offer.delivery_state_mask) == ["Bihar", "Uttar Pradesh"]
        assert offer.delivery_pincodes == "226001,800001"
        assert (offer.price_flag, offer.reference_price_paise, offer.price_evidence) == (
            "",
            None,
            {},
        )
        assert offer.is_listed and len(callbacks) == 1
        history = list(
            offer.price_history.values_list("price_paise", "mrp_paise", "stock", "source")
        )
        assert history == [(12_500_00, 14_000_00, 20, "WEB")]
        assert audit_actions_since(head) == ["catalog.offer.create"]
        assert AuditEvent.objects.get(seq=head + 1).payload == {
            "firm": world.seller_firm.pk,
            "product": almirah.pk,
            "category": "furniture",
            "status": "PUBLISHED",
            "delivery_states": ["Bihar", "Uttar Pradesh"],
            "price_paise": 12_500_00,
            "mrp_paise": 14_000_00,
            "stock": 20,
            "price_flag": "",
            "reference_price_paise": None,
        }

    def test_cat2_another_firm_may_offer_the_same_published_product(self, world, almirah):
        offer = services.offer_create(
            **offer_terms(
                world, almirah, acting_user=world.other_seller_admin, firm=world.other_seller_firm
            )
        )
        assert offer.status == "PUBLISHED"

    def test_cat4_price_equal_to_mrp_is_accepted(self, world, almirah):
        offer = services.offer_create(
            **offer_terms(world, almirah, price_paise=14_000_00, mrp_paise=14_000_00)
        )
        assert offer.price_paise == offer.mrp_paise

    def test_cat4_price_above_mrp_is_refused_and_nothing_changes(self, world, almirah):
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.offer_create(**offer_terms(world, almirah, price_paise=14_000_01))
        error = refused.value
        assert (error.code, error.status) == ("catalog.price_above_mrp", 422)
        assert [str(m) for m in error.fields["price_paise"]] == [
            "The price cannot be above the MRP."
        ]
        assert counts() == before

    def test_cat2_bad_terms_and_delivery_are_all_reported(self, world, almirah):
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.offer_create(
                **offer_terms(
                    world,
                    almirah,
                    stock=-1,
                    lead_time_days=0,
                    delivery_states=[],
                    delivery_pincodes="12",
                )
            )
        assert sorted(refused.value.fields) == [
            "delivery_pincodes",
            "delivery_states",
            "lead_time_days",
            "stock",
        ]
        assert counts() == before

    @pytest.mark.parametrize("who", ["other_seller_admin", "buyer", "primary", "operator"])
    def test_role3_outsiders_may_not_offer_for_the_firm(self, world, almirah, who):
        before = counts()
        with pytest.raises(PermissionDenied) as refused:
            services.offer_create(**offer_terms(world, almirah, acting_user=getattr(world, who)))
        assert refused.value.code == "auth.forbidden"
        assert counts() == before

    def test_role3_a_token_scoped_to_another_membership_may_not(self, world, almirah):
        actor = actor_for(user=world.seller_admin, token_membership_id=-1)
        with pytest.raises(PermissionDenied):
            services.offer_create(**offer_terms(world, almirah, acting_user=actor))

    def test_a_closed_category_or_inactive_firm_is_refused(self, world, almirah, furniture):
        Category.objects.filter(pk=furniture.pk).update(is_active=False)
        with pytest.raises(ValidationFailed) as refused:
            services.offer_create(**offer_terms(world, almirah))
        assert refused.value.code == "catalog.category_inactive"
        Category.objects.filter(pk=furniture.pk).update(is_active=True)
        world.seller_firm.is_active = False
        world.seller_firm.save(update_fields=["is_active"])
        with pytest.raises(ValidationFailed) as refused:
            services.offer_create(**offer_terms(world, almirah))
        assert refused.value.code == "catalog.firm_inactive"


class TestOfferChanges:
    def test_cat2_clone_copies_the_terms_into_a_new_offer(self, world, offer):
        clone = services.offer_clone(acting_user=world.seller_catalogue, offer=offer)
        assert clone.pk != offer.pk
        assert (clone.price_paise, clone.mrp_paise, clone.delivery_state_mask, clone.stock) == (
            offer.price_paise,
            offer.mrp_paise,
            offer.delivery_state_mask,
            offer.stock,
        )
        assert clone.delivery_pincodes == offer.delivery_pincodes

    def test_cat2_another_firm_may_not_clone(self, world, offer):
        with pytest.raises(PermissionDenied):
            services.offer_clone(acting_user=world.other_seller_admin, offer=offer)

    def test_cat2_cat4_update_terms_keeps_the_price_history(self, world, offer):
        head = audit_head()
        updated = services.offer_update_terms(
            acting_user=world.seller_admin,
            offer=offer,
            price_paise=11_000_00,
            stock=5,
            delivery_states=["Delhi"],
            source="API",
        )
        assert (updated.price_paise, updated.mrp_paise, updated.stock) == (11_000_00, 14_000_00, 5)
        assert rules.states_in_mask(updated.delivery_state_mask) == ["Delhi"]
        history = list(
            updated.price_history.order_by("id").values_list("price_paise", "stock", "source")
        )
        assert history == [(12_500_00, 20, "WEB"), (11_000_00, 5, "API")]
        event = AuditEvent.objects.get(seq=head + 1)
        assert (event.action, event.payload["before"]["price_paise"]) == (
            "catalog.offer.update_terms",
            12_500_00,
        )
        assert event.payload["after"]["price_paise"] == 11_000_00

    def test_a_lead_time_change_alone_adds_no_price_history(self, world, offer):
        services.offer_update_terms(acting_user=world.seller_admin, offer=offer, lead_time_days=3)
        assert offer.price_history.count() == 1

    def test_cat4_an_update_above_mrp_changes_nothing(self, world, offer):
        before, rows = counts(), offer_rows()
        with pytest.raises(ValidationFailed) as refused:
            services.offer_update_terms(
                acting_user=world.seller_admin, offer=offer, mrp_paise=10_000_00
            )
        assert refused.value.code == "catalog.price_above_mrp"
        assert (counts(), offer_rows()) == (before, rows)

    def test_a_stale_if_match_is_refused_with_412(self, world, offer):
        from kraya.catalog.selectors import offer_etag

        etag = offer_etag(offer)
        services.offer_update_terms(
            acting_user=world.seller_admin, offer=offer, stock=1, if_match=etag
        )
        rows = offer_rows()
        with pytest.raises(Conflict) as refused:
            services.offer_update_terms(
                acting_user=world.seller_admin, offer=offer, stock=2, if_match=etag
            )
        assert (refused.value.code, refused.value.status) == ("catalog.offer_changed", 412)
        assert offer_rows() == rows

    def test_cat2_withdraw_unlists_and_is_final(
        self, world, offer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            withdrawn = services.offer_withdraw(acting_user=world.seller_catalogue, offer=offer)
        assert (withdrawn.status, withdrawn.is_listed, len(callbacks)) == ("WITHDRAWN", False, 1)
        with pytest.raises(Conflict):
            services.offer_withdraw(acting_user=world.seller_admin, offer=offer)
        with pytest.raises(Conflict) as refused:
            services.offer_update_terms(acting_user=world.seller_admin, offer=offer, stock=3)
        assert refused.value.code == "catalog.offer_not_open"

    def test_another_firm_may_not_change_or_withdraw(self, world, offer):
        rows = offer_rows()
        with pytest.raises(PermissionDenied):
            services.offer_update_terms(acting_user=world.other_seller_admin, offer=offer, stock=1)
        with pytest.raises(PermissionDenied):
            services.offer_withdraw(acting_user=world.buyer, offer=offer)
        assert offer_rows() == rows


class TestPriceFlag:
    def add(self, product, kind, price_paise, days_ago=1):
        return services.price_reference_add(
            acting_user=None,
            product=product,
            kind=kind,
            price_paise=price_paise,
            observed_at=clock.now() - dt.timedelta(days=days_ago),
            source="Test",
        )

    def test_cat4_a_market_price_flags_an_offer_far_above_it_with_evidence(self, world, offer):
        reference = self.add(offer.product, "MARKET", 11_000_00)
        offer.refresh_from_db()
        assert (offer.price_flag, offer.reference_price_paise) == ("ABOVE_REFERENCE", 11_000_00)
        assert offer.price_evidence == {
            "rule": "CAT-4",
            "flag": "ABOVE_REFERENCE",
            "reference_kind": "MARKET",
            "reference_price_paise": 11_000_00,
            "observations": 1,
            "first_observed_at": reference.observed_at.isoformat(),
            "last_observed_at": reference.observed_at.isoformat(),
            "threshold_percent": "10",
            "window_days": 180,
            "policy_version": "2017-03-08",
        }
        event = AuditEvent.objects.order_by("-seq").first()
        assert (event.action, event.payload["offers_reflagged"]) == (
            "catalog.price_reference.add",
            [offer.pk],
        )

    def test_cat4_recent_transactions_outweigh_the_market_price(self, world, offer):
        self.add(offer.product, "MARKET", 11_000_00)
        for price in (12_000_00, 13_000_00, 12_500_00, 20_000_00):
            self.add(offer.product, "TRANSACTION", price)
        self.add(offer.product, "TRANSACTION", 1_000_00, days_ago=200)  # too old to count
        offer.refresh_from_db()
        # Median of 12,000 / 12,500 / 13,000 / 20,000 = 12,750: 12,500 is not far above.
        assert (offer.price_flag, offer.reference_price_paise) == ("", 12_750_00)
        assert offer.price_evidence["observations"] == 4

    def test_cat4_a_new_offer_and_a_price_change_are_judged_again(self, world, almirah):
        self.add(almirah, "MARKET", 10_000_00)
        offer = services.offer_create(**offer_terms(world, almirah, price_paise=11_000_00))
        assert offer.price_flag == ""  # exactly 10% above is not flagged
        offer = services.offer_update_terms(
            acting_user=world.seller_admin, offer=offer, price_paise=11_000_01
        )
        assert offer.price_flag == "ABOVE_REFERENCE"
        offer = services.offer_update_terms(
            acting_user=world.seller_admin, offer=offer, price_paise=10_500_00
        )
        assert offer.price_flag == ""

    def test_cat4_references_are_for_operators_and_checked(self, world, almirah):
        before = counts()
        with pytest.raises(PermissionDenied):
            services.price_reference_add(
                acting_user=world.seller_admin, product=almirah, kind="MARKET", price_paise=1
            )
        with pytest.raises(ValidationFailed) as refused:
            services.price_reference_add(
                acting_user=None,
                product=almirah,
                kind="GUESS",
                price_paise=0,
                observed_at=clock.now() + dt.timedelta(days=1),
            )
        assert sorted(refused.value.fields) == ["kind", "observed_at", "price_paise"]
        assert counts() == before


class TestBulkCsv:
    @pytest.fixture
    def offers(self, world, almirah):
        first = services.offer_create(**offer_terms(world, almirah))
        second = services.offer_create(**offer_terms(world, almirah, price_paise=13_000_00))
        theirs = services.offer_create(
            **offer_terms(
                world, almirah, acting_user=world.other_seller_admin, firm=world.other_seller_firm
            )
        )
        return first, second, theirs

    def test_cat2_good_rows_commit_and_bad_rows_change_nothing(self, world, offers):
        first, second, theirs = offers
        theirs_before = Offer.objects.filter(pk=theirs.pk).values().get()
        second_before = Offer.objects.filter(pk=second.pk).values().get()
        content = (
            "offer_id,price,mrp,stock\n"
            f'{first.pk},"\u20b911,999.50",,7\n'
            f"{second.pk},15000,14000,\n"
            f"{theirs.pk},1,,\n"
            f"{first.pk},1,,\n"
        ).encode()
        head = audit_head()
        report = services.offers_bulk_update_csv(
            acting_user=world.seller_catalogue, firm=world.seller_firm, content=content
        )
        assert (report.updated, report.refused) == (1, 3)
        assert [(r.line, r.offer_id, r.ok, r.errors) for r in report.rows] == [
            (2, first.pk, True, {}),
            (3, second.pk, False, {"price": ["The price cannot be above the MRP."]}),
            (4, theirs.pk, False, {"offer_id": ["Your firm has no offer with this number."]}),
            (5, first.pk, False, {"offer_id": ["This offer appears on an earlier row."]}),
        ]
        first.refresh_from_db()
        assert (first.price_paise, first.mrp_paise, first.stock) == (11_999_50, 14_000_00, 7)
        assert first.price_history.order_by("-id").values_list("source", flat=True)[0] == "CSV"
        assert Offer.objects.filter(pk=theirs.pk).values().get() == theirs_before
        assert Offer.objects.filter(pk=second.pk).values().get() == second_before
        assert audit_actions_since(head) == ["catalog.offer.bulk_update"]
        assert AuditEvent.objects.get(seq=head + 1).payload == {
            "updated": [first.pk],
            "refused_lines": [3, 4, 5],
        }

    def test_a_file_without_the_columns_is_refused_whole(self, world, offers):
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.offers_bulk_update_csv(
                acting_user=world.seller_admin, firm=world.seller_firm, content=b"a,b\n1,2\n"
            )
        assert (refused.value.code, list(refused.value.fields)) == (
            "catalog.csv_bad_headers",
            ["file"],
        )
        assert counts() == before

    def test_role3_only_the_firms_catalogue_users(self, world, offers):
        with pytest.raises(PermissionDenied):
            services.offers_bulk_update_csv(
                acting_user=world.other_seller_admin,
                firm=world.seller_firm,
                content=b"offer_id,stock\n1,1\n",
            )


class TestOfferConstraint:
    def test_cat4_the_database_refuses_a_price_above_mrp(self, world, almirah):
        with pytest.raises(IntegrityError), transaction.atomic():
            Offer.objects.create(
                seller_firm=world.seller_firm,
                product=almirah,
                category=almirah.category,
                price_paise=101,
                mrp_paise=100,
            )
        assert Offer.objects.count() == 0


class TestSearchIndexHook:
    """Every write that changes what buyers can find re-indexes on commit."""

    def found(self):
        result = search_offers(actor=None, query=SearchQuery(text="almirah"))
        return [hit.offer_id for hit in result.hits]

    def test_cat3_a_listed_offer_is_found_and_a_withdrawn_one_is_not(
        self, world, almirah, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            offer = services.offer_create(**offer_terms(world, almirah))
        assert self.found() == [offer.pk]
        with django_capture_on_commit_callbacks(execute=True):
            services.offer_withdraw(acting_user=world.seller_admin, offer=offer)
        assert self.found() == []

    def test_cat3_an_approved_products_offers_become_findable(
        self, world, furniture, django_capture_on_commit_callbacks
    ):
        product = services.product_create(
            **product_terms(world, furniture, brand="Kanpur Steel Works")
        )
        with django_capture_on_commit_callbacks(execute=True):
            offer = services.offer_create(**offer_terms(world, product))
        assert self.found() == []
        with django_capture_on_commit_callbacks(execute=True):
            services.product_approve(acting_user=None, product=product)
        assert self.found() == [offer.pk]
