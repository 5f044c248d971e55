"""Seed the value-chain segments (figure 1 of the network's rules) and competence areas."""

from django.db import migrations

SEGMENTS = [
    ("mining", "Gruvedrift og mineralforedling", "Mining and mineral processing"),
    ("materials", "Batterimaterialer", "Battery materials"),
    ("cells", "Battericeller", "Battery cells"),
    ("modules-packs", "Moduler og batteripakker", "Modules and packs"),
    ("collection", "Innsamling", "Collection"),
    ("second-life", "Ombruk (second life)", "Second life"),
    ("recycling", "Gjenvinning", "Recycling"),
]

COMPETENCE_AREAS = [
    ("electrochemistry", "Elektrokjemi og cellekjemi", "Electrochemistry and cell chemistry"),
    ("materials-processing", "Materialer og prosessteknologi", "Materials and process technology"),
    ("cell-manufacturing", "Celleproduksjon og skalering", "Cell manufacturing and scale-up"),
    (
        "automation",
        "Automatisering, robotikk og digitalisering",
        "Automation, robotics and digitalisation",
    ),
    ("quality-testing", "Kvalitet, testing og sertifisering", "Quality, testing and certification"),
    ("safety", "Batterisikkerhet og brannvern", "Battery safety and fire protection"),
    (
        "bms-systems",
        "Batteristyring (BMS) og systemintegrasjon",
        "Battery management (BMS) and system integration",
    ),
    ("recycling-tech", "Gjenvinning og sirkulære løsninger", "Recycling and circular solutions"),
    (
        "lca-sustainability",
        "Livsløpsanalyse og bærekraft",
        "Life-cycle assessment and sustainability",
    ),
    ("operators-skills", "Fagarbeidere og operatørkompetanse", "Skilled workers and operators"),
    ("education", "Utdanning og etter- og videreutdanning", "Education and continuing education"),
    (
        "regulation",
        "Regelverk, standarder og batteriforordningen",
        "Regulation, standards and the EU Battery Regulation",
    ),
]


def create(apps, schema_editor):
    for model_name, rows in (("ValueChainSegment", SEGMENTS), ("CompetenceArea", COMPETENCE_AREAS)):
        model = apps.get_model("members", model_name)
        for position, (slug, name_nb, name_en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                slug=slug, defaults={"name_nb": name_nb, "name_en": name_en, "position": position}
            )


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
