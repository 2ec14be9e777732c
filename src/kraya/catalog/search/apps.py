from typing import Any

from django.apps import AppConfig
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from kraya.catalog.search import rules


def _sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite has no regexp_replace: the index's SQL calls our rules instead.
    Registered once per connection (SQLite refuses while a statement runs)."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("kraya_model_key", 1, rules.model_key, deterministic=True)
    raw.create_function(
        "kraya_pincodes", 1, lambda value: rules.pincode_list_key(value or ""), deterministic=True
    )


def _index_existing_catalogue(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """A database that had offers before search existed gets its index once,
    after `migrate` (the index is otherwise kept by the catalogue's services)."""
    from kraya.catalog.models import Offer
    from kraya.catalog.search import index
    from kraya.catalog.search.models import OfferDocument

    if (
        using != "default"
        or OfferDocument._meta.db_table not in connection.introspection.table_names()
    ):
        return
    if OfferDocument.objects.exists():
        return
    if Offer.objects.filter(status="PUBLISHED").exists():
        index.rebuild()


class CatalogSearchConfig(AppConfig):
    name = "kraya.catalog.search"
    label = "catalog_search"
    verbose_name = _("Catalogue search")

    def ready(self) -> None:
        connection_created.connect(_sqlite_functions, dispatch_uid="kraya.catalog.search.sqlite")
        post_migrate.connect(
            _index_existing_catalogue, sender=self, dispatch_uid="kraya.catalog.search.index"
        )
        from kraya.catalog.search.signals import reindex_firms
        from kraya.sellers.signals import seller_firms_changed

        seller_firms_changed.connect(reindex_firms, dispatch_uid="kraya.catalog.search.firms")
