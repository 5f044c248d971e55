"""Reading the bank's file of incoming payments; every row is checked before anything is used.

The format, semicolon-separated, UTF-8 (or Windows-1252, as Norwegian online banks export)::

    date;amount;kid;reference
    2026-03-04;12500,00;1000000017;NETS-88412
    05.03.2026;6250.50;1000000025;

``date`` (YYYY-MM-DD or DD.MM.YYYY), ``amount`` (comma or point decimals, spaces between
thousands allowed) and ``kid`` are required columns, in any order; ``reference`` (the bank's
own id of the transaction) is optional, and other columns are ignored. An empty KID is a
well-formed row that no invoice can match; a KID that fails its check digit is a bad row.
Dates and amounts are read by ``portal.parsing``, the grammar the hour import uses too.
"""

import csv
import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from billing.kid import kid_is_valid
from portal import parsing
from portal.imports import FileRejectedError, LineError

REQUIRED_COLUMNS = ("date", "amount", "kid")
REFERENCE_COLUMN = "reference"
MAX_ROWS = 10_000
MAX_LINE_CHARS = 1000
MAX_REFERENCE_LENGTH = 90
MAX_AMOUNT = Decimal("9999999999.99")
SPACES = str.maketrans("", "", " \u00a0\u202f")


@dataclass(frozen=True)
class BankRow:
    """One incoming payment of the file; ``bank_reference`` identifies it across imports."""

    line: int
    paid_on: datetime.date
    amount: Decimal
    kid: str
    bank_reference: str


def bank_file_read(*, content: bytes, today: datetime.date) -> list[BankRow]:
    """Every row of the file, checked; raises ``FileRejectedError`` listing every bad row.

    Line numbers are the file's own (the header is line 1).
    """
    header, lines = _table(_decode(content))
    errors: list[LineError] = []
    rows: list[BankRow] = []
    occurrences: Counter = Counter()
    reference_lines: dict[str, int] = {}
    for line, cells in lines:
        if len(cells) != len(header):
            message = _("The row has %(cells)s columns; the header has %(header)s.") % {
                "cells": len(cells),
                "header": len(header),
            }
            errors.append(LineError(line, [message]))
            continue
        values = dict(zip(header, (cell.strip() for cell in cells), strict=True))
        messages: list[str] = []
        paid_on = _parse_date(values["date"], today, messages)
        amount = _parse_amount(values["amount"], messages)
        kid = values["kid"].translate(SPACES)
        if kid and not kid_is_valid(kid):
            messages.append(
                _("“%(kid)s” is not a valid KID (wrong check digit or characters).") % {"kid": kid}
            )
        reference = values.get(REFERENCE_COLUMN, "")
        if parsing.control_characters_in(reference):
            messages.append(_("The reference contains control characters."))
        elif len(reference) > MAX_REFERENCE_LENGTH:
            messages.append(
                _("The reference is longer than %(max)s characters.")
                % {"max": MAX_REFERENCE_LENGTH}
            )
        elif reference in reference_lines:
            messages.append(
                _("The reference %(reference)s is also on line %(line)s.")
                % {"reference": reference, "line": reference_lines[reference]}
            )
        if messages:
            errors.append(LineError(line, messages))
            continue
        if reference:
            reference_lines[reference] = line
            bank_reference = f"ref:{reference}"
        else:
            # No id from the bank: the payment is its date, amount and KID, and which of the
            # file's identical rows it is, so the same file imported again matches itself.
            identity = (paid_on, amount, kid)
            occurrences[identity] += 1
            bank_reference = _row_reference(*identity, occurrences[identity])
        rows.append(BankRow(line, paid_on, amount, kid, bank_reference))
    if errors:
        raise FileRejectedError(errors)
    return rows


def _row_reference(paid_on: datetime.date, amount: Decimal, kid: str, occurrence: int) -> str:
    identity = f"{paid_on.isoformat()}|{amount:.2f}|{kid}|{occurrence}"
    return "row:" + hashlib.sha256(identity.encode()).hexdigest()[:40]


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRejectedError(
            [LineError(None, [_("The file must be saved as UTF-8.")])]
        ) from None


def _table(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    physical = text.splitlines(keepends=True)
    for number, line in enumerate(physical, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise FileRejectedError(
                [
                    LineError(
                        number,
                        [
                            _("The line is longer than %(max)s characters.")
                            % {"max": MAX_LINE_CHARS}
                        ],
                    )
                ]
            )
    reader = csv.reader(physical, delimiter=";", strict=True)
    lines = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                lines.append((reader.line_num, row))
            if len(lines) > MAX_ROWS + 1:
                break
    except csv.Error:
        raise FileRejectedError(
            [
                LineError(
                    reader.line_num, [_("The line cannot be read (check its quotation marks).")]
                )
            ]
        ) from None
    if not lines:
        raise FileRejectedError([LineError(None, [_("The file is empty.")])])
    header = [cell.strip().lower() for cell in lines[0][1]]
    if len(header) == 1 and "," in header[0]:
        raise _header_error(_("Separate the columns with semicolons (;), not commas."))
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise _header_error(
            _(
                "The first row must name the columns date;amount;kid (and optionally reference); "
                "missing: %(columns)s."
            )
            % {"columns": ", ".join(missing)}
        )
    if len(set(header)) != len(header):
        raise _header_error(_("A column is named twice in the first row."))
    if not lines[1:]:
        raise FileRejectedError([LineError(None, [_("The file has no payments.")])])
    if len(lines) - 1 > MAX_ROWS:
        raise FileRejectedError(
            [LineError(None, [_("A file can hold at most %(max)s rows.") % {"max": MAX_ROWS}])]
        )
    return header, lines[1:]


def _header_error(message: str) -> FileRejectedError:
    return FileRejectedError([LineError(1, [message])])


def _parse_date(text: str, today: datetime.date, messages: list[str]) -> datetime.date | None:
    try:
        value = parsing.parse_date(text)
    except ValidationError as error:
        if error.code == "date_range":
            messages.extend(error.messages)
            return None
        messages.append(
            _("“%(date)s” is not a date: write YYYY-MM-DD or DD.MM.YYYY.") % {"date": text}
        )
        return None
    if value > today:
        messages.append(_("The date %(date)s is in the future.") % {"date": text})
    return value


def _parse_amount(text: str, messages: list[str]) -> Decimal | None:
    cleaned = text.translate(SPACES)
    if cleaned.count(",") + cleaned.count(".") > 1:
        messages.append(
            _("“%(amount)s”: write the amount without thousands separators, as 1250,50 or 1250.50.")
            % {"amount": text}
        )
        return None
    try:
        amount = parsing.parse_decimal(cleaned, decimal_places=2, comma=True)
    except ValidationError:
        messages.append(
            _(
                "“%(amount)s” is not an amount: write a positive number with at most two "
                "decimals, as 1250,50 or 1250.50."
            )
            % {"amount": text}
        )
        return None
    if amount == 0:
        messages.append(_("The amount must be more than zero."))
    elif amount > MAX_AMOUNT:
        messages.append(_("The amount %(amount)s is too large.") % {"amount": text})
    return amount
