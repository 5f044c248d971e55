import pytest
from django.core.exceptions import ValidationError

from members.validators import normalise_organisation_number


def test_valid_organisation_number_is_normalised_to_nine_digits():
    assert normalise_organisation_number("923 609 016") == "923609016"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("92360901", "An organisation number has exactly nine digits."),
        ("9236090161", "An organisation number has exactly nine digits."),
        ("92360901A", "An organisation number contains digits only."),
        ("923609017", "This is not a valid organisation number: the check digit does not match."),
    ],
)
def test_bad_organisation_number_gets_a_clear_message(value, message):
    with pytest.raises(ValidationError) as error:
        normalise_organisation_number(value)
    assert error.value.messages == [message]
