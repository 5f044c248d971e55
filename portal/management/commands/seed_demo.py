from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from activities.models import HourEntry
from members.models import User
from portal.demo import data
from portal.demo.activities import seed_demo_activities
from portal.demo.billing import seed_demo_billing
from portal.demo.meetings import seed_demo_meetings
from portal.demo.network import seed_demo_network


class Command(BaseCommand):
    help = "Load the fictional demo network with logins for every role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though PORTAL_ENV is production.",
        )

    def handle(self, *args, force=False, **options):
        if settings.PRODUCTION and not force:
            raise CommandError(
                "Refusing to load demo data into production; pass --force if you mean it."
            )
        # The demo spans every organisation.
        with scopes_disabled():
            self.seed()

    def seed(self):
        result = seed_demo_network()
        staff = User.objects.get(email=data.STAFF_EMAIL)
        activities = seed_demo_activities(
            staff=staff, steering=User.objects.get(email=data.STEERING_EMAIL)
        )
        billing = seed_demo_billing(staff=staff)
        meetings = seed_demo_meetings(staff=staff)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready: {result.organisations} organisations, "
                f"{activities} activities, {HourEntry.objects.count()} hour entries, "
                f"{billing.invoices} invoices and {billing.credit_notes} credit notes, "
                f"{len(meetings)} annual meetings."
            )
        )
        self.stdout.write("Demo logins (one per role):")
        width = max(len(login.role_label) for login in result.logins)
        for login in result.logins:
            self.stdout.write(f"  {login.role_label:<{width}}  {login.email}  /  {login.password}")
