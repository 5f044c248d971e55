from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.no import orgnr


def normalise_organisation_number(value: str) -> str:
    """Return the nine digits of a Norwegian organisation number, or raise a clear error."""
    try:
        return orgnr.validate(value)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("An organisation number has exactly nine digits."), code="orgnr_length"
        ) from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(
            _("An organisation number contains digits only."), code="orgnr_format"
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("This is not a valid organisation number: the check digit does not match."),
            code="orgnr_checksum",
        ) from None


def validate_organisation_number(value: str) -> None:
    normalise_organisation_number(value)
