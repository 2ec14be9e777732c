"""The search index (CAT-5): one denormalised row per listed offer, and the
vocabulary of indexed words that typo correction looks words up in.

Rows are written only by `kraya.catalog.search.index` (set-based SQL), never
by hand: they are a cache of the catalogue, rebuilt at will. The full-text
part lives beside these tables and differs by database (created in the
migrations):

- PostgreSQL: `OfferDocument.search_vector` (a `tsvector`, `simple`
  configuration, title words weighted A and the rest B) with a GIN index, and
  a `pg_trgm` GIN index on `SearchWord.word`.
- SQLite: the FTS5 table `catalog_search_fts` (rowid = offer id; columns
  `title` and `body`) and its `fts5vocab` view `catalog_search_fts_vocab`,
  which is the vocabulary there (`SearchWord` stays empty on SQLite)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kraya.core import clock


class OfferDocument(models.Model):
    """What search filters, sorts and shows for one listed offer. An offer is
    listed when it and its product are published and its seller firm is
    active; every other offer has no document."""

    offer = models.OneToOneField(
        "catalog.Offer",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
        verbose_name=_("offer"),
    )
    product_id = models.BigIntegerField(_("product"))
    category_id = models.BigIntegerField(_("category"))
    # "/root id/…/leaf id/": a category filter matches its whole subtree.
    category_path = models.CharField(_("category path"), max_length=200)
    category_code = models.CharField(_("category code"), max_length=40)
    category_name = models.CharField(_("category name"), max_length=200)
    category_name_hi = models.CharField(_("category name in Hindi"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    title_hi = models.CharField(_("title in Hindi"), max_length=200)
    brand = models.CharField(_("brand"), max_length=100)
    model = models.CharField(_("model"), max_length=100)
    # The model number reduced to lower-case letters and digits, for the
    # exact-model-match boost of relevance.
    model_key = models.CharField(_("model key"), max_length=100)
    oem = models.CharField(_("manufacturer"), max_length=200)
    price_paise = models.BigIntegerField(_("price (paise)"))
    mrp_paise = models.BigIntegerField(_("MRP (paise)"))
    lead_time_days = models.IntegerField(_("lead time (days)"))
    rating_hundredths = models.IntegerField(_("rating"), null=True)
    delivery_state_mask = models.BigIntegerField(_("delivery states"))
    # ",110001,110002," (commas around every code) or "" for everywhere in
    # the offer's states, so one LIKE finds a PIN code.
    delivery_pincodes = models.TextField(_("delivery PIN codes"))
    seller_firm_id = models.BigIntegerField(_("seller firm"))
    seller_name = models.CharField(_("seller name"), max_length=200)
    seller_state = models.CharField(_("seller state"), max_length=100)
    # Bit i set = the firm holds verified segment `rules.SEGMENT_CODES[i]`.
    segment_bits = models.IntegerField(_("seller segments"))
    mii_class = models.CharField(_("Make in India class"), max_length=16)
    gi_tag = models.CharField(_("GI tag"), max_length=200)
    price_flag = models.CharField(_("price flag"), max_length=20)
    # Golden parameter code → value (as the product states it, a string).
    golden_specs = models.JSONField(_("golden parameters"), default=dict)
    indexed_at = models.DateTimeField(_("indexed at"), default=clock.now)

    class Meta:
        verbose_name = _("offer search document")
        verbose_name_plural = _("offer search documents")
        indexes = [
            models.Index(fields=["category_path", "price_paise"], name="search_doc_cat_price"),
            models.Index(fields=["price_paise", "offer"], name="search_doc_price"),
            models.Index(fields=["model_key"], name="search_doc_model_key"),
            models.Index(fields=["product_id"], name="search_doc_product"),
            models.Index(fields=["seller_firm_id"], name="search_doc_firm"),
            # The delivery-time and rating sorts, read in index order.
            models.Index(
                fields=["lead_time_days", "price_paise", "offer"], name="search_doc_lead_time"
            ),
            models.Index(
                Coalesce("rating_hundredths", -1).desc(),
                "price_paise",
                "offer",
                name="search_doc_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.title}"


class SearchWord(models.Model):
    """One distinct indexed word (PostgreSQL), with how many documents hold
    it: an unknown query word is corrected to its nearest word here by
    trigram similarity (`pg_trgm`), never by scanning titles."""

    word = models.CharField(_("word"), max_length=200, unique=True)
    document_count = models.IntegerField(_("documents"), default=0)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word
