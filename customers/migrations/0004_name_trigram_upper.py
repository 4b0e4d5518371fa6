"""Django's ``icontains`` on PostgreSQL compares ``UPPER(name)``: index that expression."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS customer_name_trgm")
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS customer_name_upper_trgm ON customers_customer USING gin (UPPER("name") gin_trgm_ops)'
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS customer_name_upper_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_name_trgm ON customers_customer USING gin (name gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_search_and_sort_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
