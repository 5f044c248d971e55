"""The two number series, and the seller's details for staff to complete in admin."""

from django.db import migrations


def create(apps, schema_editor):
    series = apps.get_model("billing", "NumberSeries")
    series.objects.get_or_create(code="invoice", defaults={"name": "Fakturaer", "prefix": ""})
    series.objects.get_or_create(code="credit_note", defaults={"name": "Kreditnotaer", "prefix": "K"})
    seller = apps.get_model("billing", "Seller")
    if not seller.objects.exists():
        seller.objects.create(
            name="Battery Norway",
            organisation_number="988077917",
            street_address="Storgata 12",
            postal_code="4876",
            city="Grimstad",
            bank_account="86011117947",
            email="faktura@batterynorway.no",
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
