from decimal import Decimal

import pytest

from billing.money import CENT, format_bank_account, quantize


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        (Decimal("10.005"), Decimal("10.01")),
        (Decimal("10.004"), Decimal("10.00")),
        (Decimal("-10.005"), Decimal("-10.01")),
        (Decimal("2500") * 5 / 12, Decimal("1041.67")),
        (Decimal(7), Decimal("7.00")),
    ],
)
def test_quantize_rounds_half_up_to_the_ore(amount, rounded):
    result = quantize(amount)
    assert result == rounded
    assert result.as_tuple().exponent == CENT.as_tuple().exponent


def test_valid_bank_account_is_grouped_as_norwegian_banks_print_it():
    assert format_bank_account("86011117947") == "8601.11.17947"


@pytest.mark.parametrize("account", ["86011117940", "8601111794", "", "NO9386011117947"])
def test_anything_but_a_valid_account_is_shown_unchanged(account):
    assert format_bank_account(account) == account
