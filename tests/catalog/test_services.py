"""Catalogue services: happy paths, and refusals that change nothing."""

import pytest
from django.db import IntegrityError, transaction

from kraya.accounts.models import Role
from kraya.accounts.selectors import actor_for
from kraya.catalog import services
from kraya.catalog.models import Category, Offer
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import PermissionDenied, ValidationFailed
from tests.factories import audit_actions_since, audit_head, make_operator, make_seller_user


def counts():
    return {
        "categories": Category.objects.count(),
        "offers": Offer.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


@pytest.fixture
def furniture(db):
    return services.category_create(
        acting_user=None, code="furniture", name="Furniture", name_hi="फ़र्नीचर", kind="PRODUCT"
    )


def offer_terms(world, category, **overrides):
    values = {
        "acting_user": world.seller_admin,
        "firm": world.seller_firm,
        "category": category,
        "title": "Steel almirah, 4 shelves",
        "title_hi": "स्टील अलमारी, 4 खाने",
        "brand": "Godrej",
        "model": "Storwel M2",
        "price_paise": 12_500_00,
        "mrp_paise": 14_000_00,
        "stock": 20,
        "lead_time_days": 10,
    }
    values.update(overrides)
    return values


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


class TestOfferCreate:
    def test_the_firm_admin_lists_an_offer_and_it_is_audited(self, world, furniture):
        head = audit_head()
        offer = services.offer_create(**offer_terms(world, furniture))
        offer.refresh_from_db()
        assert (offer.seller_firm, offer.category, offer.title, offer.title_hi) == (
            world.seller_firm,
            furniture,
            "Steel almirah, 4 shelves",
            "स्टील अलमारी, 4 खाने",
        )
        assert (offer.brand, offer.model, offer.price_paise, offer.mrp_paise) == (
            "Godrej",
            "Storwel M2",
            12_500_00,
            14_000_00,
        )
        assert (offer.stock, offer.lead_time_days, offer.is_active) == (20, 10, True)
        assert audit_actions_since(head) == ["catalog.offer.create"]
        event = AuditEvent.objects.get(seq=head + 1)
        assert event.actor_id == world.seller_admin.pk
        assert event.payload == {
            "firm": world.seller_firm.pk,
            "category": "furniture",
            "title": "Steel almirah, 4 shelves",
            "price_paise": 12_500_00,
            "mrp_paise": 14_000_00,
        }

    def test_a_catalogue_user_may_list_offers(self, world, furniture):
        offer = services.offer_create(
            **offer_terms(world, furniture, acting_user=world.seller_catalogue)
        )
        assert offer.seller_firm == world.seller_firm

    def test_cat4_price_equal_to_mrp_is_accepted(self, world, furniture):
        offer = services.offer_create(
            **offer_terms(world, furniture, price_paise=14_000_00, mrp_paise=14_000_00)
        )
        assert offer.price_paise == offer.mrp_paise

    def test_cat4_price_above_mrp_is_refused_and_nothing_changes(self, world, furniture):
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.offer_create(**offer_terms(world, furniture, price_paise=14_000_01))
        error = refused.value
        assert (error.code, error.status) == ("catalog.price_above_mrp", 422)
        assert [str(m) for m in error.fields["price_paise"]] == [
            "The price cannot be above the MRP."
        ]
        assert counts() == before

    def test_role3_bidding_user_may_not_list_offers(self, world, furniture):
        bidder = make_seller_user(
            admin=world.seller_admin, firm=world.seller_firm, roles=[Role.SELLER_BIDDING]
        )
        before = counts()
        with pytest.raises(PermissionDenied):
            services.offer_create(**offer_terms(world, furniture, acting_user=bidder))
        assert counts() == before

    @pytest.mark.parametrize("who", ["other_seller_admin", "buyer", "primary"])
    def test_outsiders_may_not_list_for_the_firm(self, world, furniture, who):
        before = counts()
        with pytest.raises(PermissionDenied) as refused:
            services.offer_create(**offer_terms(world, furniture, acting_user=getattr(world, who)))
        assert refused.value.code == "auth.forbidden"
        assert counts() == before

    def test_an_operator_may_not_list_for_a_firm(self, world, furniture):
        with pytest.raises(PermissionDenied):
            services.offer_create(**offer_terms(world, furniture, acting_user=make_operator()))

    def test_a_token_scoped_to_another_membership_may_not(self, world, furniture):
        # The admin's token for a different membership (here: none of theirs) acts through nothing.
        actor = actor_for(user=world.seller_admin, token_membership_id=-1)
        with pytest.raises(PermissionDenied):
            services.offer_create(**offer_terms(world, furniture, acting_user=actor))

    def test_bad_terms_are_all_reported(self, world, furniture):
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.offer_create(
                **offer_terms(world, furniture, title=" ", stock=-1, lead_time_days=0)
            )
        assert sorted(refused.value.fields) == ["lead_time_days", "stock", "title"]
        assert counts() == before

    def test_a_closed_category_is_refused(self, world, furniture):
        Category.objects.filter(pk=furniture.pk).update(is_active=False)
        furniture.refresh_from_db()
        before = counts()
        with pytest.raises(ValidationFailed) as refused:
            services.offer_create(**offer_terms(world, furniture))
        assert (refused.value.code, list(refused.value.fields)) == (
            "catalog.category_inactive",
            ["category"],
        )
        assert counts() == before

    def test_an_inactive_firm_is_refused(self, world, furniture):
        world.seller_firm.is_active = False
        world.seller_firm.save(update_fields=["is_active"])
        with pytest.raises(ValidationFailed) as refused:
            services.offer_create(**offer_terms(world, furniture))
        assert refused.value.code == "catalog.firm_inactive"


class TestOfferConstraint:
    def test_cat4_the_database_refuses_a_price_above_mrp(self, world, furniture):
        with pytest.raises(IntegrityError), transaction.atomic():
            Offer.objects.create(
                seller_firm=world.seller_firm,
                category=furniture,
                title="Direct write",
                price_paise=101,
                mrp_paise=100,
            )
        assert Offer.objects.count() == 0
