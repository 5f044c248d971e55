"""The strict grammars of ``portal.parsing``: a table of accepted and refused inputs."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal import parsing

HOURS = {"max_digits": 5, "decimal_places": 2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", Decimal("1.5")),
        ("1,5", Decimal("1.5")),
        (" 7,75 ", Decimal("7.75")),
        ("24", Decimal(24)),
        ("0", Decimal(0)),
        ("007.50", Decimal("7.5")),
        ("+2", Decimal(2)),
        ("123.00000", Decimal(123)),  # trailing zeros are no extra precision
        (7, Decimal(7)),
        (1.5, Decimal("1.5")),
    ],
)
def test_decimal_accepted(text, expected):
    assert parsing.parse_decimal(text, **HOURS) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1e-2000000",
        "1e1000000",
        "1E2",
        "NaN",
        "nan",
        "sNaN",
        "Infinity",
        "-Infinity",
        "inf",
        "²",
        "１２",
        "٣",
        "1_0",
        "1 000",
        "1.000,5",
        "1.2.3",
        ".5",
        "5.",
        "0x10",
        "1\x00",
        "\x00",
        "-1",  # no sign where the field is not signed
        "1000",  # 4 whole digits in a 5,2 column
        "1.255",  # 3 decimals in a 5,2 column
        "9" * 100,
        True,
        float("nan"),
        float("inf"),
        1e-5,
    ],
)
def test_decimal_refused(text):
    with pytest.raises(ValidationError):
        parsing.parse_decimal(text, **HOURS)


def test_decimal_sign_comma_and_bounds_are_the_callers_choice():
    assert parsing.parse_decimal("-3.5", signed=True) == Decimal("-3.5")
    with pytest.raises(ValidationError):
        parsing.parse_decimal("3,5", comma=False)
    with pytest.raises(ValidationError):
        parsing.parse_decimal("0", min_value=Decimal("0.01"))
    assert parsing.parse_decimal("9999999999.99", max_digits=12, decimal_places=2) == Decimal(
        "9999999999.99"
    )
    with pytest.raises(ValidationError):
        parsing.parse_decimal("99999999999", max_digits=12, decimal_places=2)


@pytest.mark.parametrize(("text", "expected"), [("12", 12), (" 0 ", 0), ("+5", 5), (2026, 2026)])
def test_integer_accepted(text, expected):
    assert parsing.parse_integer(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "²", "１２", "1_0", "1.0", "1e3", "-1", "12a", "\x00", "9" * 19, "NaN", True],
)
def test_integer_refused(text):
    with pytest.raises(ValidationError):
        parsing.parse_integer(text)


def test_integer_bounds():
    assert parsing.parse_integer("-4", signed=True) == -4
    with pytest.raises(ValidationError):
        parsing.parse_integer("2101", max_value=2100)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-04", datetime.date(2026, 3, 4)),
        ("04.03.2026", datetime.date(2026, 3, 4)),
        ("4.3.2026", datetime.date(2026, 3, 4)),
        (datetime.datetime(2026, 3, 4, 12, 0), datetime.date(2026, 3, 4)),
        (datetime.date(2000, 1, 1), datetime.date(2000, 1, 1)),
    ],
)
def test_date_accepted(text, expected):
    assert parsing.parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01",
        "9999-12-31",
        "1999-12-31",
        "2101-01-01",
        "2026-02-30",
        "2026-13-01",
        "2026-3-4",
        "26-03-04",
        "２０２６-03-04",
        "2026-03-04\x00",
        "2026-03-04T00:00",
        "yesterday",
        "",
        datetime.date(1, 1, 1),
    ],
)
def test_date_refused(text):
    with pytest.raises(ValidationError):
        parsing.parse_date(text)


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W10", datetime.date(2026, 3, 2)),
        ("2026-W1", datetime.date(2025, 12, 29)),
        ("2020-W53", datetime.date(2020, 12, 28)),
        ("2100-W51", datetime.date(2100, 12, 20)),
    ],
)
def test_iso_week_accepted(text, monday):
    assert parsing.parse_iso_week(text) == monday


@pytest.mark.parametrize(
    "text",
    [
        "0001-W01",
        "9999-W52",
        "0-W1",
        "1999-W10",
        "2101-W01",
        "2100-W52",  # its Sunday is in 2101
        "2026-W54",
        "2026-W00",
        "2026-W1\x00",
        "2026W10",
        "garbage",
        "",
        "２０２６-W10",
    ],
)
def test_iso_week_refused(text):
    with pytest.raises(ValidationError):
        parsing.parse_iso_week(text)


@pytest.mark.parametrize(
    "text", ["a\nb", "a\rb", "a\tb", "a\x00b", "a\x1bb", "a\x7fb", "a\x85b", "a\u2028b", "a\u2029b"]
)
def test_one_line_text_refuses_control_characters(text):
    with pytest.raises(ValidationError):
        parsing.validate_one_line(text)


def test_one_line_text_keeps_ordinary_text():
    parsing.validate_one_line("O'Brien & Sønn AS – «Ærlig» 😀")


def test_multiline_text_allows_line_breaks_and_tabs_only():
    parsing.validate_multiline("first line\r\nsecond\tline\n")
    for text in ["a\x00b", "a\x0bb", "a\x7fb", "a\x9bb", "a\u2028b"]:
        with pytest.raises(ValidationError):
            parsing.validate_multiline(text)
