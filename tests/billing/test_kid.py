import pytest

from billing.kid import kid_for, kid_is_valid, mod10_check_digit


@pytest.mark.parametrize(("digits", "check"), [("1234", "4"), ("2345678", "3")])
def test_mod10_check_digit_matches_the_reference_vectors(digits, check):
    assert mod10_check_digit(digits) == check


def test_kid_names_series_and_number_and_verifies():
    kid = kid_for(42, series_digit=1)
    assert kid[:9] == "100000042"
    assert len(kid) == 10
    assert kid_is_valid(kid)


def test_a_mistyped_kid_does_not_verify():
    kid = kid_for(42, series_digit=1)
    wrong = kid[:-1] + str((int(kid[-1]) + 1) % 10)
    assert not kid_is_valid(wrong)
    assert not kid_is_valid("12a45")
