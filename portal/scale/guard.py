"""The generator writes into an empty portal only: never next to real or other test data."""

from django.apps import apps
from django.core.management.base import CommandError
from django.db import connection

from billing.models import NumberSeries, Seller
from members.models import CompetenceArea, ValueChainSegment

CHECKED_APPS = ("members", "activities", "billing", "meetings", "account", "portal")
# What the migrations seed: the generator builds on it.
REFERENCE = {ValueChainSegment, CompetenceArea, Seller, NumberSeries}


def refuse_unless_ready() -> None:
    """Refuse SQLite, a database without the seeded reference data, and one holding anything
    else (an organisation, a person, an hour, a used invoice number ...)."""
    if connection.vendor != "postgresql":
        raise CommandError(
            "seed_scale loads with PostgreSQL's COPY and runs on PostgreSQL only; "
            "set DATABASE_URL to an empty PostgreSQL database."
        )
    holding = [
        model._meta.label
        for app in CHECKED_APPS
        for model in apps.get_app_config(app).get_models()
        if model not in REFERENCE and model._base_manager.exists()
    ]
    if NumberSeries.objects.filter(last_number__gt=0).exists():
        holding.append("billing.NumberSeries (numbers already used)")
    if holding:
        raise CommandError(
            "Refusing to seed: the database already holds data ("
            + ", ".join(holding[:6])
            + (" ..." if len(holding) > 6 else "")
            + "). seed_scale runs against a freshly migrated, empty database only."
        )
    if not (ValueChainSegment.objects.exists() and CompetenceArea.objects.exists()):
        raise CommandError("Segments and competence areas are missing: did the migrations run?")
    if not Seller.objects.exists() or NumberSeries.objects.count() < 2:
        raise CommandError("The seller or the number series are missing: run the migrations.")
