import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
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


# ISO 3166-1 alpha-2, the officially assigned codes.
COUNTRY_CODES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 (a readable block of codes)
)


def validate_country_code(value: str) -> None:
    """A country as its two-letter ISO 3166 code, e.g. NO for Norway or SE for Sweden."""
    if value not in COUNTRY_CODES:
        raise ValidationError(
            _("Enter the country as its two-letter code in capitals, e.g. NO for Norway."),
            code="country",
        )


NORWAY = "NO"
NORWEGIAN_POSTAL_CODE = re.compile(r"[0-9]{4}")


def norwegian_postal_code_is_valid(value: str) -> bool:
    return NORWEGIAN_POSTAL_CODE.fullmatch(value) is not None


def validate_invoice_data(
    *,
    street_address: str = "",
    postal_code: str = "",
    city: str = "",
    country: str = NORWAY,
    invoice_email: str = "",
    billable: bool = False,
) -> None:
    """The invoice data of an organisation or an application, or a ValidationError by field.

    In Norway a postal code has four digits and goes with a town; an address given in part is
    completed. An invoice e-mail, when given, is a valid address. An organisation that is
    invoiced for the participation fee (``billable``) needs its invoice address and invoice
    e-mail: clearing them is refused. Forms call this to show the errors early; the services
    call it to enforce the rule.
    """
    street_address, postal_code, city = (
        (value or "").strip() for value in (street_address, postal_code, city)
    )
    country, invoice_email = (country or "").strip(), (invoice_email or "").strip()
    errors: dict[str, list] = {}

    def refuse(field: str, message, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    try:
        validate_country_code(country)
    except ValidationError as error:
        errors["country"] = [error]
    norway = country == NORWAY
    if norway and postal_code and not norwegian_postal_code_is_valid(postal_code):
        refuse(
            "postal_code",
            _("A Norwegian postal code has four digits, such as 0150 or 4836."),
            "postal_code_format",
        )
    has_address = bool(street_address or postal_code or city)
    if billable or has_address:
        if billable and not street_address:
            refuse(
                "street_address",
                _("Enter the street address: the organisation's fee invoices are sent to it."),
                "invoice_address_required",
            )
        if norway and not postal_code:
            refuse("postal_code", _("Enter the postal code of the address."), "postal_code")
        if not city:
            refuse("city", _("Enter the town of the postal code."), "city")
    if invoice_email:
        try:
            validate_email(invoice_email)
        except ValidationError:
            refuse("invoice_email", _("Enter a valid e-mail address."), "invoice_email")
    elif billable:
        refuse(
            "invoice_email",
            _(
                "Enter an invoice e-mail: the organisation is invoiced for the participation "
                "fee, and its invoices are sent there."
            ),
            "invoice_email_required",
        )
    if errors:
        raise ValidationError(errors)


def invoice_data_problems(organisation) -> list[str]:
    """What is missing or suspicious in ``organisation``'s invoice data, for staff to check
    before invoicing; empty when nothing is. Reads only the organisation's own fields."""
    problems: list[str] = []
    if not organisation.invoice_email:
        problems.append(str(_("No invoice e-mail: the invoice goes to the organisation's admins.")))
    if not (organisation.street_address and organisation.city):
        problems.append(str(_("No complete postal address on the invoice.")))
    if organisation.country == NORWAY and not norwegian_postal_code_is_valid(
        organisation.postal_code
    ):
        problems.append(str(_("The postal code is not four digits.")))
    if organisation.country not in COUNTRY_CODES:
        problems.append(str(_("The country is not a valid two-letter code.")))
    return problems
