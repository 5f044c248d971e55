"""KID payment references: digits with a MOD10 (Luhn) check digit, as Norwegian banks read them."""

from stdnum import luhn

KID_BODY_LENGTH = 9


def kid_for(number: int, *, series_digit: int) -> str:
    """The KID of a document: series digit, number padded to 8 digits, Luhn check digit.

    Ten digits in all, so every KID the portal issues has the same length and names one document.
    """
    body = f"{series_digit}{number:08d}"
    if len(body) != KID_BODY_LENGTH:
        raise ValueError("Document number too large for the KID format.")
    return body + luhn.calc_check_digit(body)


def kid_is_valid(kid: str) -> bool:
    return kid.isdigit() and 4 <= len(kid) <= 25 and luhn.is_valid(kid)


def mod10_check_digit(digits: str) -> str:
    return luhn.calc_check_digit(digits)
