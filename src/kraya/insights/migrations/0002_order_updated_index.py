"""The incremental refresh reads orders by (updated_at, id) after its
watermark; without this index it would scan the orders table every minute.
Kept here (the orders app does not know insights' reads); it should move to
`Order.Meta.indexes` when the orders app next changes its models."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("orders", "0003_fulfilment_and_ledger"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS insights_order_updated ON orders_order (updated_at, id)",
            "DROP INDEX IF EXISTS insights_order_updated",
        ),
    ]
