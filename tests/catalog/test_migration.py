"""Migration 0002: offers made before products existed become offers of
products made from their old title, brand and model (CAT-2, CAT-3)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("catalog", "0001_initial")]
AFTER = [("catalog", "0002_catalogue")]


@pytest.fixture
def back_to_latest():
    """Going back to 0001 unapplies the apps that depend on the catalogue:
    put every app back at its latest migration for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_offers_keep_their_listing_through_products(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    firm = old.get_model("accounts", "SellerFirm").objects.create(name="Old Firm")
    category = old.get_model("catalog", "Category").objects.create(
        code="old", name="Old", kind="PRODUCT"
    )
    Offer = old.get_model("catalog", "Offer")
    listed = Offer.objects.create(
        seller_firm=firm,
        category=category,
        title="Steel almirah",
        title_hi="स्टील अलमारी",
        brand="Godrej",
        model="M2",
        price_paise=100,
        mrp_paise=100,
    )
    hidden = Offer.objects.create(
        seller_firm=firm,
        category=category,
        title="Bench",
        brand=" ",
        price_paise=50,
        mrp_paise=60,
        is_active=False,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    NewOffer = new.get_model("catalog", "Offer")
    first = NewOffer.objects.select_related("product__brand").get(pk=listed.pk)
    second = NewOffer.objects.select_related("product__brand").get(pk=hidden.pk)
    assert (first.status, first.product.title, first.product.title_hi, first.product.model) == (
        "PUBLISHED",
        "Steel almirah",
        "स्टील अलमारी",
        "M2",
    )
    assert (first.product.status, first.product.brand.name, first.product.brand.name_key) == (
        "PUBLISHED",
        "Godrej",
        "godrej",
    )
    assert (second.status, second.product.brand.name) == ("WITHDRAWN", "Unbranded")
    assert first.product.category_id == category.pk
    assert first.product.created_by_firm_id == firm.pk
