import time

from django.core.management.base import BaseCommand, CommandError

from portal.scale.build import seed_scale
from portal.scale.plan import EMAIL_DOMAIN, LARGE_ORGANISATION, PASSWORD, STAFF_EMAIL, Scale


class Command(BaseCommand):
    help = (
        "Build a network a hundred times the demo (2,000 organisations, a million hour "
        "entries) into an empty PostgreSQL database, for measuring. The same rows every run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisations",
            type=int,
            default=2_000,
            help="How many organisations; every other count follows (default 2000).",
        )

    def handle(self, *args, organisations: int, **options):
        if organisations < 10:
            raise CommandError("Use at least 10 organisations.")
        scale = Scale(organisations=organisations)
        self.stdout.write(f"Building the scale network at {organisations} organisations:")
        started = time.perf_counter()
        seed_scale(scale=scale, report=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.0f} s."))
        self.stdout.write(
            f"Every person signs in with the password {PASSWORD!r}: the staff user "
            f"{STAFF_EMAIL}, organisation n's people person<n>-<p>@{EMAIL_DOMAIN} (p 0 its "
            f"admin); organisation {LARGE_ORGANISATION} has the most hours, 1 a small share."
        )
