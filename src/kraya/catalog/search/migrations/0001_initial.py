import django.db.models.deletion
from django.db import migrations, models

import kraya.core.clock


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0002_catalogue"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=200, unique=True, verbose_name="word")),
                ("document_count", models.IntegerField(default=0, verbose_name="documents")),
            ],
            options={"verbose_name": "search word", "verbose_name_plural": "search words"},
        ),
        migrations.CreateModel(
            name="OfferDocument",
            fields=[
                (
                    "offer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="catalog.offer",
                        verbose_name="offer",
                    ),
                ),
                ("product_id", models.BigIntegerField(verbose_name="product")),
                ("category_id", models.BigIntegerField(verbose_name="category")),
                ("category_path", models.CharField(max_length=200, verbose_name="category path")),
                ("category_code", models.CharField(max_length=40, verbose_name="category code")),
                ("category_name", models.CharField(max_length=200, verbose_name="category name")),
                (
                    "category_name_hi",
                    models.CharField(max_length=200, verbose_name="category name in Hindi"),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("title_hi", models.CharField(max_length=200, verbose_name="title in Hindi")),
                ("brand", models.CharField(max_length=100, verbose_name="brand")),
                ("model", models.CharField(max_length=100, verbose_name="model")),
                ("model_key", models.CharField(max_length=100, verbose_name="model key")),
                ("oem", models.CharField(max_length=200, verbose_name="manufacturer")),
                ("price_paise", models.BigIntegerField(verbose_name="price (paise)")),
                ("mrp_paise", models.BigIntegerField(verbose_name="MRP (paise)")),
                ("lead_time_days", models.IntegerField(verbose_name="lead time (days)")),
                ("rating_hundredths", models.IntegerField(null=True, verbose_name="rating")),
                ("delivery_state_mask", models.BigIntegerField(verbose_name="delivery states")),
                ("delivery_pincodes", models.TextField(verbose_name="delivery PIN codes")),
                ("seller_firm_id", models.BigIntegerField(verbose_name="seller firm")),
                ("seller_name", models.CharField(max_length=200, verbose_name="seller name")),
                ("seller_state", models.CharField(max_length=100, verbose_name="seller state")),
                ("segment_bits", models.IntegerField(verbose_name="seller segments")),
                ("mii_class", models.CharField(max_length=16, verbose_name="Make in India class")),
                ("gi_tag", models.CharField(max_length=200, verbose_name="GI tag")),
                ("price_flag", models.CharField(max_length=20, verbose_name="price flag")),
                ("golden_specs", models.JSONField(default=dict, verbose_name="golden parameters")),
                (
                    "indexed_at",
                    models.DateTimeField(default=kraya.core.clock.now, verbose_name="indexed at"),
                ),
            ],
            options={
                "verbose_name": "offer search document",
                "verbose_name_plural": "offer search documents",
                "indexes": [
                    models.Index(
                        fields=["category_path", "price_paise"], name="search_doc_cat_price"
                    ),
                    models.Index(fields=["price_paise", "offer"], name="search_doc_price"),
                    models.Index(fields=["model_key"], name="search_doc_model_key"),
                    models.Index(fields=["product_id"], name="search_doc_product"),
                    models.Index(fields=["seller_firm_id"], name="search_doc_firm"),
                ],
            },
        ),
    ]
