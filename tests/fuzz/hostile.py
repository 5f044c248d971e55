"""Hostile values for form fields, query parameters and uploaded files.

The named classes are the ones a tester turned into HTTP 500s (issue 7); hypothesis' own text,
integers, decimals and dates are mixed in to find what nobody listed. A value is a ``str`` that
may hold lone surrogates: the tests send them as the percent-encoded bytes a client would
(``%ED%A0%80``), which is how a hostile browser delivers them.
"""

import datetime

from hypothesis import strategies as st

NUMBERS = {
    "exponent underflow": "1e-2000000",
    "exponent overflow": "1e1000000",
    "signalling NaN": "sNaN",
    "NaN": "NaN",
    "infinity": "Infinity",
    "negative infinity": "-inf",
    "negative zero": "-0",
    "superscript two": "²",
    "full-width digits": "１２",
    "Arabic-Indic digits": "٣",
    "underscore separator": "1_0",
    "huge integer": "9" * 400,
    "huge negative integer": "-" + "9" * 60,
    "negative": "-1",
    "comma decimal": "1,25",
    "many decimals": "0." + "0" * 60 + "1",
    "hex": "0x10",
    "exponent": "1e3",
    "plus sign": "+5",
}

DATES = {
    "first ISO week": "0001-W01",
    "last ISO week": "9999-W52",
    "week 99": "2026-W99",
    "week zero": "0-W1",
    "first day": "0001-01-01",
    "last day": "9999-12-31",
    "30 February": "2026-02-30",
    "year zero": "0000-01-01",
    "five-digit year": "10000-01-01",
    "Norwegian date": "31.12.2026",
    "timestamp": "2026-01-01T00:00:00+99:00",
}

TEXT = {
    "NUL byte": "a\x00b",
    "only NUL": "\x00",
    "line break": "Nordlys\r\nBcc: x@example.no",
    "line separator": "a\u2028b",
    "paragraph separator": "a\u2029b",
    "escape": "\x1b[31m",
    "DEL": "\x7f",
    "C1 control": "\x85",
    "lone surrogate": "\ud800",
    "byte-order mark": "\ufeff1",
    "formula": "=1+1",
    "formula @": "@SUM(A1:A9)",
    "formula after tab": "\t=cmd|' /C calc'!A0",
    "script": "<script>alert(1)</script>",
    "attribute breakout": '"><img src=x onerror=alert(1)>',
    "SQL-ish": "' OR 1=1; DROP TABLE members_user; --",
    "template syntax": "{{ settings.SECRET_KEY }}{% debug %}",
    "format string": "%(name)s %s {0}",
    "empty": "",
    "whitespace": " \t ",
    "non-breaking space": "\u00a0",
    "right-to-left override": "\u202eabc",
    "combining marks": "e" + "\u0301" * 200,
    "over-long": "x" * 5000,
    "very long": "y" * 70_000,
    "e-mail over 254": "a" * 250 + "@example.no",
    "e-mail with NUL": "a\x00@example.no",
    "e-mail with line break": "a@example.no\r\nBcc: b@example.no",
    "unicode e-mail": "ø@例え.テスト",
    "path traversal": "../../../../etc/passwd",
}

NAMED = {**NUMBERS, **DATES, **TEXT}

# Uploaded files: delimiter guesses, NUL bytes, encodings, oversized fields, archives.
FILES = {
    "empty file": b"",
    "NUL bytes": b"\x00" * 64,
    "one comma row with a comma in the text": b'a,b,c\n1,"x, y",2\n',
    "semicolons with NUL": b"a;b;c\n1;\x002;3\n",
    "oversized field": b"a;b\n" + b'"' + b"x" * 200_000 + b'";1\n',
    "lone quote": b'"\n',
    "latin-1": "navn;timer\nS\xf8nn;1\n".encode("latin-1"),
    "UTF-16": "a;b\n1;2\n".encode("utf-16"),
    "zip that is not a workbook": b"PK\x03\x04" + b"\x00" * 30,
    "formula cells": b"=1+1;@SUM(A1);+2;-3\n",
    "control characters": b"a;b\n\x1b\x07;\x7f\n",
}


def _numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers().map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
    )


def _dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates().map(datetime.date.isoformat),
        st.dates().map(lambda day: "{}-W{:02d}".format(*day.isocalendar()[:2])),
        st.from_regex(r"\A-?\d{1,6}-W?\d{1,3}(-\d{1,3})?\Z"),
    )


def value(kind: str = "text") -> st.SearchStrategy[str]:
    """A hostile value for a field or parameter of ``kind`` (the HTML input type)."""
    mixed = [
        st.sampled_from(sorted(NAMED.values())),
        st.text(),
        st.text(st.characters(codec=None, categories=["Cc", "Cs", "Zl", "Zp", "Nd", "No"])),
        _numbers(),
        _dates(),
    ]
    if kind in ("number", "select"):
        mixed.insert(0, st.sampled_from(sorted(NUMBERS.values())))
    elif kind in ("date", "week", "month", "datetime-local"):
        mixed.insert(0, st.sampled_from(sorted(DATES.values())))
    return st.one_of(mixed)


def file_content(header: bytes | None = None) -> st.SearchStrategy[bytes]:
    """A hostile upload: a named file, random bytes, or ``header`` with hostile cells."""
    mixed = [st.sampled_from(list(FILES.values())), st.binary(max_size=2048)]
    if header:
        delimiter = b";" if header.count(b";") >= header.count(b",") else b","
        columns = header.splitlines()[0].count(delimiter) + 1
        cells = value().map(lambda text: text.encode("utf-8", "surrogatepass"))
        rows = st.lists(
            st.lists(cells, min_size=columns, max_size=columns).map(delimiter.join),
            min_size=1,
            max_size=3,
        )
        mixed.append(rows.map(lambda lines: header.splitlines()[0] + b"\n" + b"\n".join(lines)))
    return st.one_of(mixed)
