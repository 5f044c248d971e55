"""Invoices issued before the VAT treatment existed get the category they were issued under,
and the seeded seller's post-office box becomes a street address (an invoice needs one)."""

from django.db import migrations


def forwards(apps, schema_editor):
    invoice_model = apps.get_model("billing", "Invoice")
    invoice_model.objects.filter(seller_vat_registered=False).update(vat_category="O")
    invoice_model.objects.filter(seller_vat_registered=True, vat_rate=0).update(vat_category="Z")
    apps.get_model("billing", "Seller").objects.filter(street_address="Postboks 1").update(
        street_address="Storgata 12", postal_code="4876"
    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0006_vat_treatment_document_language_credit_balance")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
