import io

import pytest
from django.core.management import CommandError, call_command

from members.models import (
    Application,
    Invitation,
    Organisation,
)
from portal.demo import data
from portal.models import OutboundEmail

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_mails_only_what_its_invoices_and_meetings_send_and_only_to_demo_addresses(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seed()

    assert Invitation.objects.count() == len(data.INVITATIONS)
    assert Application.objects.count() == len(data.APPLICATIONS)
    # Invitations and applications are seeded without mail; the invoices are sent and the
    # meeting's notice and proxy receipts go out, as a newcomer should see them in var/mail.
    sent_by_design = OutboundEmail.objects.filter(about_type__app_label__in=["billing", "meetings"])
    assert sent_by_design.filter(about_type__app_label="billing").exists()
    assert sent_by_design.filter(about_type__app_label="meetings").exists()
    assert not OutboundEmail.objects.exclude(pk__in=sent_by_design).exists()
    assert len(mailoutbox) == sent_by_design.count()
    assert all(address.endswith(".example") for mail in mailoutbox for address in mail.to)


def test_refuses_to_run_in_production_without_force(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Organisation.objects.exists()

    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert Organisation.objects.exists()


def test_the_demo_hours_are_the_same_on_every_fresh_seed():
    from activities.models import HourEntry

    def hours():
        return sorted(
            HourEntry.objects.values_list("organisation__name", "person__email", "date", "hours")
        )

    seed()
    first = hours()
    HourEntry.objects.all().delete()
    seed()
    assert hours() == first
