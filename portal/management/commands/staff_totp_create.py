"""Create a TOTP authenticator for a staff account and print its secret once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from members.models import User
from portal.two_factor import staff_totp_create


class Command(BaseCommand):
    help = (
        "Create a TOTP authenticator for a staff account and print the secret and otpauth URI "
        "once. Hand them to the person out of band; they are not stored in readable form."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the staff account's e-mail address")
        parser.add_argument(
            "--replace", action="store_true", help="replace an existing authenticator"
        )

    def handle(self, *args, email, replace, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the address {email}.")
        try:
            secret, uri = staff_totp_create(user=user, replace=replace)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        self.stdout.write(f"Secret: {secret}\nURI: {uri}\n")
