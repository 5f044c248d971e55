"""One place to read numbers, dates and one-line text typed or uploaded by people.

Every form field, query parameter and imported cell that holds a number or a date goes through
these functions, so a hostile value gets a clear, translated error (a ``ValidationError``) and
never reaches the database, where PostgreSQL would answer with an exception (a NUL byte, a number
wider than the column, a year outside the calendar).

Grammar (after stripping ASCII spaces at both ends; ``DIGIT`` is ``0``-``9`` only)::

    integer   = [sign] DIGIT{1,18}
    decimal   = [sign] DIGIT{1,30} [mark DIGIT{1,30}]
    sign      = "-" | "+"              only where the field allows negative numbers ("+" always)
    mark      = "." | ","              "," only where the caller allows a decimal comma
    iso date  = DIGIT{4} "-" DIGIT{2} "-" DIGIT{2}
    dmy date  = DIGIT{1,2} "." DIGIT{1,2} "." DIGIT{4}
    iso week  = DIGIT{4} "-W" DIGIT{1,2}

Refused on purpose: exponents (``1e5``), ``NaN``/``Infinity``/``sNaN``, digit group separators
(``1_0``, ``1 000``, ``1.000,5``), non-ASCII digits (``²``, full-width digits U+FF10 to U+FF19,
Arabic-Indic ``٣``), a bare mark (``.5``, ``5.``), and any other character. A decimal then has
to fit its column: at most ``decimal_places`` digits after the mark and ``max_digits`` digits in
all. Dates and weeks lie in ``DATE_MIN`` .. ``DATE_MAX``.

One-line text (names, addresses, e-mail, URLs) may not hold control characters: C0 (U+0000 to
U+001F), DEL, C1 (U+0080 to U+009F) and the Unicode line and paragraph separators (U+2028,
U+2029). Multi-line text allows line feed, carriage return and tab, and refuses the rest.
"""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
MAX_INPUT_LENGTH = 64  # longer than any number or date the portal stores
INTEGER_MAX = 2_147_483_647  # PostgreSQL integer, the type of every id

_INTEGER = re.compile(r"([+-]?)([0-9]{1,18})", re.ASCII)
_DECIMAL = re.compile(r"([+-]?)([0-9]{1,30})(?:([.,])([0-9]{1,30}))?", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_DMY_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", re.ASCII)
_ISO_WEEK = re.compile(r"([0-9]{4})-W([0-9]{1,2})", re.ASCII)

_MULTILINE_ALLOWED = frozenset("\n\r\t")
_CONTROL = frozenset(
    [chr(code) for code in range(0x20)]
    + [chr(0x7F)]
    + [chr(code) for code in range(0x80, 0xA0)]
    + ["\u2028", "\u2029"]
)


def _text(value) -> str:
    text = str(value).strip(" ")
    if len(text) > MAX_INPUT_LENGTH:
        raise ValidationError(_("The value is too long."), code="too_long")
    return text


def parse_integer(
    value, *, min_value: int | None = None, max_value: int | None = None, signed: bool = False
) -> int:
    """``value`` (text or int) as an int by the grammar above, inside the given bounds."""
    if isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."), code="invalid")
    match = _INTEGER.fullmatch(_text(value))
    if match is None or (match[1] == "-" and not signed):
        raise ValidationError(_("Enter a whole number."), code="invalid")
    number = int(match[1] + match[2])
    _check_bounds(number, min_value, max_value)
    return number


def parse_decimal(
    value,
    *,
    max_digits: int | None = None,
    decimal_places: int | None = None,
    signed: bool = False,
    comma: bool = True,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
) -> Decimal:
    """``value`` (text, int or a finite Decimal/float) as a Decimal that fits its column.

    ``comma`` allows "1,5" beside "1.5"; ``signed`` allows a leading minus.
    """
    if isinstance(value, bool):
        raise ValidationError(_("Enter a number."), code="invalid")
    if isinstance(value, float):
        value = repr(value) if value == value else "nan"  # 1.5 -> "1.5"; 1e-05 stays refused
    elif isinstance(value, Decimal):
        value = format(value, "f") if value.is_finite() else "nan"  # bounded by the length
    match = _DECIMAL.fullmatch(_text(value))
    if match is None or (match[3] == "," and not comma) or (match[1] == "-" and not signed):
        raise ValidationError(_("Enter a number, such as 12 or 7.5."), code="invalid")
    sign, whole, _mark, fraction = match[1], match[2], match[3], match[4] or ""
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    if decimal_places is not None and len(fraction) > decimal_places:
        raise ValidationError(
            _("Use at most %(places)s digits after the decimal mark.") % {"places": decimal_places},
            code="max_decimal_places",
        )
    if max_digits is not None:
        room = max_digits - (decimal_places or 0)
        if whole != "0" and len(whole) > room:
            raise ValidationError(_("The number is too large."), code="max_whole_digits")
    number = Decimal(f"{sign}{whole}.{fraction or '0'}")
    _check_bounds(number, min_value, max_value)
    return number


def _check_bounds(number, min_value, max_value) -> None:
    if min_value is not None and number < min_value:
        raise ValidationError(
            _("The number must be at least %(min)s.") % {"min": min_value}, code="min_value"
        )
    if max_value is not None and number > max_value:
        raise ValidationError(
            _("The number must be at most %(max)s.") % {"max": max_value}, code="max_value"
        )


def check_date_range(value: datetime.date) -> datetime.date:
    """``value`` itself when it lies in ``DATE_MIN`` .. ``DATE_MAX``; a clear error otherwise."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s.")
            % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
            code="date_range",
        )
    return value


def parse_date(value) -> datetime.date:
    """A date written YYYY-MM-DD or DD.MM.YYYY (or a date/datetime from a spreadsheet cell)."""
    if isinstance(value, datetime.datetime):
        return check_date_range(value.date())
    if isinstance(value, datetime.date):
        return check_date_range(value)
    text = _text(value)
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match[1], match[2], match[3]
    elif match := _DMY_DATE.fullmatch(text):
        day, month, year = match[1], match[2], match[3]
    else:
        match = None
    try:
        date = datetime.date(int(year), int(month), int(day)) if match else None
    except ValueError:
        date = None  # 31.02.2026
    if date is None:
        raise ValidationError(_("Write the date as YYYY-MM-DD or DD.MM.YYYY."), code="invalid")
    return check_date_range(date)


def parse_iso_week(value) -> datetime.date:
    """The Monday of an ISO week written ``2026-W10``; all its days lie in the kept calendar."""
    match = _ISO_WEEK.fullmatch(_text(value))
    if match is None:
        raise ValidationError(_("Write the week as YYYY-Wnn, e.g. 2026-W10."), code="invalid")
    year, week = int(match[1]), int(match[2])
    if not DATE_MIN.year <= year <= DATE_MAX.year:
        raise ValidationError(_("This week is outside the calendar we keep."), code="date_range")
    try:
        monday = datetime.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValidationError(_("This week does not exist."), code="invalid_week") from None
    if monday + datetime.timedelta(days=6) > DATE_MAX:
        raise ValidationError(_("This week is outside the calendar we keep."), code="date_range")
    return monday


def control_characters_in(text: str, *, multiline: bool = False) -> set[str]:
    found = set(text) & _CONTROL
    return found - _MULTILINE_ALLOWED if multiline else found


def validate_one_line(value) -> None:
    """Refuse control characters and line breaks in one-line text."""
    if isinstance(value, str) and control_characters_in(value):
        raise ValidationError(
            _("Remove the control characters or line breaks from this field."),
            code="control_characters",
        )


def validate_multiline(value) -> None:
    """Refuse control characters other than line breaks and tabs in multi-line text."""
    if isinstance(value, str) and control_characters_in(value, multiline=True):
        raise ValidationError(
            _("Remove the control characters from this field."), code="control_characters"
        )
