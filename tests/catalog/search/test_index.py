"""Index maintenance (CAT-5): the incremental re-index the catalogue's
services call on commit, the full rebuild, and the vocabulary."""

from __future__ import annotations

from django.db import connection

from kraya.catalog import services
from kraya.catalog.models import Brand, Offer, Product
from kraya.catalog.search import index
from kraya.catalog.search.models import OfferDocument
from kraya.catalog.search.selectors import SearchQuery, search_offers

from .conftest import LISTED


def _found(catalogue, **query):
    hits = search_offers(actor=None, query=SearchQuery(limit=100, **query)).hits
    return {catalogue.name_of(hit.offer_id) for hit in hits}


def _document_count(word: str) -> int | None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT document_count FROM catalog_search_searchword WHERE word = %s", [word]
            )
        else:
            cursor.execute(f"SELECT doc FROM {index.VOCABULARY_VIEW} WHERE term = %s", [word])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def test_cat5_rebuild_indexes_exactly_the_listed_offers(catalogue):
    assert index.rebuild() == len(LISTED)
    assert set(OfferDocument.objects.values_list("offer_id", flat=True)) == set(
        catalogue.ids(*LISTED)
    )
    assert index.rebuild() == len(LISTED)  # idempotent
    assert _found(catalogue, text="laptop") == {"o6", "o7"}


def test_cat5_vocabulary_counts_documents(catalogue):
    assert _document_count("laptop") == 2
    assert _document_count("कुर्सी") == 3
    assert _document_count("acer") is None  # awaiting approval: not indexed


def test_cat5_offers_changed_follows_price_status_and_firm(catalogue):
    o4, o1 = catalogue.offers["o4"], catalogue.offers["o1"]
    Offer.objects.filter(pk=o4.pk).update(price_paise=20_000_00, mrp_paise=21_000_00)
    Offer.objects.filter(pk=o1.pk).update(status="WITHDRAWN")
    index.offers_changed([o4.pk, o1.pk])
    assert _found(catalogue, price_min_paise=20_000_00, price_max_paise=20_000_00) == {"o4"}
    assert "o1" not in _found(catalogue)
    awadh = catalogue.firms["awadh"]
    awadh.is_active = False
    awadh.save(update_fields=["is_active"])
    index.offers_changed(Offer.objects.filter(seller_firm=awadh).values_list("pk", flat=True))
    assert _found(catalogue) == {"o3", "o4", "o5", "o7", "o8"}
    index.offers_changed([])  # nothing to do


def test_cat5_new_words_become_correctable(catalogue):
    brand = Brand.objects.create(name="Epson", name_key="epson", is_registered=True)
    product = Product.objects.create(
        category=catalogue.categories["computers"],
        brand=brand,
        model="EB-X06",
        title="Epson projector",
        title_hi="एप्सन प्रोजेक्टर",
        status="PUBLISHED",
    )
    offer = Offer.objects.create(
        seller_firm=catalogue.firms["ganga"],
        product=product,
        category=product.category,
        price_paise=40_000_00,
        mrp_paise=45_000_00,
        status="PUBLISHED",
    )
    catalogue.offers["projector"] = offer
    index.offers_changed([offer.pk])
    result = search_offers(actor=None, query=SearchQuery(text="projecter"))
    assert result.corrected_text == "projector"
    assert [hit.offer_id for hit in result.hits] == [offer.pk]
    assert _found(catalogue, text="प्रोजेक्टर") == {"projector"}


def test_cat5_catalogue_services_reindex_on_commit(catalogue, django_capture_on_commit_callbacks):
    seller = catalogue.world.seller_catalogue
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_withdraw(acting_user=seller, offer=catalogue.offers["o1"])
    assert "o1" not in _found(catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_update_terms(
            acting_user=seller,
            offer=Offer.objects.get(pk=catalogue.offers["o4"].pk),
            price_paise=700_00,
        )
    hits = search_offers(actor=None, query=SearchQuery(sort="price_asc", limit=1)).hits
    assert [(catalogue.name_of(h.offer_id), h.price_paise) for h in hits] == [("o4", 700_00)]


def test_cat5_migrate_indexes_a_catalogue_that_predates_search(catalogue):
    from kraya.catalog.search.apps import _index_existing_catalogue

    OfferDocument.objects.all().delete()
    _index_existing_catalogue(sender=None)
    assert _found(catalogue) == set(LISTED)
    Offer.objects.filter(pk=catalogue.offers["o1"].pk).update(status="WITHDRAWN")
    _index_existing_catalogue(sender=None)  # an index exists: left alone
    assert "o1" in _found(catalogue)
